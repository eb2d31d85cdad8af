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
    const { GoogleScriptUnavailable } = await import('./errors.js')
    const error = new GoogleScriptUnavailable('Google sign-in did not load.', { step: 'authorize', facts: { reason: 'timeout' } })
    const reload = vi.fn()
    const seen: Array<string | undefined> = []
    broker.subscribe(() => seen.push(broker.scriptError()?.code))
    broker.reportScriptError(error, reload)
    await expect(broker.request()).rejects.toBe(error)
    broker.retryScript()
    expect(reload).toHaveBeenCalledTimes(1)
    expect(broker.scriptError()).toBeUndefined()
    expect(seen).toEqual(['GOOGLE_SCRIPT_UNAVAILABLE', undefined])
    await expect(broker.request()).rejects.toMatchObject({ code: 'GOOGLE_POPUP_BLOCKED', facts: { reason: 'not_loaded' } })
  })

  test('popup_closed names the setup checks (origin_mismatch / invalid_client show only inside the popup)', async () => {
    const broker = createTokenBroker()
    broker.attach(() => {})
    const promise = broker.request()
    broker.reject({ type: 'popup_closed' })
    await expect(promise).rejects.toMatchObject({
      code: 'GOOGLE_POPUP_CLOSED',
      shortMessage: 'Google window closed.',
      details: expect.stringContaining("Authorized JavaScript origins"),
    })
  })
})
