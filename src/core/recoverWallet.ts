import {
  authorize,
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
import { callWallet, isAbortedOrTimeout } from './callWallet.js'

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
  // The key version is named by the server's record; listing the key files (keys included, when they ride along as
  // app properties) beside the GET keeps the read to one parallel round trip.
  const [record, files] = await Promise.all([
    shareApi.get(clientId, wallet.backupMethod, { signal }),
    drive ? drive.list(keyFilePrefix(clientId), { step: 'read', withKeys: true }) : [],
  ]).catch((error: unknown) => {
    throw mapError(error, signal)
  })
  if (!record) throw new ShareNotFound('No backup share on the server.', { step: 'read' })
  let key: string | undefined
  if (drive) {
    const file = files.find((f) => f.name === keyFileName(clientId, record.keyVersion ?? ''))
    // Key files written without the property (older kits, or keys over its size limit) are read one by one.
    key =
      file &&
      (file.appProperties?.key ??
        (await drive.readById(file.id).catch((error: unknown) => {
          throw mapError(error, signal)
        })))
    if (!key)
      throw new KeyNotFound(files.length ? "Drive key does not match the server's backup." : 'No backup key in this Google Drive.', {
        step: 'read',
        details: files.length ? 'key version mismatch' : undefined,
      })
  }
  abortCheck(signal)

  params.onStep?.('recovering')
  let address: string | undefined
  try {
    ;({ address } = await callWallet(wallet, () => wallet.recover(record.cipherText, { key, onProgress: params.onProgress }), {
      step: 'recover',
      signal,
      timeoutMs: config.walletTimeoutMs,
    }))
  } catch (cause) {
    if (isAbortedOrTimeout(cause)) throw cause
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
