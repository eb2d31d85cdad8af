// Google sign-in edges in real Chromium with the real @react-oauth/google (issue 20): a popup that never answers,
// throws or answers garbage cannot strand the kit or the cross-tab lock, and recovery finds the Google account
// that holds the key.
import { cleanup, screen } from '@testing-library/react'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { userEvent } from 'vitest/browser'
import { BackupButton } from '../src/components/BackupButton.js'
import { BackupStatus } from '../src/components/BackupStatus.js'
import { RecoverButton } from '../src/components/RecoverButton.js'
import type { BackupError } from '../src/core/errors/errors.js'
import { useWalletBackup } from '../src/hooks/useWalletBackup.js'
import type { GisRequestAccessTokenCall } from '../src/testing/index.js'
import { createBrowserWorld, enabledButton, worker, type BrowserWorld } from './support/browserWorld.js'

beforeAll(() => worker.start({ quiet: true, onUnhandledRequest: 'error' }))
afterAll(() => worker.stop())
afterEach(() => cleanup())

const popups = (w: BrowserWorld) =>
  w.google.calls.filter((c): c is GisRequestAccessTokenCall => c.kind === 'requestAccessToken')

const enabled = enabledButton

/** Another tab asking for the same wallet's lock (Web Locks are per origin: a request from here is one from any tab). */
async function anotherTabGetsTheLock(clientId: string) {
  return navigator.locks.request(`react-mpc-backup:${clientId}`, { ifAvailable: true }, async (lock) => lock !== null)
}

function BackupWithCancel({ onError }: { onError: (e: BackupError) => void }) {
  const flow = useWalletBackup({ onError })
  return (
    <>
      <button type="button" disabled={!flow.isReady} onClick={flow.backup}>
        Back up ({flow.step})
      </button>
      <button type="button" onClick={flow.abort}>
        Cancel
      </button>
    </>
  )
}

describe('a Google popup that never answers, throws or answers garbage', () => {
  test('no answer: Cancel ends the flow with Aborted and frees the lock; the next click opens a new popup and succeeds', async () => {
    const w = createBrowserWorld()
    const errors: BackupError[] = []
    w.mount(<BackupWithCancel onError={(e) => errors.push(e)} />)
    w.google.consent.next('noAnswer')
    await userEvent.click(await enabled(/Back up/))
    await expect.poll(() => popups(w)[0]?.outcome).toBe('noAnswer')
    await userEvent.click(screen.getByRole('button', { name: 'Cancel' }))
    await expect.poll(() => errors.map((e) => e.code)).toEqual(['ABORTED'])
    expect(await anotherTabGetsTheLock(w.clientId)).toBe(true)
    await userEvent.click(await enabled(/Back up/))
    await expect.element(screen.getByRole('button', { name: /Back up/ })).toHaveTextContent('Back up (success)')
    expect(popups(w)).toHaveLength(2)
    expect(popups(w).every((p) => p.inUserEvent && p.eventType === 'click')).toBe(true)
  })

  test('no answer and no cancel: the deadline ends the flow with GoogleSignInTimeout; the next click opens a new popup and succeeds', async () => {
    const w = createBrowserWorld()
    w.mount(<BackupButton />, { googleSignInTimeoutMs: 400 })
    w.google.consent.next('noAnswer')
    const button = await enabled('Back up wallet')
    await userEvent.click(button)
    await expect.poll(() => button.getAttribute('data-error-code'), { timeout: 3000 }).toBe('GOOGLE_SIGN_IN_TIMEOUT')
    expect(await anotherTabGetsTheLock(w.clientId)).toBe(true)
    await userEvent.click(button)
    await expect.element(button).toHaveTextContent('Wallet backed up')
    expect(popups(w).map((p) => [p.outcome, p.inUserEvent])).toEqual([
      ['noAnswer', true],
      ['approve', true],
    ])
  })

  for (const [behaviour, code] of [
    ['throw', 'GOOGLE_SIGN_IN_FAILED'],
    ['nullError', 'GOOGLE_SIGN_IN_FAILED'],
    ['closeImmediately', 'GOOGLE_POPUP_CLOSED'],
  ] as const) {
    test(`${behaviour}: the flow ends with ${code}, the lock is free, the next click opens a new popup and succeeds`, async () => {
      const w = createBrowserWorld()
      w.mount(<BackupButton />)
      w.google.consent.next(behaviour)
      const button = await enabled('Back up wallet')
      await userEvent.click(button)
      await expect.poll(() => button.getAttribute('data-error-code'), { timeout: 3000 }).toBe(code)
      expect(await anotherTabGetsTheLock(w.clientId)).toBe(true)
      await userEvent.click(button)
      await expect.element(button).toHaveTextContent('Wallet backed up')
      expect(popups(w).map((p) => [p.outcome, p.inUserEvent, p.eventType])).toEqual([
        [behaviour, true, 'click'],
        ['approve', true, 'click'],
      ])
      expect(w.wallet.notifications).toMatchObject([{ success: true }])
    })
  }

  test('a setup failure (origin not authorized) reads as a close with facts.hint, not as the user closing the window', async () => {
    const w = createBrowserWorld()
    const errors: BackupError[] = []
    w.mount(<BackupWithCancel onError={(e) => errors.push(e)} />)
    w.google.consent.next('originMismatch')
    await userEvent.click(await enabled(/Back up/))
    await expect.poll(() => errors[0]?.code).toBe('GOOGLE_POPUP_CLOSED')
    expect(errors[0]!.facts).toMatchObject({ reason: 'popup_closed', hint: 'closed_quickly' })
    expect(errors[0]!.details).toMatch(/Authorized JavaScript origins/)
  })
})

describe('recovery finds the Google account that holds the key', () => {
  test('backup with A; recovery where the user picks B is KEY_NOT_FOUND naming A masked; the retry pre-selects A and recovers', async () => {
    const w = createBrowserWorld()
    w.google.addAccount('bob@example.com')
    const a = w.mount(<BackupButton />)
    w.google.consent.next('approve', { account: 'user@example.com' })
    await userEvent.click(await enabled('Back up wallet'))
    await expect.element(screen.getByRole('button')).toHaveTextContent('Wallet backed up')
    // Only the masked form ever leaves the record; the record holds Drive's id and the address for login_hint.
    expect(w.share.rows()[0]!.googleAccount).toMatchObject({
      email: 'user@example.com',
      permissionId: expect.stringMatching(/^\d+$/),
    })
    const address = w.wallet.address
    a.unmount()

    const errors: BackupError[] = []
    const { device } = w.mountOnNewDevice(<RecoverButton onError={(e) => errors.push(e)} />)
    w.google.consent.next('approve', { account: 'bob@example.com' })
    const button = await enabled('Recover wallet')
    await userEvent.click(button)
    await expect.poll(() => button.getAttribute('data-error-code')).toBe('KEY_NOT_FOUND')
    expect(errors[0]).toMatchObject({
      code: 'KEY_NOT_FOUND',
      shortMessage: expect.stringContaining('u***@example.com'),
      facts: { reason: 'other_account', expectedAccount: 'u***@example.com', account: 'b***@example.com' },
    })
    expect(JSON.stringify(errors[0])).not.toContain('user@example.com')
    expect(screen.getByRole('status').textContent ?? '').not.toContain('user@example.com')

    // The retry's popup carries the hint; the user leaves the pre-selected account.
    await userEvent.click(button)
    await expect.element(button).toHaveTextContent('Wallet recovered')
    expect(device.address).toBe(address)
    const [, first, retry] = popups(w)
    expect(first).toMatchObject({ account: 'bob@example.com', chooser: true, inUserEvent: true, eventType: 'click' })
    expect(retry).toMatchObject({
      overrides: { hint: 'user@example.com' },
      account: 'user@example.com',
      inUserEvent: true,
      eventType: 'click',
    })
  })

  test("with <BackupStatus> on the page, the first recovery popup already pre-selects the record's account; the status data holds no email", async () => {
    const w = createBrowserWorld()
    w.google.addAccount('bob@example.com')
    w.google.consent.next('approve', { account: 'bob@example.com' })
    const a = w.mount(<BackupButton />)
    await userEvent.click(await enabled('Back up wallet'))
    await expect.element(screen.getByRole('button')).toHaveTextContent('Wallet backed up')
    a.unmount()

    const { queryClient } = w.mountOnNewDevice(
      <>
        <BackupStatus />
        <RecoverButton />
      </>,
    )
    await expect.poll(() => queryClient.getQueryCache().getAll()[0]?.state.status).toBe('success')
    await userEvent.click(await enabled('Recover wallet'))
    await expect.element(screen.getByRole('button')).toHaveTextContent('Wallet recovered')
    expect(popups(w)[1]).toMatchObject({
      overrides: { hint: 'bob@example.com' },
      account: 'bob@example.com',
      inUserEvent: true,
    })
    expect(
      JSON.stringify(
        queryClient
          .getQueryCache()
          .getAll()
          .map((q) => q.state.data),
      ),
    ).not.toContain('bob@')
  })
})
