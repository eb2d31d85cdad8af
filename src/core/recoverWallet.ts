import {
  authorize,
  settle,
  storeNewBackup,
  walletFailure,
  type BackupConfig,
  type BackupFlowStep,
  type BackupWalletParameters,
  type BackupWalletReturnType,
} from './backupWallet.js'
import { keyFilePrefix, keyFileName } from './driveKeyStore.js'
import { BackupError, KeyNotFound, RecoveryFailed, ShareNotFound, type RecoveryErrorType } from './errors.js'
import { aborted, throwIfAborted as abortCheck } from './withRetry.js'
import { withClientLock } from './withClientLock.js'

export type RecoveryFlowStep = 'authorizing' | 'reading' | 'recovering' | Exclude<BackupFlowStep, 'authorizing'>

export type RecoverWalletParameters = Omit<BackupWalletParameters, 'onStep'> & {
  onStep?: ((step: RecoveryFlowStep) => void) | undefined
}

/** Nothing secret: lands in the React Query cache. */
export type RecoverWalletReturnType = BackupWalletReturnType & { address: string | undefined }
export type RecoverWalletErrorType = RecoveryErrorType

/**
 * Recovery: authorize -> the server's record and the Drive key files, in parallel -> wallet recover -> store the fresh
 * backup that recovery makes (the provider deprecates the old pair) -> notify. A failed read or recover overwrites
 * nothing: the server record and the key stay as they were.
 */
export function recoverWallet(config: BackupConfig, params: RecoverWalletParameters = {}): Promise<RecoverWalletReturnType> {
  return withClientLock(config.clientId, params.signal, () => runRecovery(config, params))
}

async function runRecovery(config: BackupConfig, params: RecoverWalletParameters): Promise<RecoverWalletReturnType> {
  const { wallet, clientId, shareApi } = config
  const { signal } = params
  const backupParams = params as BackupWalletParameters
  const drive = await authorize(config, backupParams)

  params.onStep?.('reading')
  // The key version is named by the server's record; listing the key files beside the GET keeps the two reads
  // parallel (there is one key file but right after a backup).
  const [record, keys] = await Promise.all([
    shareApi.get(clientId, wallet.backupMethod, { signal }),
    drive
      ? drive.list(keyFilePrefix(clientId), 'read').then((files) =>
          // Settled one by one: an obsolete file may be pruned between the list and the read.
          Promise.all(files.map(async (f) => [f.name, await settle(drive.readById(f.id))] as const)),
        )
      : Promise.resolve([]),
  ]).catch((error: unknown) => {
    throw mapError(error, signal)
  })
  if (!record) throw new ShareNotFound('No backup share on the server.', { step: 'read' })
  let key: string | undefined
  if (drive) {
    const name = keyFileName(clientId, record.keyVersion ?? '')
    const read = keys.find(([n]) => n === name)?.[1]
    if (read && !read.ok) throw mapError(read.error, signal)
    key = read?.value
    if (!key)
      throw new KeyNotFound(
        keys.length ? "Drive key does not match the server's backup." : 'No backup key in this Google Drive.',
        { step: 'read', details: keys.length ? 'key version mismatch' : undefined },
      )
  }
  abortCheck(signal)

  params.onStep?.('recovering')
  let address: string | undefined
  try {
    ;({ address } = await wallet.recover(record.cipherText, { key, onProgress: params.onProgress }))
  } catch (cause) {
    throw walletFailure(cause, 'recover', RecoveryFailed, 'Wallet recovery failed.')
  }

  // Recovery made new share pairs; until they are stored the wallet has no backup.
  const stored = await storeNewBackup(config, backupParams, drive, { previous: record })
  return { ...stored, address }
}

function mapError(error: unknown, signal: AbortSignal | undefined): BackupError {
  if (signal?.aborted) return aborted(error)
  if (error instanceof BackupError) return error
  return new RecoveryFailed('Backup read failed.', { step: 'read', cause: error })
}
