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
  // Wiring for the component that owns the GIS token client.
  attach(login: GoogleLogin | undefined): void
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
        return Promise.reject(new GooglePopupBlocked('Google sign-in not loaded.', { step: 'authorize', facts: { reason: 'not_loaded' } }))
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
      listeners.forEach((l) => l())
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
      if (type === 'popup_closed') fail(GooglePopupClosed, 'Google window closed.', type)
      else fail(GooglePopupBlocked, type === 'popup_failed_to_open' ? 'Popup blocked: allow popups.' : 'Google sign-in failed to open.', type)
    },
  }
  return broker
}
