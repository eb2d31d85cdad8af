/**
 * One error class per failure, each with a stable `code`, so apps can `switch (error.code)` and tests can assert it.
 * Causes are reduced to non-secret facts (status, provider code, message): an AxiosError or a Response would carry
 * request bodies and headers (the share, the token) into the React Query cache.
 */
export type BackupStep = 'authorize' | 'generate' | 'store' | 'notify' | 'read' | 'recover' | 'config'

export type ErrorFacts = {
  status?: number
  reason?: string
  providerCode?: string
  message?: string
  /** From a `Retry-After` header, when the server sent one. */
  retryAfterMs?: number
}

export type BackupErrorOptions = {
  /** Overrides the class default: a 404 from Drive is a DriveUnavailable that no retry will fix. */
  retryable?: boolean | undefined
  step?: BackupStep | undefined
  cause?: unknown
  details?: string | undefined
  facts?: ErrorFacts | undefined
}

export class BackupError extends Error {
  override name = 'BackupError'
  readonly code: string = 'BACKUP_ERROR'
  readonly retryable: boolean = false
  readonly step: BackupStep | undefined
  readonly shortMessage: string
  readonly details: string | undefined
  /** Non-secret facts about the failure (HTTP status, Google reason, provider code). */
  readonly facts: ErrorFacts

  constructor(shortMessage: string, options: BackupErrorOptions = {}) {
    const facts = options.facts ?? factsOf(options.cause)
    super(options.details ? `${shortMessage}\n\nDetails: ${options.details}` : shortMessage, {
      cause: Object.keys(facts).length ? facts : undefined,
    })
    this.shortMessage = shortMessage
    this.step = options.step
    this.details = options.details
    this.facts = facts
  }

  /** Walks the cause chain (like viem's `walk`) and returns the deepest cause, or the first matching `fn`. */
  walk(fn?: (err: unknown) => boolean): unknown {
    let current: unknown = this
    while (current instanceof Error) {
      if (fn?.(current)) return current
      if (!current.cause) break
      current = current.cause
    }
    return fn ? undefined : current
  }
}

/** Keep what helps debugging and drop what could hold a secret (bodies, headers, configs). */
export function factsOf(cause: unknown): ErrorFacts {
  if (cause === undefined || cause === null) return {}
  if (typeof cause !== 'object') return { message: String(cause).slice(0, 200) }
  const c = cause as Record<string, unknown>
  const facts: ErrorFacts = {}
  const response = c.response as Record<string, unknown> | undefined
  const status = typeof c.status === 'number' ? c.status : typeof response?.status === 'number' ? response.status : undefined
  if (status !== undefined) facts.status = status
  if (typeof c.code === 'string') facts.providerCode = c.code
  if (typeof c.reason === 'string') facts.reason = c.reason
  if (typeof c.message === 'string') facts.message = c.message.slice(0, 200)
  return facts
}

function define<const C extends string, const N extends string>(name: N, code: C, retryable = false) {
  return class extends BackupError {
    static readonly code: C = code
    override name: N = name
    override readonly code: C = code
    override readonly retryable: boolean
    constructor(shortMessage: string, options: BackupErrorOptions = {}) {
      super(shortMessage, options)
      this.retryable = options.retryable ?? retryable
    }
  }
}

export class BackupConfigError extends define('BackupConfigError', 'CONFIG_INVALID') {}
export class GooglePopupBlocked extends define('GooglePopupBlocked', 'GOOGLE_POPUP_BLOCKED') {}
export class GooglePopupClosed extends define('GooglePopupClosed', 'GOOGLE_POPUP_CLOSED') {}
export class GoogleScopeDenied extends define('GoogleScopeDenied', 'GOOGLE_SCOPE_DENIED') {}
export class GoogleTokenExpired extends define('GoogleTokenExpired', 'GOOGLE_TOKEN_EXPIRED') {}
export class DriveQuotaExceeded extends define('DriveQuotaExceeded', 'DRIVE_QUOTA_EXCEEDED') {}
export class DriveRateLimited extends define('DriveRateLimited', 'DRIVE_RATE_LIMITED', true) {}
export class DriveUnavailable extends define('DriveUnavailable', 'DRIVE_UNAVAILABLE', true) {}
export class ShareUploadFailed extends define('ShareUploadFailed', 'SHARE_UPLOAD_FAILED', true) {
  get status(): number | undefined {
    return this.facts.status
  }
}
export class ShareFetchFailed extends define('ShareFetchFailed', 'SHARE_FETCH_FAILED', true) {}
export class ShareUnauthorized extends define('ShareUnauthorized', 'SHARE_UNAUTHORIZED') {}
export class WalletBackupFailed extends define('WalletBackupFailed', 'WALLET_BACKUP_FAILED') {
  get providerCode(): string | undefined {
    return this.facts.providerCode
  }
}
export class WalletBusy extends define('WalletBusy', 'WALLET_BUSY') {}
export class NotifyFailed extends define('NotifyFailed', 'NOTIFY_FAILED') {}
export class KeyNotFound extends define('KeyNotFound', 'KEY_NOT_FOUND') {}
export class ShareNotFound extends define('ShareNotFound', 'SHARE_NOT_FOUND') {}
export class RecoveryFailed extends define('RecoveryFailed', 'RECOVERY_FAILED') {}
export class Aborted extends define('Aborted', 'ABORTED') {}

export type BackupErrorType =
  | BackupConfigError
  | GooglePopupBlocked
  | GooglePopupClosed
  | GoogleScopeDenied
  | GoogleTokenExpired
  | DriveQuotaExceeded
  | DriveRateLimited
  | DriveUnavailable
  | ShareUploadFailed
  | ShareFetchFailed
  | ShareUnauthorized
  | WalletBackupFailed
  | WalletBusy
  | NotifyFailed
  | Aborted

export type RecoveryErrorType = BackupErrorType | ShareFetchFailed | KeyNotFound | ShareNotFound | RecoveryFailed

export type BackupErrorCode = BackupErrorType['code'] | KeyNotFound['code'] | ShareNotFound['code'] | RecoveryFailed['code']
