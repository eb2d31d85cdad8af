import { GoogleOAuthProvider, useGoogleLogin, useGoogleOAuth, type TokenResponse } from '@react-oauth/google'
import { cleanup, render, screen } from '@testing-library/react'
import { setupWorker } from 'msw/browser'
import { useState } from 'react'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { userEvent } from 'vitest/browser'
import { createGoogleEmulator, type GisRequestAccessTokenCall, type GoogleEmulator } from '../src/testing/index.js'
import { DRIVE_APPDATA_SCOPE } from '../src/core/index.js'

const worker = setupWorker()
let google: GoogleEmulator

beforeAll(async () => {
  await worker.start({ quiet: true, onUnhandledRequest: 'bypass' })
})
afterAll(() => worker.stop())
beforeEach(() => {
  google = createGoogleEmulator()
  worker.resetHandlers(...google.handlers)
})
afterEach(() => cleanup())

// What a backup button does: login() synchronously in the click, Drive from the token callback.
function LoginButton() {
  const { scriptLoadedSuccessfully } = useGoogleOAuth()
  const [state, setState] = useState('idle')
  const [token, setToken] = useState<TokenResponse>()
  const login = useGoogleLogin({
    flow: 'implicit',
    scope: DRIVE_APPDATA_SCOPE,
    overrideScope: true,
    onSuccess: (t) => {
      setToken(t)
      setState(`scope:${t.scope}`)
    },
    onError: (e) => setState(`error:${e.error ?? ''}`),
    onNonOAuthError: (e) => setState(`nonoauth:${e.type}`),
  })
  return (
    <>
      <button type="button" disabled={!scriptLoadedSuccessfully} onClick={() => login()}>
        Back up
      </button>
      <button type="button" disabled={!scriptLoadedSuccessfully} onClick={() => setTimeout(() => login(), 0)}>
        Back up later
      </button>
      <output data-testid="state">{state}</output>
      <output data-testid="token">{token?.access_token ?? ''}</output>
    </>
  )
}

async function mount() {
  render(
    <GoogleOAuthProvider clientId="test-client.apps.googleusercontent.com">
      <LoginButton />
    </GoogleOAuthProvider>,
  )
  const button = screen.getByRole('button', { name: 'Back up' })
  await expect.poll(() => (button as HTMLButtonElement).disabled, { timeout: 5000 }).toBe(false)
  return button
}

const state = () => screen.getByTestId('state').textContent
const waitState = (prefix: string) =>
  expect.poll(() => state(), { timeout: 5000 }).toMatch(new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`))
const tokenCalls = () => google.calls.filter((c): c is GisRequestAccessTokenCall => c.kind === 'requestAccessToken')

describe('GIS stand-in through the real @react-oauth/google', () => {
  // First test of the file: no click has happened in this page yet, so there is no user activation at all.
  it('login() outside any user activation -> popup_failed_to_open, recorded synchronously', async () => {
    await mount()
    expect(navigator.userActivation.isActive).toBe(false)
    screen.getByRole('button', { name: 'Back up later' }).click() // untrusted click: no activation
    await waitState('nonoauth:popup_failed_to_open')
    expect(tokenCalls()).toMatchObject([{ inUserEvent: false, userActivation: false, outcome: 'popupBlocked' }])
  })

  it('click -> token with drive.appdata; the call is inside the user event; Drive works from the page', async () => {
    const button = await mount()
    await userEvent.click(button)
    await waitState('scope:')
    expect(state()).toBe(`scope:${DRIVE_APPDATA_SCOPE}`)
    expect(google.calls.find((c) => c.kind === 'initTokenClient')).toMatchObject({
      clientId: 'test-client.apps.googleusercontent.com',
      scope: DRIVE_APPDATA_SCOPE,
    })
    expect(tokenCalls()).toMatchObject([
      { inUserEvent: true, eventType: 'click', userActivation: true, outcome: 'approve' },
    ])

    const token = screen.getByTestId('token').textContent ?? ''
    expect(google.tokenInfo(token)?.scope).toBe(DRIVE_APPDATA_SCOPE)
    const boundary = 'b0undary'
    const created = await fetch('https://www.googleapis.com/upload/drive/v3/files?uploadType=multipart', {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': `multipart/related; boundary=${boundary}` },
      body: `--${boundary}\r\nContent-Type: application/json\r\n\r\n${JSON.stringify({ name: 'k.key', parents: ['appDataFolder'] })}\r\n--${boundary}\r\nContent-Type: text/plain\r\n\r\nkey-bytes\r\n--${boundary}--`,
    })
    expect(created.status).toBe(200)
    const { id } = (await created.json()) as { id: string }
    const list = await fetch(
      `https://www.googleapis.com/drive/v3/files?spaces=appDataFolder&q=${encodeURIComponent("name='k.key' and trashed=false")}&fields=files(id,name)`,
      { headers: { Authorization: `Bearer ${token}` } },
    )
    expect(await list.json()).toEqual({ files: [{ id, name: 'k.key' }] })
    const media = await fetch(`https://www.googleapis.com/drive/v3/files/${id}?alt=media`, {
      headers: { Authorization: `Bearer ${token}` },
    })
    expect(await media.text()).toBe('key-bytes')
    const unauthenticated = await fetch('https://www.googleapis.com/drive/v3/files?spaces=appDataFolder', {
      headers: { Authorization: 'Bearer nope' },
    })
    expect(unauthenticated.status).toBe(401)
  })

  it('google.accounts.oauth2.revoke(token, done): done({ successful }), the grant is gone (401, consent again)', async () => {
    const button = await mount()
    await userEvent.click(button)
    await waitState('scope:')
    const token = screen.getByTestId('token').textContent ?? ''
    type Done = (answer: { successful: boolean; error?: string }) => void
    const gis = (window as unknown as { google: { accounts: { oauth2: { revoke(t: string, d: Done): void } } } }).google
    const revoke = (t: string) => new Promise<Parameters<Done>[0]>((resolve) => gis.accounts.oauth2.revoke(t, resolve))
    expect(await revoke(token)).toEqual({ successful: true })
    expect(google.revocations).toEqual([
      { account: 'user@example.com', clientId: 'test-client.apps.googleusercontent.com', at: expect.any(Number) },
    ])
    const drive = await fetch('https://www.googleapis.com/drive/v3/about?fields=user', {
      headers: { Authorization: `Bearer ${token}` },
    })
    expect(drive.status).toBe(401)
    // Google refuses a token it no longer knows as valid.
    expect(await revoke(token)).toMatchObject({ successful: false, error: 'invalid_token' })
    await userEvent.click(button)
    await expect.poll(() => tokenCalls()).toHaveLength(2)
    await expect.poll(() => tokenCalls()[1]?.consent).toBe(true)
    expect(tokenCalls()[0]?.consent).toBe(true)
  })

  it('consent popupBlocked -> onNonOAuthError popup_failed_to_open (no network)', async () => {
    const button = await mount()
    google.consent.next('popupBlocked')
    await userEvent.click(button)
    await waitState('nonoauth:popup_failed_to_open')
    expect(tokenCalls()).toMatchObject([{ inUserEvent: true, outcome: 'popupBlocked' }])
  })

  it('consent close -> onNonOAuthError popup_closed', async () => {
    const button = await mount()
    google.consent.next('close')
    await userEvent.click(button)
    await waitState('nonoauth:popup_closed')
  })

  it('consent deny -> onError access_denied', async () => {
    const button = await mount()
    google.consent.next('deny')
    await userEvent.click(button)
    await waitState('error:access_denied')
  })

  it('consent dropScope -> success whose scope lacks drive.appdata, and Drive refuses the token', async () => {
    const button = await mount()
    google.consent.next('dropScope')
    await userEvent.click(button)
    await waitState('scope:')
    expect(state()?.split(/[: ]/)).not.toContain(DRIVE_APPDATA_SCOPE)
    const token = screen.getByTestId('token').textContent ?? ''
    const res = await fetch('https://www.googleapis.com/drive/v3/files?spaces=appDataFolder', {
      headers: { Authorization: `Bearer ${token}` },
    })
    expect(res.status).toBe(403)
  })

  it('consent invalidScope -> onError invalid_scope; gis.token fault -> onNonOAuthError unknown', async () => {
    const button = await mount()
    google.consent.next('invalidScope')
    await userEvent.click(button)
    await waitState('error:invalid_scope')
    google.faults.set('gis.token', { status: 500 }, { times: 1 })
    await userEvent.click(button)
    await waitState('nonoauth:unknown')
  })

  it('gis.script fault -> the provider never reports the script loaded', async () => {
    google.faults.set('gis.script', { status: 503 })
    let failed = false
    render(
      <GoogleOAuthProvider clientId="c" onScriptLoadError={() => (failed = true)}>
        <LoginButton />
      </GoogleOAuthProvider>,
    )
    await expect.poll(() => failed, { timeout: 5000 }).toBe(true)
    expect((screen.getByRole('button', { name: 'Back up' }) as HTMLButtonElement).disabled).toBe(true)
  })
})
