import { DRIVE_APPDATA_SCOPE } from './driveKeyStore.js'
import {
  Aborted,
  GooglePopupBlocked,
  GooglePopupClosed,
  GoogleScopeDenied,
  GoogleSignInFailed,
  GoogleSignInTimeout,
  GoogleUnsupportedBrowser,
  type BackupError,
  type BackupErrorOptions,
} from '../errors/errors.js'
import { inAppBrowser } from '../utils/inAppBrowser.js'

/** The GIS token response fields the kit reads. */
export type GoogleTokenResponse = {
  access_token?: string
  expires_in?: number | string
  scope?: string
  error?: string
  error_description?: string
  /** Echoed from the request: tells which request (and so which app user) an answer belongs to. */
  state?: string
}

export type GoogleNonOAuthError = { type?: string }

/** Opens Google's consent popup. Must run synchronously inside the user's click. */
export type GoogleLogin = (overrides: { login_hint?: string; hint?: string; state: string }) => void

export type TokenRequestOptions = {
  /** Ends this caller's wait with `Aborted`; when no caller waits any more, the request is dropped. */
  signal?: AbortSignal | undefined
  /** The app user (the wallet's client id) the token is for: binds the broker to it first (see `bind`). */
  user?: string | undefined
  /**
   * False when `user` is not known to be current (an adapter-told client id, read again only after the click): the
   * popup then pre-selects no account, so it can never show the previous user's address.
   */
  hint?: boolean | undefined
}

export type TokenBrokerOptions = {
  scope?: string
  minLifetimeMs?: number
  now?: () => number
  /**
   * How long a popup may stay unanswered before the request ends with `GoogleSignInTimeout`. Generous: a user may
   * take a while on Google's screens. Default 5 minutes.
   */
  requestTimeoutMs?: number
  /** A close sooner than this after opening is too fast for a person: a setup cause is likely. Default 1 500 ms. */
  quickCloseMs?: number
  /** The user agent checked for in-app browsers; default `navigator.userAgent`. */
  userAgent?: string | undefined
}

export type TokenBroker = {
  /** True once the Google script is loaded and a token client exists. */
  isReady(): boolean
  subscribe(listener: () => void): () => void
  /**
   * Binds everything Google-side the broker holds (the token, a late answer, the login hint) to one app user: a
   * user other than the bound one drops it all first, and a request still out for the previous user ends with
   * `Aborted` (its answer, if it comes, serves nobody).
   */
  bind(user: string): void
  /**
   * A held token with the scope and more than `minLifetimeMs` left, else undefined; also undefined when `user` is
   * given and is not the bound user.
   */
  heldToken(user?: string): string | undefined
  /**
   * Resolves a token. Call it synchronously from the click handler: when no token is held it opens the popup
   * right now (browsers block popups opened after an await).
   */
  request(options?: TokenRequestOptions): Promise<string>
  /**
   * The Google account (email) to pre-select in the next popup (`login_hint`); memory only. With `user`, ignored
   * unless that is the bound app user (a status read for the previous user, or after a sign-out, sets nothing).
   */
  setAccountHint(email: string | undefined, user?: string): void
  accountHint(): string | undefined
  /** Drops the held token (Drive said 401). */
  clear(): void
  /**
   * The app signs its user out: drops the token, any answer still to come, the hint and the binding; a request
   * still out ends with `Aborted`. Returns the token it held, if still valid, for the caller to revoke the grant
   * with (see `signOut`); nothing else keeps it.
   */
  signOut(): string | undefined
  /** Why Google's script is not usable (it failed or timed out loading), or undefined while it may still load. */
  scriptError(): BackupError | undefined
  /** Loads Google's script again after a `scriptError`. */
  retryScript(): void
  // Wiring for the component that owns the GIS token client.
  attach(login: GoogleLogin | undefined): void
  /** Sets (or clears) the script error and the way to retry it. */
  reportScriptError(error: BackupError | undefined, retry?: () => void): void
  accept(response: GoogleTokenResponse): void
  reject(error: GoogleNonOAuthError | null | undefined): void
}

type Held = { token: string; expiresAt: number }

/** Tokens live in this object's memory only: never web storage, never the query cache. */
export function createTokenBroker(options: TokenBrokerOptions = {}): TokenBroker {
  const scope = options.scope ?? DRIVE_APPDATA_SCOPE
  const minLifetime = options.minLifetimeMs ?? 60_000
  const now = options.now ?? Date.now
  const listeners = new Set<() => void>()
  let login: GoogleLogin | undefined
  let scriptFailure: { error: BackupError; retry: (() => void) | undefined } | undefined
  const notify = () => {
    for (const l of listeners) l()
  }
  const requestTimeout = options.requestTimeoutMs ?? 5 * 60_000
  const quickClose = options.quickCloseMs ?? 1500
  const userAgent = options.userAgent ?? (typeof navigator !== 'undefined' ? navigator.userAgent : '')
  let held: Held | undefined
  let hint: string | undefined
  // The app user everything above belongs to. `session` changes whenever it is all dropped: each request's `state`
  // names its session, so an answer to a dropped user's request (after abort, or while the next user's popup is out)
  // is told apart and serves nobody.
  let user: string | undefined
  let session = 0
  let requests = 0
  let askedIn = 0
  // Closes in a row without a token in between: a person who closes Google's window twice probably saw an error there.
  let closes = 0
  type Waiter = { resolve(token: string): void; reject(error: BackupError): void }
  // GIS requests carry no id: one popup's answer goes to everyone waiting when it comes.
  let pending: { waiters: Set<Waiter>; openedAt: number; timer: ReturnType<typeof setTimeout> } | undefined

  function settle(outcome: string | BackupError) {
    const p = pending
    pending = undefined
    if (!p) return
    clearTimeout(p.timer)
    for (const w of p.waiters) typeof outcome === 'string' ? w.resolve(outcome) : w.reject(outcome)
  }
  const fail = (
    Err: new (message: string, options: BackupErrorOptions) => BackupError,
    message: string,
    reason = 'unknown',
    extra: Pick<BackupErrorOptions, 'details' | 'cause'> = {},
  ) => settle(new Err(message, { step: 'authorize', ...extra, facts: { reason } }))

  const drop = (reason: string) => {
    held = undefined
    hint = undefined
    closes = 0
    session += 1
    settle(new Aborted('Cancelled.', { step: 'authorize', facts: { reason } }))
  }
  // An answer without our state (an older GIS) is taken as the latest request's.
  const current = (state: string | undefined) =>
    state?.startsWith('rmb.') ? state.split('.')[1] === String(session) : askedIn === session

  const broker: TokenBroker = {
    isReady: () => login !== undefined,
    bind(next) {
      if (next === user) return
      if (user !== undefined || held || hint) drop('user_changed')
      user = next
    },
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    heldToken(forUser) {
      if (forUser !== undefined && forUser !== user) return undefined
      return held && held.expiresAt - now() > minLifetime ? held.token : undefined
    },
    request({ signal, user: forUser, hint: useHint = true } = {}) {
      if (forUser !== undefined) broker.bind(forUser)
      const token = broker.heldToken()
      if (token) return Promise.resolve(token)
      if (!login)
        return Promise.reject(
          scriptFailure?.error ??
            new GooglePopupBlocked('Google sign-in not loaded.', {
              step: 'authorize',
              facts: { reason: 'not_loaded' },
            }),
        )
      const browser = inAppBrowser(userAgent)
      if (browser)
        return Promise.reject(
          new GoogleUnsupportedBrowser(`Open this page in your browser: Google sign-in does not work in ${browser}.`, {
            step: 'authorize',
            facts: { reason: 'disallowed_useragent', browser },
          }),
        )
      if (signal?.aborted) return Promise.reject(new Aborted('Cancelled.', { step: 'authorize' }))
      return new Promise<string>((resolve, reject) => {
        const waiter: Waiter = { resolve, reject }
        signal?.addEventListener(
          'abort',
          () => {
            const p = pending
            if (!p?.waiters.delete(waiter)) return
            // Nobody waits any more: drop the request, so the next click opens a new popup. A late token from it is
            // still kept (see accept) and serves the next request without a popup, of the same app user only.
            if (p.waiters.size === 0) {
              clearTimeout(p.timer)
              pending = undefined
            }
            reject(new Aborted('Cancelled.', { step: 'authorize' }))
          },
          { once: true },
        )
        // A click while a popup is out opens a new one (the old one may never answer); both callers get its answer.
        const waiters = pending?.waiters ?? new Set<Waiter>()
        if (pending) clearTimeout(pending.timer)
        waiters.add(waiter)
        const timer = setTimeout(
          () =>
            fail(GoogleSignInTimeout, 'Google sign-in did not answer.', 'no_answer', {
              details: 'Cross-Origin-Opener-Policy: same-origin hides the answer; use same-origin-allow-popups.',
            }),
          requestTimeout,
        )
        pending = { waiters, openedAt: now(), timer }
        askedIn = session
        const state = `rmb.${session}.${++requests}`
        try {
          // Google's reference names it `login_hint`; @react-oauth/google's types (and older GIS) say `hint`.
          login!(hint && useHint ? { login_hint: hint, hint, state } : { state })
        } catch (error) {
          fail(GoogleSignInFailed, 'Google sign-in failed to start.', 'request_threw', { cause: error })
        }
      })
    },
    setAccountHint(email, forUser) {
      if (forUser === undefined || forUser === user) hint = email || undefined
    },
    accountHint: () => hint,
    clear() {
      held = undefined
    },
    signOut() {
      const token = held && held.expiresAt > now() ? held.token : undefined
      drop('signed_out')
      user = undefined
      return token
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
      // The answer to a request of a user since dropped (signed out, or another app user now): nobody gets it.
      if (!current(response.state)) return
      const token = response.access_token
      if (response.error || !token)
        return fail(GoogleScopeDenied, 'Google access denied.', response.error ?? 'no_token')
      if (!(response.scope ?? '').split(/\s+/).includes(scope))
        return fail(GoogleScopeDenied, 'Drive access not granted.', 'scope_not_granted')
      held = { token, expiresAt: now() + Number(response.expires_in ?? 3599) * 1000 }
      closes = 0
      settle(token)
    },
    reject(error) {
      // GIS types say an object; a null or non-object must still end the request, not throw inside Google's callback.
      const type =
        error !== null && typeof error === 'object' && typeof error.type === 'string' ? error.type : undefined
      if (type === undefined) return fail(GoogleSignInFailed, 'Google sign-in failed.', 'malformed_error')
      // A page origin or client id that the OAuth client does not authorize shows Google's error (origin_mismatch,
      // invalid_client) inside the popup only; the page hears nothing until the user closes it. A COOP header
      // reports a close at once. So a close too fast for a person, or a second close in a row, hints at setup.
      if (type === 'popup_closed') {
        if (!pending) return
        closes += 1
        const openFor = now() - pending.openedAt
        const hint = openFor < quickClose ? 'closed_quickly' : closes > 1 ? 'closed_repeatedly' : undefined
        settle(
          new GooglePopupClosed('Google window closed.', {
            step: 'authorize',
            facts: hint ? { reason: type, hint } : { reason: type },
            details: `${hint ? `Closed ${hint === 'closed_quickly' ? 'at once' : 'again'}: check` : 'If it showed an error, check'} this origin in the OAuth client's Authorized JavaScript origins (origin_mismatch) and the client id (invalid_client)${hint ? ', no Cross-Origin-Opener-Policy: same-origin, no in-app browser' : ''}.`,
          }),
        )
      } else
        fail(
          GooglePopupBlocked,
          type === 'popup_failed_to_open' ? 'Popup blocked: allow popups.' : 'Google sign-in failed to open.',
          type,
        )
    },
  }
  return broker
}
