import { describe, expect, test, vi } from 'vitest'
import { createTokenBroker } from './createTokenBroker.js'
import { DRIVE_APPDATA_SCOPE } from './driveKeyStore.js'

const granted = (extra: object = {}) => ({
  access_token: 'ya29.token',
  expires_in: 3599,
  scope: DRIVE_APPDATA_SCOPE,
  ...extra,
})

describe('createTokenBroker', () => {
  test('opens the popup synchronously inside request() and resolves with the granted token', async () => {
    const broker = createTokenBroker()
    const login = vi.fn()
    broker.attach(login)
    const promise = broker.request()
    expect(login).toHaveBeenCalledTimes(1)
    broker.accept(granted())
    await expect(promise).resolves.toBe('ya29.token')
  })

  test('reuses a held token with more than 60 s left without a popup, and asks again when it runs low', async () => {
    let now = 0
    const broker = createTokenBroker({ now: () => now })
    const login = vi.fn()
    broker.attach(login)
    const first = broker.request()
    broker.accept(granted({ expires_in: 120 }))
    await first
    await expect(broker.request()).resolves.toBe('ya29.token')
    expect(login).toHaveBeenCalledTimes(1)
    now = 61_000
    void broker.request()
    expect(login).toHaveBeenCalledTimes(2)
  })

  test('a token without drive.appdata in its granted scope is GoogleScopeDenied and is not held', async () => {
    const broker = createTokenBroker()
    broker.attach(() => {})
    const promise = broker.request()
    broker.accept(granted({ scope: 'openid email' }))
    await expect(promise).rejects.toMatchObject({ name: 'GoogleScopeDenied', code: 'GOOGLE_SCOPE_DENIED' })
    expect(broker.heldToken()).toBeUndefined()
  })

  test('popup_closed and popup_failed_to_open end the request with their own errors', async () => {
    const broker = createTokenBroker()
    broker.attach(() => {})
    const closed = broker.request()
    broker.reject({ type: 'popup_closed' })
    await expect(closed).rejects.toMatchObject({ code: 'GOOGLE_POPUP_CLOSED' })
    const blocked = broker.request()
    broker.reject({ type: 'popup_failed_to_open' })
    await expect(blocked).rejects.toMatchObject({ code: 'GOOGLE_POPUP_BLOCKED' })
  })

  test('access_denied from the consent screen is GoogleScopeDenied', async () => {
    const broker = createTokenBroker()
    broker.attach(() => {})
    const promise = broker.request()
    broker.accept({ error: 'access_denied', error_description: 'denied' })
    await expect(promise).rejects.toMatchObject({ code: 'GOOGLE_SCOPE_DENIED', facts: { reason: 'access_denied' } })
  })

  test('before the Google script has loaded, request() fails instead of waiting forever', async () => {
    const broker = createTokenBroker()
    expect(broker.isReady()).toBe(false)
    await expect(broker.request()).rejects.toMatchObject({ code: 'GOOGLE_POPUP_BLOCKED' })
  })

  test('clear() drops the held token so the next request opens the popup again', async () => {
    const broker = createTokenBroker()
    const login = vi.fn()
    broker.attach(login)
    const p = broker.request()
    broker.accept(granted())
    await p
    broker.clear()
    void broker.request()
    expect(login).toHaveBeenCalledTimes(2)
  })

  test('a script error makes request() fail with it (not a popup error) until retryScript() clears it and reloads', async () => {
    const broker = createTokenBroker()
    const { GoogleScriptUnavailable } = await import('../errors/errors.js')
    const error = new GoogleScriptUnavailable('Google sign-in did not load.', {
      step: 'authorize',
      facts: { reason: 'timeout' },
    })
    const reload = vi.fn()
    const seen: Array<string | undefined> = []
    broker.subscribe(() => seen.push(broker.scriptError()?.code))
    broker.reportScriptError(error, reload)
    await expect(broker.request()).rejects.toBe(error)
    broker.retryScript()
    expect(reload).toHaveBeenCalledTimes(1)
    expect(broker.scriptError()).toBeUndefined()
    expect(seen).toEqual(['GOOGLE_SCRIPT_UNAVAILABLE', undefined])
    await expect(broker.request()).rejects.toMatchObject({
      code: 'GOOGLE_POPUP_BLOCKED',
      facts: { reason: 'not_loaded' },
    })
  })

  test('popup_closed names the setup checks (origin_mismatch / invalid_client show only inside the popup)', async () => {
    const broker = createTokenBroker()
    broker.attach(() => {})
    const promise = broker.request()
    broker.reject({ type: 'popup_closed' })
    await expect(promise).rejects.toMatchObject({
      code: 'GOOGLE_POPUP_CLOSED',
      shortMessage: 'Google window closed.',
      details: expect.stringContaining('Authorized JavaScript origins'),
    })
  })

  test('abort drops the pending request: the next request opens a new popup, and a late token is kept for the next one', async () => {
    const broker = createTokenBroker()
    const login = vi.fn()
    broker.attach(login)
    const controller = new AbortController()
    const first = broker.request({ signal: controller.signal })
    controller.abort()
    await expect(first).rejects.toMatchObject({ code: 'ABORTED' })
    const second = broker.request()
    expect(login).toHaveBeenCalledTimes(2)
    broker.reject({ type: 'popup_closed' })
    await expect(second).rejects.toMatchObject({ code: 'GOOGLE_POPUP_CLOSED' })
    // The first popup answers late: nobody waits, the token is held and serves the next request without a popup.
    broker.accept(granted())
    await expect(broker.request()).resolves.toBe('ya29.token')
    expect(login).toHaveBeenCalledTimes(2)
  })

  test('a second request while a popup is out opens a new popup and both callers get its answer', async () => {
    const broker = createTokenBroker()
    const login = vi.fn()
    broker.attach(login)
    const a = broker.request()
    const b = broker.request()
    expect(login).toHaveBeenCalledTimes(2)
    broker.accept(granted())
    await expect(Promise.all([a, b])).resolves.toEqual(['ya29.token', 'ya29.token'])
  })

  test('a synchronous throw from the token client settles the request with GoogleSignInFailed', async () => {
    const broker = createTokenBroker()
    let throws = true
    const login = vi.fn(() => {
      if (throws) throw new Error('requestAccessToken exploded')
    })
    broker.attach(login)
    await expect(broker.request()).rejects.toMatchObject({
      code: 'GOOGLE_SIGN_IN_FAILED',
      facts: { reason: 'request_threw' },
    })
    throws = false
    const next = broker.request()
    expect(login).toHaveBeenCalledTimes(2)
    broker.accept(granted())
    await expect(next).resolves.toBe('ya29.token')
  })

  test('a null or malformed error_callback argument settles the request instead of throwing inside the callback', async () => {
    const broker = createTokenBroker()
    broker.attach(() => {})
    const p = broker.request()
    expect(() => broker.reject(null)).not.toThrow()
    await expect(p).rejects.toMatchObject({ code: 'GOOGLE_SIGN_IN_FAILED', facts: { reason: 'malformed_error' } })
    const q = broker.request()
    broker.reject({} as never)
    await expect(q).rejects.toMatchObject({ code: 'GOOGLE_SIGN_IN_FAILED' })
  })

  test('a popup with no answer ends with GoogleSignInTimeout at the deadline, and the next request opens a new popup', async () => {
    vi.useFakeTimers()
    try {
      const broker = createTokenBroker({ requestTimeoutMs: 120_000 })
      const login = vi.fn()
      broker.attach(login)
      const p = broker.request()
      const seen = expect(p).rejects.toMatchObject({ code: 'GOOGLE_SIGN_IN_TIMEOUT', retryable: true })
      await vi.advanceTimersByTimeAsync(119_999)
      await vi.advanceTimersByTimeAsync(1)
      await seen
      void broker.request().catch(() => {})
      expect(login).toHaveBeenCalledTimes(2)
    } finally {
      vi.useRealTimers()
    }
  })

  test('a close too fast for a person, or a second close in a row, carries facts.hint naming the setup causes', async () => {
    let now = 0
    const broker = createTokenBroker({ now: () => now })
    broker.attach(() => {})
    const quick = broker.request()
    now += 200
    broker.reject({ type: 'popup_closed' })
    await expect(quick).rejects.toMatchObject({
      facts: { reason: 'popup_closed', hint: 'closed_quickly' },
      details: expect.stringMatching(/origin_mismatch.*invalid_client.*Cross-Origin-Opener-Policy.*in-app browser/),
    })
    // After a token, a person's slow close carries no hint; a second slow close in a row does.
    const ok = broker.request()
    broker.accept(granted({ expires_in: 1 }))
    await ok
    const slow = broker.request()
    now += 10_000
    broker.reject({ type: 'popup_closed' })
    await expect(slow).rejects.toMatchObject({ facts: { reason: 'popup_closed' } })
    await expect(slow).rejects.not.toHaveProperty('facts.hint')
    const again = broker.request()
    now += 10_000
    broker.reject({ type: 'popup_closed' })
    await expect(again).rejects.toMatchObject({ facts: { hint: 'closed_repeatedly' } })
  })

  test('an in-app browser is named before any popup opens', async () => {
    const login = vi.fn()
    const ua =
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Instagram 309.0.0.0'
    const broker = createTokenBroker({ userAgent: ua })
    broker.attach(login)
    await expect(broker.request()).rejects.toMatchObject({
      code: 'GOOGLE_UNSUPPORTED_BROWSER',
      facts: { reason: 'disallowed_useragent', browser: 'Instagram' },
    })
    expect(login).not.toHaveBeenCalled()
  })

  test('the account hint goes to the popup as hint', () => {
    const broker = createTokenBroker()
    const login = vi.fn()
    broker.attach(login)
    void broker.request()
    broker.setAccountHint('alice@example.com')
    void broker.request()
    expect(login.mock.calls).toEqual([
      [{ state: expect.any(String) }],
      [{ login_hint: 'alice@example.com', hint: 'alice@example.com', state: expect.any(String) }],
    ])
  })
})

describe('createTokenBroker: Google access belongs to one app user', () => {
  /** A token client that remembers each request's state, so a test can answer any of them, late or not. */
  function gis() {
    const states: string[] = []
    const login = vi.fn((o: { state: string }) => void states.push(o.state))
    return { login, states, answer: (i: number, extra: object = {}) => granted({ state: states[i], ...extra }) }
  }

  test("a request for another user drops the held token and the hint: no token and no login_hint of the previous user's", async () => {
    const broker = createTokenBroker()
    const g = gis()
    broker.attach(g.login)
    const alice = broker.request({ user: 'client-alice' })
    broker.accept(g.answer(0, { access_token: 'ya29.alice' }))
    await expect(alice).resolves.toBe('ya29.alice')
    broker.setAccountHint('alice@example.com', 'client-alice')
    expect(broker.heldToken('client-alice')).toBe('ya29.alice')
    expect(broker.heldToken('client-bob')).toBeUndefined()

    const bob = broker.request({ user: 'client-bob' })
    expect(g.login).toHaveBeenCalledTimes(2)
    expect(g.login.mock.calls[1]![0]).toEqual({ state: expect.any(String) })
    broker.accept(g.answer(1, { access_token: 'ya29.bob' }))
    await expect(bob).resolves.toBe('ya29.bob')
    expect(broker.heldToken('client-alice')).toBeUndefined()
    expect(broker.accountHint()).toBeUndefined()
  })

  test("a token that arrives after abort is kept for the same user only; the previous user's late answer serves nobody", async () => {
    const broker = createTokenBroker()
    const g = gis()
    broker.attach(g.login)
    const aborted = new AbortController()
    const alice = broker.request({ user: 'client-alice', signal: aborted.signal })
    aborted.abort()
    await expect(alice).rejects.toMatchObject({ code: 'ABORTED' })
    broker.bind('client-bob')
    broker.accept(g.answer(0, { access_token: 'ya29.alice' }))
    expect(broker.heldToken()).toBeUndefined()
    void broker.request({ user: 'client-bob' })
    expect(g.login).toHaveBeenCalledTimes(2)

    // The same user: the late token is kept (abort only stops waiting).
    const again = createTokenBroker()
    const h = gis()
    again.attach(h.login)
    const stop = new AbortController()
    void again.request({ user: 'client-alice', signal: stop.signal }).catch(() => {})
    stop.abort()
    again.accept(h.answer(0))
    await expect(again.request({ user: 'client-alice' })).resolves.toBe('ya29.token')
    expect(h.login).toHaveBeenCalledTimes(1)
  })

  test("the previous user's answer arriving while the next user's popup is out settles nothing", async () => {
    const broker = createTokenBroker()
    const g = gis()
    broker.attach(g.login)
    const alice = broker.request({ user: 'client-alice' })
    const bob = broker.request({ user: 'client-bob' })
    // Alice's wait ends at once: her request belongs to a user who is gone.
    await expect(alice).rejects.toMatchObject({ code: 'ABORTED', facts: { reason: 'user_changed' } })
    broker.accept(g.answer(0, { access_token: 'ya29.alice' }))
    expect(broker.heldToken()).toBeUndefined()
    broker.accept(g.answer(1, { access_token: 'ya29.bob' }))
    await expect(bob).resolves.toBe('ya29.bob')
  })

  test('a hint for a user who is not the bound one is ignored (a status read for the previous user)', () => {
    const broker = createTokenBroker()
    broker.bind('client-bob')
    broker.setAccountHint('alice@example.com', 'client-alice')
    expect(broker.accountHint()).toBeUndefined()
    broker.setAccountHint('bob@example.com', 'client-bob')
    expect(broker.accountHint()).toBe('bob@example.com')
  })

  test('signOut() drops the token, the hint, the binding and a request still out; its late answer serves nobody', async () => {
    const broker = createTokenBroker()
    const g = gis()
    broker.attach(g.login)
    const first = broker.request({ user: 'client-alice' })
    // Too short-lived to reuse: the next request opens a popup.
    broker.accept(g.answer(0, { expires_in: 30 }))
    await first
    broker.setAccountHint('alice@example.com', 'client-alice')
    const out = broker.request({ user: 'client-alice' })
    broker.signOut()
    await expect(out).rejects.toMatchObject({ code: 'ABORTED', facts: { reason: 'signed_out' } })
    broker.accept(g.answer(1, { access_token: 'ya29.late' }))
    expect(broker.heldToken()).toBeUndefined()
    expect(broker.accountHint()).toBeUndefined()
    // Unbound now: a status read for the signed-out user sets nothing.
    broker.setAccountHint('alice@example.com', 'client-alice')
    expect(broker.accountHint()).toBeUndefined()
  })

  test('signOut() hands back the token it held while still valid (to revoke the grant with), and nothing after', async () => {
    const broker = createTokenBroker()
    broker.attach(vi.fn())
    const p = broker.request({ user: 'client-alice' })
    broker.accept(granted({ access_token: 'ya29.alice', expires_in: 30 }))
    await p
    expect(broker.signOut()).toBe('ya29.alice')
    expect(broker.signOut()).toBeUndefined()
  })
})
