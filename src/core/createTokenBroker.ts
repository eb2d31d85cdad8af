import { DRIVE_APPDATA_SCOPE } from './driveKeyStore.js'
import { GooglePopupBlocked, GooglePopupClosed, GoogleScopeDenied, type BackupError, type BackupErrorOptions } from './errors.js'

/** The GIS token response fields the kit reads. */
export type GoogleTokenResponse = {
  access_token?: string
  expires_in?: number | string
  scope?: string
  error?: string
  error_description?: string
}

export type GoogleNonOAuthError = { type?: string }

/** Opens Google's consent popup. Must run synchronously inside the user's click. */
export type GoogleLogin = () => void

export type TokenBroker = {
  /** True once the Google script is loaded and a token client exists. */
  isReady(): boolean
  subscribe(listener: () => void): () => void
  /** A held token with the scope and more than `minLifetimeMs` left, else undefined. */
  heldToken(): string | undefined
  /**
   * Resolves a token. Call it synchronously from the click handler: when no token is held it opens the popup
   * right now (browsers block popups opened after an await).
   */
  request(): Promise<string>
  /** Drops the held token (Drive said 401, or the app signs out). */
  clear(): void
  /** Why Google's script is not usable (it failed or timed out loading), or undefined while it may still load. */
  scriptError(): BackupError | undefined
  /** Loads Google's script again after a `scriptError`. */
  retryScript(): void
  // Wiring for the component that owns the GIS token client.
  attach(login: GoogleLogin | undefined): void
  /** Sets (or clears) the script error and the way to retry it. */
  reportScriptError(error: BackupError | undefined, retry?: () => void): void
  accept(response: GoogleTokenResponse): void
  reject(error: GoogleNonOAuthError): void
}

type Held = { token: string; expiresAt: number }

/** Tokens live in this object's memory only: never web storage, never the query cache. */
export function createTokenBroker(options: { scope?: string; minLifetimeMs?: number; now?: () => number } = {}): TokenBroker {
  const scope = options.scope ?? DRIVE_APPDATA_SCOPE
  const minLifetime = options.minLifetimeMs ?? 60_000
  const now = options.now ?? Date.now
  const listeners = new Set<() => void>()
  let login: GoogleLogin | undefined
  let scriptFailure: { error: BackupError; retry: (() => void) | undefined } | undefined
  const notify = () => listeners.forEach((l) => l())
  let held: Held | undefined
  let pending: { resolve(token: string): void; reject(error: BackupError): void; promise: Promise<string> } | undefined

  function settle(outcome: string | BackupError) {
    const p = pending
    pending = undefined
    if (typeof outcome === 'string') p?.resolve(outcome)
    else p?.reject(outcome)
  }
  const fail = (Err: new (message: string, options: BackupErrorOptions) => BackupError, message: string, reason = 'unknown') =>
    settle(new Err(message, { step: 'authorize', facts: { reason } }))

  const broker: TokenBroker = {
    isReady: () => login !== undefined,
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    heldToken() {
      return held && held.expiresAt - now() > minLifetime ? held.token : undefined
    },
    request() {
      const token = broker.heldToken()
      if (token) return Promise.resolve(token)
      if (pending) return pending.promise
      if (!login)
        return Promise.reject(
          scriptFailure?.error ?? new GooglePopupBlocked('Google sign-in not loaded.', { step: 'authorize', facts: { reason: 'not_loaded' } }),
        )
      let resolve!: (token: string) => void
      let reject!: (error: BackupError) => void
      const promise = new Promise<string>((res, rej) => {
        resolve = res
        reject = rej
      })
      pending = { resolve, reject, promise }
      login()
      return promise
    },
    clear() {
      held = undefined
    },
    attach(next) {
      if (next === login) return
      login = next
      notify()
    },
    scriptError: () => scriptFailure?.error,
    retryScript() {
      const retry = scriptFailure?.retry
      scriptFailure = undefined
      notify()
      retry?.()
    },
    reportScriptError(error, retry) {
      if (error === scriptFailure?.error) return
      scriptFailure = error ? { error, retry } : undefined
      notify()
    },
    accept(response) {
      const token = response.access_token
      if (response.error || !token) return fail(GoogleScopeDenied, 'Google access denied.', response.error ?? 'no_token')
      if (!(response.scope ?? '').split(/\s+/).includes(scope))
        return fail(GoogleScopeDenied, 'Drive access not granted.', 'scope_not_granted')
      held = { token, expiresAt: now() + Number(response.expires_in ?? 3599) * 1000 }
      settle(token)
    },
    reject({ type }) {
      // A page origin or client id that the OAuth client does not authorize shows Google's error (origin_mismatch,
      // invalid_client) inside the popup only; the page hears nothing until the user closes it.
      if (type === 'popup_closed')
        settle(
          new GooglePopupClosed('Google window closed.', {
            step: 'authorize',
            facts: { reason: type },
            details:
              "If Google's window showed an error (origin_mismatch, invalid_client), add this page's origin to the OAuth client's Authorized JavaScript origins and check the client id.",
          }),
        )
      else fail(GooglePopupBlocked, type === 'popup_failed_to_open' ? 'Popup blocked: allow popups.' : 'Google sign-in failed to open.', type)
    },
  }
  return broker
}
