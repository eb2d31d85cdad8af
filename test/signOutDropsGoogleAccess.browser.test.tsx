// Issue 25, item 1: when the app signs its user out it calls the kit's signOut(): no Google token is held after it
// (the next backup asks Google again in a popup, the status stops checking Drive), and with `revokeGoogle` the
// app's grant is revoked at Google (the next popup shows the consent screen again, the old token gets 401 on Drive).
import { cleanup, screen } from '@testing-library/react'
import { useState } from 'react'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { userEvent } from 'vitest/browser'
import { useBackupStatus } from '../src/hooks/useBackupStatus.js'
import { useWalletBackup } from '../src/hooks/useWalletBackup.js'
import { useWalletBackupSession } from '../src/hooks/useWalletBackupSession.js'
import type { GisRequestAccessTokenCall } from '../src/testing/index.js'
import { type BrowserWorld, createBrowserWorld, enabledButton, seen, worker } from './support/browserWorld.js'

beforeAll(() => worker.start({ quiet: true, onUnhandledRequest: 'error' }))
afterAll(() => worker.stop())
afterEach(() => cleanup())

function Session() {
  const flow = useWalletBackup()
  const status = useBackupStatus()
  const { signOut } = useWalletBackupSession()
  const [signedOut, setSignedOut] = useSignedOut()
  return (
    <>
      <button type="button" disabled={!flow.isReady} onClick={flow.backup}>
        Back up ({flow.step})
      </button>
      <button type="button" onClick={() => void signOut().then(() => setSignedOut('plain'))}>
        Sign out
      </button>
      <button type="button" onClick={() => void signOut({ revokeGoogle: true }).then(() => setSignedOut('revoked'))}>
        Sign out and revoke
      </button>
      <output data-testid="signed-out">{signedOut}</output>
      <output data-testid="drive">{status.isSuccess ? String(status.data.drive) : status.status}</output>
    </>
  )
}

// Each sign-out's resolution shows up in the DOM.
function useSignedOut() {
  const [n, setN] = useState('')
  return [n, (how: string) => setN((prev) => `${prev}${prev ? ',' : ''}${how}`)] as const
}

const popups = (w: BrowserWorld) =>
  w.google.calls.filter((c): c is GisRequestAccessTokenCall => c.kind === 'requestAccessToken')

async function backUp(w: BrowserWorld, count: number) {
  await userEvent.click(await enabledButton(/Back up/))
  await expect.element(screen.getByRole('button', { name: /Back up/ })).toHaveTextContent('Back up (success)')
  expect(popups(w)).toHaveLength(count)
}

const driveSays = () => screen.getByTestId('drive').textContent

describe('signOut()', () => {
  test('drops the token: the status stops checking Drive and the next backup opens a popup', async () => {
    const w = createBrowserWorld()
    w.mount(<Session />)
    await backUp(w, 1)
    // The status, refetched after the backup, checked Drive with the held token.
    await expect.poll(driveSays).toBe('true')
    const token = seen.authorizations.at(-1)!

    await userEvent.click(screen.getByRole('button', { name: 'Sign out' }))
    await expect.element(screen.getByTestId('signed-out')).toHaveTextContent('plain')
    // The status was cleared and asked again: without a token it does not check Drive.
    await expect.poll(driveSays).toBe('undefined')
    const driveCalls = seen.authorizations.filter((t) => t === token).length

    await backUp(w, 2)
    expect(popups(w)[1]).toMatchObject({ inUserEvent: true, outcome: 'approve' })
    expect(seen.authorizations.at(-1)).not.toBe(token)
    // Without the revoke option the grant stands: Google shows no consent screen the second time.
    expect(popups(w).map((p) => p.consent)).toEqual([true, false])
    expect(w.google.revocations).toEqual([])
    // No Drive call carried the old token after the sign-out.
    expect(seen.authorizations.filter((t) => t === token)).toHaveLength(driveCalls)
  })

  test('with revokeGoogle the emulator sees the revoke: the old token gets 401 and the next popup asks consent again', async () => {
    const w = createBrowserWorld()
    w.mount(<Session />)
    await backUp(w, 1)
    await expect.poll(driveSays).toBe('true')
    const token = seen.authorizations.at(-1)!

    await userEvent.click(screen.getByRole('button', { name: 'Sign out and revoke' }))
    await expect.element(screen.getByTestId('signed-out')).toHaveTextContent('revoked')
    expect(w.google.revocations).toMatchObject([{ account: 'user@example.com', clientId: w.google.clientId }])
    const about = await fetch('https://www.googleapis.com/drive/v3/about?fields=user', {
      headers: { Authorization: `Bearer ${token}` },
    })
    expect(about.status).toBe(401)
    await expect.poll(driveSays).toBe('undefined')

    await backUp(w, 2)
    expect(popups(w).map((p) => p.consent)).toEqual([true, true])
    expect(w.share.rows()[0]?.googleAccount?.email).toBe('user@example.com')
  })
})
