/**
 * One error class per failure, each with a stable `code`, so apps can `switch (error.code)` and tests can assert it.
 * Causes are reduced to non-secret facts (status, provider code, message): an AxiosError or a Response would carry
 * request bodies and headers (the share, the token) into the React Query cache.
 */
export type BackupErrorStep = 'authorize' | 'generate' | 'store' | 'notify' | 'read' | 'recover' | 'erase' | 'config'

export type ErrorFacts = {
  status?: number
  reason?: string
  /** The wallet SDK's own code: a string (`MpcError`) or a number (`PortalMpcError`, e.g. 407). */
  providerCode?: string | number
  message?: string
  /** From a `Retry-After` header, when the server sent one. */
  retryAfterMs?: number
  /** A likely cause the page cannot see (e.g. `closed_quickly`, `closed_repeatedly` on GooglePopupClosed). */
  hint?: string
  /** The Google account (masked email) that holds the backup key. */
  expectedAccount?: string
  /** The Google account (masked email) the user signed in with. */
  account?: string
  /** The in-app browser detected from the user agent. */
  browser?: string
  /**
   * An erase that failed part-way: the parts already erased when it stopped (`drive`: this client's key files;
   * `server`: the server's record). Running the erase again finishes the rest.
   */
  erased?: Array<'drive' | 'server'>
}

export type BackupErrorOptions = {
  /** Overrides the class default: a 404 from Drive is a DriveUnavailable that no retry will fix. */
  retryable?: boolean | undefined
  step?: BackupErrorStep | undefined
  cause?: unknown
  details?: string | undefined
  facts?: ErrorFacts | undefined
}

export class BackupError extends Error {
  override name = 'BackupError'
  readonly code: string = 'BACKUP_ERROR'
  readonly retryable: boolean = false
  // Set by the constructor in one assignment (declared, so no field initializer repeats them).
  declare readonly step: BackupErrorStep | undefined
  declare readonly shortMessage: string
  declare readonly details: string | undefined
  /** Non-secret facts about the failure (HTTP status, Google reason, provider code). */
  declare readonly facts: ErrorFacts

  constructor(shortMessage: string, { step, details, cause, facts = factsOf(cause) }: BackupErrorOptions = {}) {
    super(details ? `${shortMessage}\n\nDetails: ${details}` : shortMessage, {
      cause: Object.keys(facts).length ? facts : undefined,
    })
    Object.assign(this, { shortMessage, step, details, facts })
  }
}

/** Keep what helps debugging and drop what could hold a secret (bodies, headers, configs). */
export function factsOf(cause: unknown): ErrorFacts {
  if (cause === undefined || cause === null) return {}
  if (typeof cause !== 'object') return { message: String(cause).slice(0, 200) }
  const c = cause as Record<string, unknown>
  const facts: ErrorFacts = {}
  const response = c.response as Record<string, unknown> | undefined
  const status =
    typeof c.status === 'number' ? c.status : typeof response?.status === 'number' ? response.status : undefined
  if (status !== undefined) facts.status = status
  if (typeof c.code === 'string') facts.providerCode = c.code
  if (typeof c.reason === 'string') facts.reason = c.reason
  if (typeof c.message === 'string') facts.message = c.message.slice(0, 200)
  return facts
}

/**
 * A class `define()` makes: a BackupError with its own literal `code` and `name`. Spelled out because the emitted
 * `.d.ts` of an anonymous class lists the statics it inherits from the global `Error` constructor, and with
 * @types/node installed those name Node's own CallSite type: a browser app without @types/node could not check them.
 */
export type BackupErrorClass<C extends string, N extends string> = {
  new (shortMessage: string, options?: BackupErrorOptions): BackupError & { readonly code: C; name: N }
  readonly code: C
}

/** The stable code is the class name in SCREAMING_SNAKE_CASE (GooglePopupBlocked -> GOOGLE_POPUP_BLOCKED). */
// Pure (it only builds a class): the annotation lets bundlers drop the classes a path never uses (Vite's library
// build turns it into /* @__PURE__ */ at each call, which every app bundler honours).
/*@__NO_SIDE_EFFECTS__*/
function define<const C extends string, const N extends string = string>(
  name: N,
  retryable = false,
  code?: C,
): BackupErrorClass<C, N> {
  const stable = (code ?? name.replace(/\B([A-Z])/g, '_$1').toUpperCase()) as C
  return class extends BackupError {
    static readonly code: C = stable
    override name: N = name
    override readonly code: C = stable
    override readonly retryable: boolean
    constructor(shortMessage: string, options: BackupErrorOptions = {}) {
      super(shortMessage, options)
      this.retryable = options.retryable ?? retryable
    }
  }
}

export class BackupConfigError extends define('BackupConfigError', false, 'CONFIG_INVALID') {}
export class GooglePopupBlocked extends define<'GOOGLE_POPUP_BLOCKED'>('GooglePopupBlocked') {}
export class GooglePopupClosed extends define<'GOOGLE_POPUP_CLOSED'>('GooglePopupClosed') {}
export class GoogleScopeDenied extends define<'GOOGLE_SCOPE_DENIED'>('GoogleScopeDenied') {}
export class GoogleTokenExpired extends define<'GOOGLE_TOKEN_EXPIRED'>('GoogleTokenExpired') {}
/** The app's Google Cloud setup is wrong (Drive API not enabled, origin or client id not authorized): a developer fix. */
export class GoogleSetupError extends define('GoogleSetupError', false, 'GOOGLE_SETUP_INVALID') {}
/** Google's sign-in script did not load (offline, ad blocker, Content-Security-Policy); retry loads it again. */
export class GoogleScriptUnavailable extends define<'GOOGLE_SCRIPT_UNAVAILABLE'>('GoogleScriptUnavailable', true) {}
export class DriveQuotaExceeded extends define<'DRIVE_QUOTA_EXCEEDED'>('DriveQuotaExceeded') {}
export class DriveRateLimited extends define<'DRIVE_RATE_LIMITED'>('DriveRateLimited', true) {}
export class DriveUnavailable extends define<'DRIVE_UNAVAILABLE'>('DriveUnavailable', true) {}
export class ShareUploadFailed extends define<'SHARE_UPLOAD_FAILED'>('ShareUploadFailed', true) {
  get status(): number | undefined {
    return this.facts.status
  }
}
export class ShareFetchFailed extends define<'SHARE_FETCH_FAILED'>('ShareFetchFailed', true) {}
export class ShareUnauthorized extends define<'SHARE_UNAUTHORIZED'>('ShareUnauthorized') {}
/**
 * The app's `getToken()` (the `server` option) threw, or gave no usable token (`facts.reason`: `get_token_failed`,
 * `invalid_token`): nothing was sent to the server. Not retried by the kit; the app's own getToken owns its retries.
 */
export class ShareTokenFailed extends define<'SHARE_TOKEN_FAILED'>('ShareTokenFailed') {}
/**
 * Erasing: your server did not erase the backup (`facts.status`, and its code in `facts.reason`); retryable when a
 * retry can succeed (5xx, 429, a timeout, offline). `facts.erased` says what was erased before it (`drive`).
 */
export class ShareEraseFailed extends define<'SHARE_ERASE_FAILED'>('ShareEraseFailed', true) {}
/**
 * Erasing: Google Drive did not list or delete this client's key files (Drive's `facts.status` and `reason`; the
 * Drive error's code in `details`). Nothing on the server was erased yet; a retry (a new token if Drive answered
 * 401) finishes it.
 */
export class DriveDeleteFailed extends define<'DRIVE_DELETE_FAILED'>('DriveDeleteFailed', true) {}
/**
 * The app's server answered a record the kit will not hand to Google: a `keyFileId`, `googleAccount` or `keyVersion`
 * outside the shape the kit's server stores (`facts.reason` names it: `invalid_keyFileId`, ...). Nothing was asked of
 * Drive; a retry gets the same answer.
 */
export class ShareServerInvalidResponse extends define<'SHARE_SERVER_INVALID_RESPONSE'>('ShareServerInvalidResponse') {}
export class WalletBackupFailed extends define<'WALLET_BACKUP_FAILED'>('WalletBackupFailed') {
  get providerCode(): string | number | undefined {
    return this.facts.providerCode
  }
}
export class WalletBusy extends define<'WALLET_BUSY'>('WalletBusy') {}
/** The wallet did not become ready, or did not answer a call, within `walletTimeoutMs` (`facts.reason` says which). */
export class WalletTimeout extends define<'WALLET_TIMEOUT'>('WalletTimeout', true) {}
export class NotifyFailed extends define<'NOTIFY_FAILED'>('NotifyFailed') {}
export class KeyNotFound extends define<'KEY_NOT_FOUND'>('KeyNotFound') {}
export class ShareNotFound extends define<'SHARE_NOT_FOUND'>('ShareNotFound') {}
export class RecoveryFailed extends define<'RECOVERY_FAILED'>('RecoveryFailed') {}
export class Aborted extends define<'ABORTED'>('Aborted') {}
/** A flow started while the browser reports offline: nothing was asked of Google, the wallet or the server. */
export class BrowserOffline extends define<'BROWSER_OFFLINE'>('BrowserOffline') {}

/** Google's sign-in popup gave no answer within the broker's deadline (a COOP header, an old GIS, a hung popup). */
export class GoogleSignInTimeout extends define<'GOOGLE_SIGN_IN_TIMEOUT'>('GoogleSignInTimeout', true) {}
/** Google's token client threw, or called back with something that is not an answer. */
export class GoogleSignInFailed extends define<'GOOGLE_SIGN_IN_FAILED'>('GoogleSignInFailed', true) {}
/** An in-app browser (Instagram, Facebook, ...) where Google refuses sign-in (`disallowed_useragent`): said before any popup. */
export class GoogleUnsupportedBrowser extends define<'GOOGLE_UNSUPPORTED_BROWSER'>('GoogleUnsupportedBrowser') {}

/**
 * `signOut({ revokeGoogle: true })`: Google did not revoke the grant (`facts.reason` is Google's error, or
 * `not_loaded`). The kit dropped the token from memory anyway, so the app user's access is gone from this page.
 */
export class GoogleRevokeFailed extends define<'GOOGLE_REVOKE_FAILED'>('GoogleRevokeFailed') {}

export type BackupWalletErrorType =
  | BackupConfigError
  | GooglePopupBlocked
  | GooglePopupClosed
  | GoogleScopeDenied
  | GoogleTokenExpired
  | GoogleSetupError
  | GoogleScriptUnavailable
  | GoogleSignInTimeout
  | GoogleSignInFailed
  | GoogleUnsupportedBrowser
  | DriveQuotaExceeded
  | DriveRateLimited
  | DriveUnavailable
  | ShareUploadFailed
  | ShareFetchFailed
  | ShareUnauthorized
  | ShareTokenFailed
  | ShareServerInvalidResponse
  | WalletBackupFailed
  | WalletBusy
  | WalletTimeout
  | NotifyFailed
  | Aborted
  | BrowserOffline

export type RecoverWalletErrorType =
  | BackupWalletErrorType
  | ShareFetchFailed
  | KeyNotFound
  | ShareNotFound
  | RecoveryFailed

export type BackupErrorCode =
  | BackupWalletErrorType['code']
  | KeyNotFound['code']
  | ShareNotFound['code']
  | RecoveryFailed['code']
  | GoogleRevokeFailed['code']
  | EraseBackupErrorType['code']

/** What an erase can fail with beyond a backup's errors (the Google sign-in, the wallet, the server's refusal). */
export type EraseBackupErrorType = BackupWalletErrorType | ShareFetchFailed | DriveDeleteFailed | ShareEraseFailed
