import { DRIVE_APPDATA_SCOPE } from './driveKeyStore.js'
import { GooglePopupBlocked, GooglePopupClosed, GoogleScopeDenied, type BackupError } from './errors.js'

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

  function settle(outcome: { token: string } | { error: BackupError }) {
    const p = pending
    pending = undefined
    if (!p) return
    if ('token' in outcome) p.resolve(outcome.token)
    else p.reject(outcome.error)
  }

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
          new GooglePopupBlocked('Google sign-in has not loaded yet.', { step: 'authorize', details: 'script not loaded' }),
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
      listeners.forEach((l) => l())
    },
    accept(response) {
      if (response.error || !response.access_token) {
        const denied = response.error === 'access_denied'
        settle({
          error: new GoogleScopeDenied(
            denied ? 'Google access was denied.' : 'Google sign-in failed.',
            { step: 'authorize', facts: { reason: response.error ?? 'no_token' } },
          ),
        })
        return
      }
      const granted = (response.scope ?? '').split(/\s+/)
      if (!granted.includes(scope)) {
        settle({
          error: new GoogleScopeDenied('Access to the Google Drive app data folder was not granted.', {
            step: 'authorize',
            facts: { reason: 'scope_not_granted' },
          }),
        })
        return
      }
      held = { token: response.access_token, expiresAt: now() + Number(response.expires_in ?? 3599) * 1000 }
      settle({ token: response.access_token })
    },
    reject(error) {
      const o = { step: 'authorize' as const, facts: { reason: error.type ?? 'unknown' } }
      settle({
        error:
          error.type === 'popup_closed'
            ? new GooglePopupClosed('The Google window was closed before access was granted.', o)
            : new GooglePopupBlocked(
                error.type === 'popup_failed_to_open'
                  ? 'The browser blocked the Google window. Allow popups and try again.'
                  : 'Google sign-in failed to open.',
                o,
              ),
      })
    },
  }
  return broker
}
