import type { BackupConfig, BackupWalletParameters, BackupWalletReturnType } from '../../types.js'
import { callWallet, isAbortedOrTimeout } from '../../clients/callWallet.js'
import type { ShareApi, ShareRecord } from '../../clients/createShareApi.js'
import { type DriveKeyStore, isOlderKeyVersion, keyFileName, listKeyFiles } from '../../clients/driveKeyStore.js'
import { Aborted, BackupError, GoogleTokenExpired, NotifyFailed, WalletBackupFailed } from '../../errors/errors.js'
import { rollback } from './rollback.js'
import { toWalletError } from './toWalletError.js'
import type { WalletAdapter } from '../../clients/WalletAdapter.js'
import { throwIfAborted, toAbortedError } from '../../utils/abort.js'

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown }
const settle = <T>(p: Promise<T>): Promise<Settled<T>> =>
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
    throw error instanceof BackupError ? error : toWalletError(error, 'generate', WalletBackupFailed)
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
  let stored: Parameters<ShareApi['put']>[1] | undefined
  let ourRevision: string | undefined
  let previous: ShareRecord | null = null
  try {
    const prev = await previousRead
    if (!prev.ok) throw prev.error
    previous = prev.value
    throwIfAborted(signal)

    params.onStep?.('storing')
    // The key write ran beside the wallet's generate; the record names its file id, so recovery and status read the
    // key by id (Drive's name queries can miss a file created moments ago). No upload without a stored key.
    const written = await keyWrite
    if (written && !written.ok) throw written.error
    const googleAccount = await accountRead
    uploadMayHaveLanded = true
    stored = {
      backupMethod: method,
      cipherText,
      keyVersion,
      // Without Drive or an account: undefined, left out of the JSON sent.
      keyFileId: written?.value.id,
      googleAccount,
    }
    const uploaded = await settle(
      shareApi.put(clientId, stored, {
        idempotencyKey: `${clientId}:${keyVersion}`,
        signal,
        ifMatch: previous?.revision,
      }),
    )
    // A 4xx is a definite refusal (a retried attempt that had landed would have been replayed, not refused): the
    // server still holds what it held. Putting our old record back then would clobber, say, the backup another
    // device made meanwhile (412), whose older key files that device may already have pruned.
    if (!uploaded.ok && isRefusal(uploaded.error)) uploadMayHaveLanded = false
    if (uploaded.ok) ourRevision = uploaded.value.revision
    if (!uploaded.ok) throw uploaded.error
    throwIfAborted(signal)

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

    // Naming needs only the wallet's confirmation, so it runs beside the wait for the re-read below (whose answer
    // depends on nothing it writes: the named record keeps our keyVersion).
    const naming = nameWalletBackup(config, stored, ourRevision, signal)
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
    await naming
    if (googleAccount) params.onGoogleAccount?.(googleAccount.email)
    return { backupMethod: method, storedAt: uploaded.value.storedAt, keyVersion }
  } catch (error) {
    const typed = toStoreError(error, signal)
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

/** How long a confirmed backup waits for the wallet to name it before it leaves the record without the id. */
const NAME_READ_WAIT_MS = 5_000

/**
 * After the wallet confirmed the backup: reads the id of the provider's newest completed backup of the method (ours,
 * just confirmed) and stores the same record again naming it, conditional on the revision our upload made. The id
 * cannot be known before the confirmation (Portal completes the pair only then), and the record had to be stored
 * before the wallet was told `true`; so this is a second, conditional write. A 412 means another device has written
 * since: its record stands. Any failure here (no id, a wallet that cannot say, a refused or failed write, an abort)
 * leaves the confirmed backup and its record as they are, without the id: status then cannot tell a later backup of
 * the method from ours, exactly as for a record written by an older kit. No revision (a server without ETags) means
 * no conditional write, so none is tried.
 */
async function nameWalletBackup(
  config: BackupConfig,
  stored: Parameters<ShareApi['put']>[1] | undefined,
  revision: string | undefined,
  signal: AbortSignal | undefined,
): Promise<void> {
  const { wallet, clientId, shareApi } = config
  if (!wallet.latestBackupId || !stored || !revision) return
  try {
    const timeoutMs = Math.min(config.walletTimeoutMs ?? NAME_READ_WAIT_MS, NAME_READ_WAIT_MS)
    const id = await callWallet(wallet, () => wallet.latestBackupId!(stored.backupMethod), {
      step: 'notify',
      signal,
      timeoutMs,
    })
    if (typeof id !== 'string' || !id) return
    await shareApi.put(
      clientId,
      { ...stored, walletBackupId: id },
      { idempotencyKey: `${clientId}:${stored.keyVersion}:named`, signal, ifMatch: revision },
    )
  } catch {
    // The backup is confirmed and stored; only the id is missing (see above).
  }
}

/** How long a confirmed backup waits for its re-read of the server before it skips pruning this time. */
const PRUNE_READ_WAIT_MS = 1_000

/**
 * Deletes this client's key files older than the backup just confirmed, but never the key of the record the server
 * holds now (`serverKeyVersion`, read after our upload): a rollback elsewhere, or an older device's write, may have
 * put an older record back after our upload. Only files whose names parse exactly as this client's are candidates
 * (another client's id may begin with ours), and a version is deleted only when it is known to be older than both.
 */
async function pruneOldKeys(
  drive: DriveKeyStore,
  clientId: string,
  keep: string,
  serverKeyVersion: string | undefined,
) {
  try {
    // Only versions older than both ours and the server's: a newer file may belong to a backup running right now.
    const files = await listKeyFiles(drive, clientId)
    const older = files.filter(
      (f) =>
        isOlderKeyVersion(f.keyVersion, keep) &&
        (serverKeyVersion === undefined || isOlderKeyVersion(f.keyVersion, serverKeyVersion)),
    )
    await Promise.all(older.map((f) => drive.remove(f.id)))
  } catch {
    // Old key files are harmless leftovers; the next successful backup prunes them. Unread server, nothing pruned.
  }
}

function isRefusal(error: unknown): boolean {
  const status = error instanceof BackupError ? error.facts.status : undefined
  return status !== undefined && status >= 400 && status < 500
}

/** A failure once the share exists: an abort says Aborted, a typed error stays, anything else is the backup's. */
function toStoreError(error: unknown, signal: AbortSignal | undefined): BackupError {
  if (signal?.aborted) return error instanceof Aborted ? error : toAbortedError(error)
  if (error instanceof BackupError) return error
  return new WalletBackupFailed('Backup failed.', { cause: error })
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
