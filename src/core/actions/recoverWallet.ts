import { authorize } from './internal/authorize.js'
import { storeNewBackup } from './internal/storeNewBackup.js'
import { toWalletError } from './internal/toWalletError.js'
import type { BackupConfig, BackupWalletParameters, BackupWalletReturnType } from './backupWallet.js'
import type { ShareRecord } from '../clients/createShareApi.js'
import {
  isKeyOf,
  listKeyFiles,
  type DriveFile,
  type DriveKeyStore,
  type GoogleAccount,
} from '../clients/driveKeyStore.js'
import { maskEmail } from '../utils/maskEmail.js'
import { BackupError, KeyNotFound, RecoveryFailed, ShareNotFound } from '../errors/errors.js'
import { throwIfAborted, toAbortedError } from '../utils/abort.js'
import { withClientLock } from '../utils/withClientLock.js'
import { callWallet, isAbortedOrTimeout } from '../clients/callWallet.js'

/** Recovery's steps in order: it reads first, then stores the fresh backup it makes as a backup does. */
export const recoverWalletSteps = [
  'authorizing',
  'reading',
  'recovering',
  'generating',
  'storing',
  'notifying',
] as const
/** A recovery's step: `idle`, the running steps the action reports (`onStep`), then `success` or `error`. */
export type RecoverWalletStep = 'idle' | (typeof recoverWalletSteps)[number] | 'success' | 'error'

export type RecoverWalletParameters = Omit<BackupWalletParameters, 'onStep'> & {
  onStep?: ((step: RecoverWalletStep) => void) | undefined
}

/** Nothing secret: lands in the React Query cache. */
export type RecoverWalletReturnType = BackupWalletReturnType & { address: string | undefined }
export type { RecoverWalletErrorType } from '../errors/errors.js'

/**
 * Recovery: authorize -> the server's record and the Drive key files, in parallel -> wallet recover -> store the fresh
 * backup that recovery makes (the provider deprecates the old pair) -> notify. A failed read or recover overwrites
 * nothing: the server record and the key stay as they were.
 */
export function recoverWallet(
  config: BackupConfig,
  params: RecoverWalletParameters = {},
): Promise<RecoverWalletReturnType> {
  return withClientLock(config.clientId, params.signal, () => runRecovery(config, params))
}

async function runRecovery(config: BackupConfig, params: RecoverWalletParameters): Promise<RecoverWalletReturnType> {
  const { wallet, clientId, shareApi } = config
  const { signal } = params
  const backupParams = params as BackupWalletParameters
  const drive = await authorize(config, backupParams)

  params.onStep?.('reading')
  const record = await shareApi.get(clientId, wallet.backupMethod, { signal }).catch((error: unknown) => {
    throw toReadError(error, signal)
  })
  if (!record) throw new ShareNotFound('No backup share on the server.', { step: 'read' })
  const expected = record.googleAccount
  if (expected) params.onGoogleAccount?.(expected.email)
  const key = drive
    ? await readKey(drive, clientId, record).catch(async (error: unknown) => {
        if (error instanceof KeyNotFound && expected) {
          const mismatch = await otherAccount(drive, expected).catch(() => undefined)
          if (mismatch) {
            // The token is for the wrong account: drop it, so the retry's click opens the popup (with the hint).
            params.onTokenRejected?.()
            throw mismatch
          }
        }
        throw toReadError(error, signal)
      })
    : undefined
  throwIfAborted(signal)

  params.onStep?.('recovering')
  let address: string | undefined
  try {
    ;({ address } = await callWallet(
      wallet,
      () => wallet.recover(record.cipherText, { key, onProgress: params.onProgress }),
      {
        step: 'recover',
        signal,
        timeoutMs: config.walletTimeoutMs,
      },
    ))
  } catch (cause) {
    if (isAbortedOrTimeout(cause)) throw cause
    throw toWalletError(cause, 'recover', RecoveryFailed)
  }

  // Recovery made new share pairs; until they are stored the wallet has no backup.
  const stored = await storeNewBackup(config, backupParams, drive, { previous: record })
  return { ...stored, address }
}

/**
 * The key the server's record names. By file id when the record has one: `files.get` sees a file the moment it
 * exists, while Drive's name queries can miss it for a while. Records from older kits name only the version, and
 * are found by listing (their key files are old enough to be listed), by the exact parse of their names.
 */
async function readKey(drive: DriveKeyStore, clientId: string, record: ShareRecord): Promise<string> {
  let file: DriveFile | undefined
  let others = false
  if (record.keyFileId) {
    file = await drive.get(record.keyFileId, { withKey: true })
    // Another wallet's file, or another version's, is not this backup's key (a server that keeps no version: any of ours).
    if (file && !isKeyOf(file.name, clientId, record.keyVersion)) {
      others = true
      file = undefined
    }
  } else {
    const files = await listKeyFiles(drive, clientId, { step: 'read', withKeys: true })
    file = files.find((f) => f.keyVersion === record.keyVersion)
    others = files.length > 0
  }
  // Key files written without the property (older kits, or keys over its size limit) are read by content.
  const key = file && (file.appProperties?.key ?? (await drive.readById(file.id)))
  if (!key)
    throw new KeyNotFound(
      others ? "Drive key does not match the server's backup." : 'No backup key in this Google Drive.',
      {
        step: 'read',
        details: others ? 'key version mismatch' : undefined,
        facts: { reason: others ? 'version_mismatch' : 'no_key' },
      },
    )
  return key
}

/** A KeyNotFound naming the account that holds the key, when the user signed in with another one. */
async function otherAccount(drive: DriveKeyStore, expected: GoogleAccount): Promise<KeyNotFound | undefined> {
  const current = await drive.account('read')
  if (!current || current.permissionId === expected.permissionId) return undefined
  const want = maskEmail(expected.email)
  return new KeyNotFound(`The backup key is in another Google account: choose ${want}.`, {
    step: 'read',
    retryable: true,
    facts: { reason: 'other_account', expectedAccount: want, account: maskEmail(current.email) },
    details: `Signed in as ${maskEmail(current.email)}; the backup was made with ${want}. Try again and pick ${want} in Google's account chooser.`,
  })
}

/** A failed read of the record or the key: an abort says Aborted, a typed error stays, anything else is recovery's. */
function toReadError(error: unknown, signal: AbortSignal | undefined): BackupError {
  if (signal?.aborted) return toAbortedError(error)
  if (error instanceof BackupError) return error
  return new RecoveryFailed('Backup read failed.', { step: 'read', cause: error })
}
