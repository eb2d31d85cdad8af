import { authorize } from './internal/authorize.js'
import { callWallet } from '../clients/callWallet.js'
import type { ShareRecord } from '../clients/createShareApi.js'
import { type DriveKeyStore, isKeyOf, listKeyFiles } from '../clients/driveKeyStore.js'
import {
  Aborted,
  BackupError,
  type BackupErrorOptions,
  DriveDeleteFailed,
  GoogleTokenExpired,
  NotifyFailed,
  ShareServerInvalidResponse,
} from '../errors/errors.js'
import type { BackupConfig } from '../types.js'
import { toAbortedError } from '../utils/abort.js'
import { withClientLock } from '../utils/withClientLock.js'

/** The erase's steps in order; `erasing` is shown first when no popup is waited for (a token held, provider custody). */
export const eraseBackupSteps = ['authorizing', 'erasing', 'notifying'] as const
/** An erase's step: `idle`, the running steps the action reports (`onStep`), then `success` or `error`. */
export type EraseBackupStep = 'idle' | (typeof eraseBackupSteps)[number] | 'success' | 'error'

export type EraseBackupParameters = {
  /** Resolves a Google access token with the drive.appdata scope. Needed in kit custody only. */
  getAccessToken?: (() => Promise<string>) | undefined
  /** Called when Drive rejects the token (401) so the holder can drop it. */
  onTokenRejected?: (() => void) | undefined
  onStep?: ((step: EraseBackupStep) => void) | undefined
  signal?: AbortSignal | undefined
}

/** Nothing secret: the mutation's data lands in the React Query cache. */
export type EraseBackupReturnType = {
  /** How many of this client's key files were deleted from Drive (0 in provider custody, or when none was left). */
  keyFilesDeleted: number
}

export type { EraseBackupErrorType } from '../errors/errors.js'

type Part = 'drive' | 'server'

/**
 * Erases the user's backup, the parts the kit made, in this order: this client's key files in the user's Drive (kit
 * custody; only files whose names parse exactly as this client's), the server's record of every method (`DELETE`),
 * then the wallet is told that no backup share is stored (`notifyStored(false)`). Each part is idempotent, so when one
 * fails (the error's `facts.erased` names the parts already done) running it again finishes the rest. One flow per
 * client at a time, as backup and recovery.
 *
 * Drive first: a server record whose key is gone recovers nothing, while a key left behind a deleted record would
 * be a secret no record points to any more. The provider's own records (Portal's backup share pair, the custodian
 * share its webhook stored) are not the kit's to delete.
 */
export function eraseBackup(config: BackupConfig, params: EraseBackupParameters = {}): Promise<EraseBackupReturnType> {
  return withClientLock(config.clientId, params.signal, () => runErase(config, params))
}

async function runErase(config: BackupConfig, params: EraseBackupParameters): Promise<EraseBackupReturnType> {
  const { wallet, clientId, shareApi } = config
  const { signal } = params
  const drive = await authorize(config, {
    getAccessToken: params.getAccessToken,
    signal,
    onStep: () => params.onStep?.('authorizing'),
  })
  params.onStep?.('erasing')
  const erased: Part[] = []
  try {
    let keyFilesDeleted = 0
    if (drive) {
      // The record names the key file by id: a key written moments ago may not be listed by name yet. A record the
      // kit will not hand to Drive (a bad id) must not block the erase: the key files are still found by name.
      const record = await shareApi.get(clientId, wallet.backupMethod, { signal }).catch((error: unknown) => {
        if (error instanceof ShareServerInvalidResponse) return null
        throw error
      })
      keyFilesDeleted = await deleteKeyFiles(drive, clientId, record).catch((error: unknown) => {
        if (error instanceof GoogleTokenExpired) params.onTokenRejected?.()
        throw toDriveDeleteError(error, signal)
      })
      erased.push('drive')
    }
    await shareApi.erase(clientId, { signal })
    erased.push('server')

    params.onStep?.('notifying')
    // The provider's only word for it: the app's server does not hold the client backup share (Portal:
    // storedClientBackupShare(false, method)). Portal has no call to delete a completed backup pair; see docs/client.md.
    await callWallet(wallet, () => wallet.notifyStored(false), {
      step: 'notify',
      signal,
      timeoutMs: config.walletTimeoutMs,
    }).catch((cause: unknown) => {
      if (cause instanceof BackupError) throw cause
      throw new NotifyFailed('Could not tell the wallet the backup was erased.', { step: 'notify', cause })
    })
    return { keyFilesDeleted }
  } catch (error) {
    const typed = signal?.aborted && !(error instanceof Aborted) ? toAbortedError(error) : error
    throw partial(typed, erased)
  }
}

/** Deletes this client's key files (by name, and the one the record names by id); a file already gone counts. */
async function deleteKeyFiles(drive: DriveKeyStore, clientId: string, record: ShareRecord | null): Promise<number> {
  const ids = new Set((await listKeyFiles(drive, clientId, { step: 'erase' })).map((f) => f.id))
  if (record?.keyFileId && !ids.has(record.keyFileId)) {
    const file = await drive.get(record.keyFileId, { step: 'erase' })
    // Only a file whose name parses as this client's key (any version): never another client's file.
    if (file && isKeyOf(file.name, clientId, undefined)) ids.add(file.id)
  }
  let deleted = 0
  // One at a time: a user has a few key files at most, and Drive rate-limits bursts of writes.
  for (const id of ids) {
    try {
      await drive.remove(id)
      deleted += 1
    } catch (error) {
      // Deleted meanwhile (another tab's erase, a retry whose first answer was lost): what was asked is done.
      if (!(error instanceof BackupError && error.facts.status === 404)) throw error
    }
  }
  return deleted
}

function toDriveDeleteError(error: unknown, signal: AbortSignal | undefined): unknown {
  if (signal?.aborted || error instanceof Aborted || !(error instanceof BackupError)) return error
  return new DriveDeleteFailed('Could not delete the backup key from Google Drive.', {
    step: 'erase',
    facts: { ...error.facts },
    // A rejected token heals with a new one (the next click asks for it); a missing scope or a setup error does not.
    retryable: error.retryable || error instanceof GoogleTokenExpired,
    details: `Google Drive: ${error.code}`,
  })
}

/** The failure, saying which parts were erased before it: a new error of the same class (the original stays as made). */
function partial(error: unknown, erased: Part[]): unknown {
  if (!(error instanceof BackupError) || erased.length === 0) return error
  const Same = error.constructor as new (shortMessage: string, options: BackupErrorOptions) => BackupError
  const done = !erased.includes('server')
    ? 'The backup key is already deleted from Google Drive'
    : erased.includes('drive')
      ? 'The backup is already erased from Google Drive and the server'
      : 'The backup is already erased from the server'
  return new Same(`${error.shortMessage} ${done}; erasing again finishes the rest.`, {
    step: error.step,
    retryable: error.retryable,
    details: error.details,
    facts: { ...error.facts, erased: [...erased] },
  })
}
