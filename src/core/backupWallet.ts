import { createDriveKeyStore, keyFileName, keyFilePrefix, type DriveKeyStore } from './driveKeyStore.js'
import type { ShareApi, ShareRecord } from './createShareApi.js'
import { callWallet, isAbortedOrTimeout } from './callWallet.js'
import {
  Aborted,
  BackupError,
  factsOf,
  GoogleTokenExpired,
  NotifyFailed,
  type RecoveryFailed,
  WalletBackupFailed,
  WalletBusy,
  type BackupErrorType,
} from './errors.js'
import type { WalletAdapter, WalletProgress } from './WalletAdapter.js'
import { aborted, throwIfAborted as abortCheck, untilAborted, type RetryOptions } from './withRetry.js'
import { withClientLock } from './withClientLock.js'

export type BackupFlowStep = 'authorizing' | 'generating' | 'storing' | 'notifying'

export type BackupConfig = {
  wallet: WalletAdapter
  clientId: string
  shareApi: ShareApi
  retry?: RetryOptions | undefined
  fetch?: typeof fetch | undefined
  /** Per Drive request (the share API has its own, in its config). Default 20 s. */
  timeoutMs?: number | undefined
  /** Per wallet call, the wait for the wallet to be ready included. Default 60 s (`WalletTimeout` after it). */
  walletTimeoutMs?: number | undefined
}

export type BackupWalletParameters = {
  /** Resolves a Google access token with the drive.appdata scope. Needed in kit custody only. */
  getAccessToken?: (() => Promise<string>) | undefined
  /** Called when Drive rejects the token (401) so the holder can drop it. */
  onTokenRejected?: (() => void) | undefined
  /** Told the Google account (email) that holds (or is to hold) the key, so the next popup can pre-select it. */
  onGoogleAccount?: ((email: string) => void) | undefined
  onStep?: ((step: BackupFlowStep) => void) | undefined
  onProgress?: ((progress: WalletProgress) => void) | undefined
  signal?: AbortSignal | undefined
}

/** Nothing secret: the mutation's data lands in the React Query cache. */
export type BackupWalletReturnType = { backupMethod: string; storedAt: string; keyVersion: string }
export type BackupWalletErrorType = BackupErrorType

/**
 * The user backup: generate -> store (Drive key + server share, in parallel) -> notify. Any failure after the share
 * exists tells the wallet `false` exactly once, and the previous good backup is left able to recover: its key file
 * stays in Drive until the new backup is confirmed, and the server's previous record is put back if the upload may
 * have replaced it.
 */
export function backupWallet(
  config: BackupConfig,
  params: BackupWalletParameters = {},
): Promise<BackupWalletReturnType> {
  return withClientLock(config.clientId, params.signal, () => runBackup(config, params))
}

async function runBackup(config: BackupConfig, params: BackupWalletParameters): Promise<BackupWalletReturnType> {
  const drive = await authorize(config, params)
  return storeNewBackup(config, params, drive)
}

/** Step 1 in kit custody: a token for the Drive app data folder (the popup itself was opened by the click). */
export async function authorize(
  config: BackupConfig,
  params: BackupWalletParameters,
): Promise<DriveKeyStore | undefined> {
  if (config.wallet.keyCustody !== 'kit') return undefined
  params.onStep?.('authorizing')
  if (!params.getAccessToken) throw new GoogleTokenExpired('No Google token.', { step: 'authorize' })
  const accessToken = await untilAborted(params.getAccessToken(), params.signal)
  abortCheck(params.signal)
  return createDriveKeyStore({ ...config, accessToken, signal: params.signal })
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown }
export const settle = <T>(p: Promise<T>): Promise<Settled<T>> =>
  p.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  )

/** Steps 2-4, shared by backup and by recovery (which must store the fresh backup it makes). */
export async function storeNewBackup(
  config: BackupConfig,
  params: BackupWalletParameters,
  drive: DriveKeyStore | undefined,
  known: { previous?: ShareRecord | null } = {},
): Promise<BackupWalletReturnType> {
  const { wallet, clientId, shareApi } = config
  const { signal } = params
  const method = wallet.backupMethod

  params.onStep?.('generating')
  const key = drive ? randomKey() : undefined
  const keyVersion = newKeyVersion()
  // While the wallet works: read the record a rollback would put back (recovery already has it), and write the
  // new key file. Its name is versioned, so it cannot touch the key of the backup that stands.
  const previousRead =
    'previous' in known
      ? settle(Promise.resolve(known.previous ?? null))
      : settle(shareApi.get(clientId, method, { signal }))
  const keyWrite = drive ? settle(drive.write(keyFileName(clientId, keyVersion), key!)) : undefined
  // Best effort: a backup does not fail because Drive would not name the account.
  const accountRead = drive ? drive.account().catch(() => undefined) : undefined
  const dropUnusedKey = async () => {
    const written = await keyWrite
    if (drive && written?.ok) await drive.remove(written.value.id).catch(() => {})
  }

  let out: unknown
  let asked: Promise<unknown> | undefined
  try {
    out = await callWallet(wallet, () => (asked = wallet.backup({ key, onProgress: params.onProgress })), {
      step: 'generate',
      signal,
      timeoutMs: config.walletTimeoutMs,
    })
  } catch (error) {
    await Promise.all([previousRead, dropUnusedKey(), accountRead])
    // The wallet made no share, so there is nothing to report stored or not. Unless it was still working when the
    // flow gave up (abort, timeout): a share it makes later was never stored, and it must hear so then.
    if (asked && isAbortedOrTimeout(error))
      void asked.then(
        (late) => (typeof late === 'string' && late ? tellFalse(wallet, config.walletTimeoutMs) : undefined),
        () => {},
      )
    throw walletError(error)
  }
  if (typeof out !== 'string' || out.length === 0) {
    await Promise.all([previousRead, dropUnusedKey(), accountRead])
    // The wallet believes it made a backup; it must hear that none was stored.
    await tellFalse(wallet, config.walletTimeoutMs)
    throw new WalletBackupFailed('Wallet made an empty share.', {
      step: 'generate',
      facts: { providerCode: 'EMPTY_CIPHERTEXT' },
    })
  }
  const cipherText = out

  // From here on the share exists: every exit tells the wallet once.
  let uploadMayHaveLanded = false
  let ourRevision: string | undefined
  let previous: ShareRecord | null = null
  try {
    const prev = await previousRead
    if (!prev.ok) throw prev.error
    previous = prev.value
    abortCheck(signal)

    params.onStep?.('storing')
    // The key write ran beside the wallet's generate; the record names its file id, so recovery and status read the
    // key by id (Drive's name queries can miss a file created moments ago). No upload without a stored key.
    const written = await keyWrite
    if (written && !written.ok) throw written.error
    const googleAccount = await accountRead
    uploadMayHaveLanded = true
    const uploaded = await settle(
      shareApi.put(
        clientId,
        {
          backupMethod: method,
          cipherText,
          keyVersion,
          ...(written ? { keyFileId: written.value.id } : {}),
          ...(googleAccount ? { googleAccount } : {}),
        },
        { idempotencyKey: `${clientId}:${keyVersion}`, signal, ifMatch: previous?.revision },
      ),
    )
    // A 4xx is a definite refusal (a retried attempt that had landed would have been replayed, not refused): the
    // server still holds what it held. Putting our old record back then would clobber, say, the backup another
    // device made meanwhile (412), whose older key files that device may already have pruned.
    if (!uploaded.ok && isRefusal(uploaded.error)) uploadMayHaveLanded = false
    if (uploaded.ok) ourRevision = uploaded.value.revision
    if (!uploaded.ok) throw uploaded.error
    abortCheck(signal)

    params.onStep?.('notifying')
    // What the server holds now, read beside the notify: pruning must spare its key (see pruneOldKeys).
    const serverNow = drive ? settle(shareApi.get(clientId, method, { signal })) : undefined
    try {
      await callWallet(wallet, () => wallet.notifyStored(true), {
        step: 'notify',
        signal,
        timeoutMs: config.walletTimeoutMs,
      })
    } catch (cause) {
      if (isAbortedOrTimeout(cause)) throw cause
      throw new NotifyFailed('Could not tell the wallet the share was stored.', { step: 'notify', cause })
    }

    if (drive && serverNow) {
      // The read is waited for (briefly), so no request of this backup is still travelling once it has resolved.
      let timer: ReturnType<typeof setTimeout> | undefined
      const read = await Promise.race([
        serverNow,
        new Promise<undefined>((r) => {
          timer = setTimeout(() => r(undefined), PRUNE_READ_WAIT_MS)
        }),
      ])
      // The read answered first (the usual case): no timer of a settled backup is left running.
      clearTimeout(timer)
      // Off the critical path: older key files are only clutter now, and a later backup prunes whatever is left.
      if (read?.ok) void pruneOldKeys(drive, clientId, keyVersion, read.value?.keyVersion)
    }
    if (googleAccount) params.onGoogleAccount?.(googleAccount.email)
    return { backupMethod: method, storedAt: uploaded.value.storedAt, keyVersion }
  } catch (error) {
    const typed = toBackupError(error, signal)
    if (typed instanceof GoogleTokenExpired) params.onTokenRejected?.()
    const written = await keyWrite
    await accountRead
    await rollback({
      config,
      drive,
      previous,
      uploadMayHaveLanded,
      ours: { cipherText, revision: ourRevision },
      newKeyFileId: written?.ok ? written.value.id : undefined,
      keyVersion,
    })
    await tellFalse(wallet, config.walletTimeoutMs)
    throw typed
  }
}

/** Not bound to the flow's signal (an aborted flow must still say `false`), only to the wallet deadline. */
async function tellFalse(wallet: WalletAdapter, timeoutMs: number | undefined) {
  try {
    await callWallet(wallet, () => wallet.notifyStored(false), { step: 'notify', timeoutMs })
  } catch {
    // The typed error of the real failure matters more than a failed `false`.
  }
}

/**
 * Puts the previous server record back and removes the new key file, so nothing half-written stays. The restore only
 * ever replaces the previous record or OUR upload (If-Match their revisions): between our upload and this rollback
 * another device may have read our record and stored its own backup over it (and pruned the older key files), and
 * replacing that would leave the server with a record whose key is gone.
 */
async function rollback(s: {
  config: BackupConfig
  drive: DriveKeyStore | undefined
  previous: ShareRecord | null
  uploadMayHaveLanded: boolean
  ours: { cipherText: string; revision: string | undefined }
  newKeyFileId: string | undefined
  keyVersion: string
}) {
  const { config, drive, previous } = s
  let serverHoldsOld = !s.uploadMayHaveLanded
  if (s.uploadMayHaveLanded && previous) serverHoldsOld = await restorePrevious(config, previous, s.ours, s.keyVersion)
  // Without the old record back on the server the new share may be the only one, and it needs its key.
  if (drive && s.newKeyFileId && serverHoldsOld) await drive.remove(s.newKeyFileId).catch(() => {})
}

const RESTORE_ROUNDS = 3

/**
 * Restores `previous` over what the server holds, only while that is the previous record itself or our upload, and
 * says whether the server is known to hold the previous record afterwards. Our upload's answer may have been lost:
 * then each round re-reads the server first. Rewriting the previous record in place (If-Match its own revision)
 * changes its revision, so our upload, if still travelling with If-Match of that revision, can no longer land; and
 * once one of our uploads has landed, no other can. Each restore is a single try: the next round's read says whether
 * a timed-out one landed.
 */
async function restorePrevious(
  config: BackupConfig,
  previous: ShareRecord,
  ours: { cipherText: string; revision: string | undefined },
  keyVersion: string,
): Promise<boolean> {
  const restore = (ifMatch: string | undefined) =>
    config.shareApi.put(
      config.clientId,
      {
        backupMethod: previous.backupMethod,
        cipherText: previous.cipherText,
        keyVersion: previous.keyVersion,
        ...(previous.keyFileId ? { keyFileId: previous.keyFileId } : {}),
        ...(previous.googleAccount ? { googleAccount: previous.googleAccount } : {}),
      },
      {
        idempotencyKey: `${config.clientId}:${previous.keyVersion ?? 'legacy'}:restore:${keyVersion}`,
        ...(ifMatch ? { ifMatch, retry: { tries: 1 } } : {}),
      },
    )
  if (!previous.revision) {
    // A server that sends no ETag cannot take a condition (our upload was blind too): put the record back as is.
    return restore(undefined).then(
      () => true,
      () => false,
    )
  }
  const replaceable = new Set<string>([previous.revision])
  if (ours.revision) replaceable.add(ours.revision)
  const sameRecord = (a: ShareRecord, cipherText: string, version: string | number | null | undefined) =>
    a.cipherText === cipherText && String(a.keyVersion ?? '') === String(version ?? '')
  for (let round = 0; round < RESTORE_ROUNDS; round++) {
    // The upload's own answer names our revision; without it (or after a failed try) a fresh read decides.
    if (round > 0 || !ours.revision) {
      let current: ShareRecord | null
      try {
        current = await config.shareApi.get(config.clientId, previous.backupMethod)
      } catch {
        return false
      }
      if (!current?.revision) return false
      if (sameRecord(current, ours.cipherText, keyVersion)) replaceable.add(current.revision)
      else if (!replaceable.has(current.revision)) {
        // Our own restore landed (the previous record under a new revision), or someone else's record: leave it.
        return sameRecord(current, previous.cipherText, previous.keyVersion)
      }
    }
    try {
      await restore([...replaceable].join(', '))
      return true
    } catch {
      // 412 (someone wrote meanwhile), or unknown (timeout): the next round reads what stands.
    }
  }
  return false
}

/** How long a confirmed backup waits for its re-read of the server before it skips pruning this time. */
const PRUNE_READ_WAIT_MS = 1_000

/**
 * Deletes key files older than the backup just confirmed, but never the key of the record the server holds now
 * (`serverKeyVersion`, read after our upload): a rollback elsewhere, or an older device's write, may have put an
 * older record back after our upload.
 */
async function pruneOldKeys(
  drive: DriveKeyStore,
  clientId: string,
  keep: string,
  serverKeyVersion: string | number | null | undefined,
) {
  try {
    const held = serverKeyVersion === undefined || serverKeyVersion === null ? undefined : String(serverKeyVersion)
    // Only versions older than both ours and the server's: a newer file may belong to a backup running right now.
    const floor = held !== undefined && held < keep ? held : keep
    const prefix = keyFilePrefix(clientId)
    const files = await drive.list(prefix)
    const older = files.filter((f) => f.name.slice(prefix.length, -'.key'.length) < floor)
    await Promise.all(older.map((f) => drive.remove(f.id)))
  } catch {
    // Old key files are harmless leftovers; the next successful backup prunes them. Unread server, nothing pruned.
  }
}

function isRefusal(error: unknown): boolean {
  const status = error instanceof BackupError ? error.facts.status : undefined
  return status !== undefined && status >= 400 && status < 500
}

export function walletError(error: unknown): BackupError {
  if (error instanceof BackupError) return error
  return walletFailure(error, 'generate', WalletBackupFailed, 'Wallet backup failed.')
}

function toBackupError(error: unknown, signal: AbortSignal | undefined): BackupError {
  if (signal?.aborted) return error instanceof Aborted ? error : aborted(error)
  if (error instanceof BackupError) return error
  return new WalletBackupFailed('Backup failed.', { cause: error })
}

/**
 * A provider's "already running" becomes WalletBusy; anything else the step's own failure. The real SDK turns every
 * iframe error into `PortalMpcError` with `code = data.code || 999` (a number in its own types and tests), so the
 * busy case is told by its string code or, whatever the code's type, by its message.
 */
export function walletFailure(
  error: unknown,
  step: 'generate' | 'recover',
  Failed: typeof WalletBackupFailed | typeof RecoveryFailed,
  message: string,
) {
  const facts = walletFacts(error)
  return facts.providerCode === 'WALLET_MODIFICATION_ALREADY_IN_PROGRESS' ||
    /modification already in progress/i.test(facts.message ?? '')
    ? new WalletBusy('Wallet busy.', { step, facts })
    : new Failed(message, { step, facts })
}

/** `factsOf`, plus a numeric provider code (kept only here: elsewhere a numeric `code` is a DOMException's). */
function walletFacts(error: unknown) {
  const facts = factsOf(error)
  const code = (error as { code?: unknown } | null)?.code
  if (typeof code === 'number' && Number.isFinite(code)) facts.providerCode = code
  return facts
}

/** 256 random bits, base64url: the wallet's backup password in kit custody; the user never sees it. */
function randomKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32))
  let s = ''
  for (const b of bytes) s += String.fromCharCode(b)
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

/** Sortable by time, unique across devices. */
function newKeyVersion(): string {
  const rand = crypto.getRandomValues(new Uint8Array(4))
  return `${Date.now().toString(36)}${Array.from(rand, (b) => b.toString(16).padStart(2, '0')).join('')}`
}
