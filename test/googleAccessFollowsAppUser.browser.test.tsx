// Issue 25, item 1: Google access does not outlive the app user. On one page the app signs Alice out and Bob in,
// under the same <WalletBackupProvider>: Bob's first backup must open a popup of its own (no token, late token or
// login_hint of Alice's), put his key in HIS Drive, and his server record must name his account. Real Chromium, the
// real @react-oauth/google loading the GIS stand-in; Google, the server and the wallet are the emulators.
import { QueryClient } from '@tanstack/react-query'
import { cleanup, render, screen } from '@testing-library/react'
import { http } from 'msw'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { userEvent } from 'vitest/browser'
import { portalAdapter } from '../src/adapters/portalAdapter.js'
import { WalletBackupProvider } from '../src/components/WalletBackupProvider.js'
import type { BackupError } from '../src/core/errors/errors.js'
import type { WalletAdapter } from '../src/core/clients/WalletAdapter.js'
import { useWalletBackup } from '../src/hooks/useWalletBackup.js'
import {
  createGoogleEmulator,
  createShareServerEmulator,
  createWalletBackend,
  createWalletEmulator,
  type GisRequestAccessTokenCall,
  gisEmulatorTokenUrl,
  type WalletEmulator,
} from '../src/testing/index.js'
import { enabledButton, GOOGLE_CLIENT_ID, worker } from './support/browserWorld.js'

beforeAll(() => worker.start({ quiet: true, onUnhandledRequest: 'error' }))
afterAll(() => worker.stop())
afterEach(() => cleanup())

const ALICE = 'alice@example.com'
const BOB = 'bob@example.com'

/** One page, two app users: Alice's and Bob's wallets (separate Portal clients), one Google with both accounts. */
function twoUsers(options: { tokenLifetimeSeconds?: number } = {}) {
  const google = createGoogleEmulator({ clientId: GOOGLE_CLIENT_ID, accounts: [ALICE, BOB], ...options })
  const share = createShareServerEmulator({ baseURL: '/api' })
  worker.resetHandlers(...google.handlers, ...share.handlers)
  const backend = createWalletBackend()
  const alice = createWalletEmulator({ clientId: 'client-alice', backend })
  const bob = createWalletEmulator({ clientId: 'client-bob', backend })
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } })
  const errors: BackupError[] = []
  const successes: string[] = []
  const app = (user: { wallet: WalletAdapter; clientId?: string }) => (
    <WalletBackupProvider
      wallet={user.wallet}
      {...(user.clientId ? { clientId: user.clientId } : {})}
      googleClientId={GOOGLE_CLIENT_ID}
      server={{ baseURL: '/api' }}
      queryClient={queryClient}
      retry={{ tries: 2, baseDelayMs: 1 }}
    >
      <Backup onError={(e) => errors.push(e)} onSuccess={(d) => successes.push(d.keyVersion)} />
    </WalletBackupProvider>
  )
  const popups = () => google.calls.filter((c): c is GisRequestAccessTokenCall => c.kind === 'requestAccessToken')
  const keyFiles = (account: string) => google.files(account).map((f) => f.name)
  const row = (clientId: string) => share.rows().find((r) => r.clientId === clientId)
  /** Clicks Back up and waits for the backup to succeed (its onSuccess: the hook's state resets when it learns Bob's client id). */
  const backUp = async () => {
    const [succeeded, failed] = [successes.length, errors.length]
    await userEvent.click(await enabledButton(/Back up/))
    await expect.poll(() => [successes.length - succeeded, errors.slice(failed).map((e) => e.code)]).toEqual([1, []])
  }
  return { google, share, alice, bob, app, errors, popups, keyFiles, row, backUp }
}

function Backup({
  onError,
  onSuccess,
}: {
  onError: (e: BackupError) => void
  onSuccess: (d: { keyVersion: string }) => void
}) {
  const flow = useWalletBackup({ onError, onSuccess })
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

/** One adapter object for the page's life whose Portal client changes (the Next.js shape of docs/client.md). */
function adapterOverSwitchingClient(first: WalletEmulator) {
  let current = portalAdapter(first)
  const adapter: WalletAdapter = {
    keyCustody: 'kit',
    backupMethod: current.backupMethod,
    backup: (args) => current.backup(args),
    notifyStored: (success) => current.notifyStored(success),
    recover: (cipherText, args) => current.recover(cipherText, args),
    isBackedUp: () => current.isBackedUp!(),
    getClientId: () => current.getClientId!(),
  }
  return { adapter, switchTo: (next: WalletEmulator) => (current = portalAdapter(next)) }
}

describe("Bob's first backup after Alice, under the same provider", () => {
  test("the app re-renders the provider with Bob's clientId and wallet: a popup of his own, his key in his Drive, his record names him", async () => {
    const w = twoUsers()
    w.google.consent.next('approve', { account: ALICE })
    const view = render(w.app({ wallet: portalAdapter(w.alice), clientId: 'client-alice' }))
    await w.backUp()
    expect(w.row('client-alice')?.googleAccount?.email).toBe(ALICE)

    // Alice signs out, Bob signs in; the app renders the same provider with Bob's Portal client.
    view.rerender(w.app({ wallet: portalAdapter(w.bob), clientId: 'client-bob' }))
    w.google.consent.next('approve', { account: BOB })
    await w.backUp()

    expect(w.keyFiles(BOB)).toEqual([expect.stringContaining('client-bob')])
    expect(w.keyFiles(ALICE)).toEqual([expect.stringContaining('client-alice')])
    expect(w.row('client-bob')?.googleAccount?.email).toBe(BOB)
    expect(w.popups().map((p) => [p.account, p.inUserEvent])).toEqual([
      [ALICE, true],
      [BOB, true],
    ])
  })

  test("the app keeps one adapter object while its Portal client becomes Bob's: the same", async () => {
    const w = twoUsers()
    const wallet = adapterOverSwitchingClient(w.alice)
    w.google.consent.next('approve', { account: ALICE })
    const view = render(w.app({ wallet: wallet.adapter }))
    await w.backUp()
    const aliceRecord = w.row('client-alice')
    expect(aliceRecord?.googleAccount?.email).toBe(ALICE)

    wallet.switchTo(w.bob)
    view.rerender(w.app({ wallet: wallet.adapter }))
    w.google.consent.next('approve', { account: BOB })
    await w.backUp()

    expect(w.keyFiles(BOB)).toEqual([expect.stringContaining('client-bob')])
    expect(w.keyFiles(ALICE)).toEqual([expect.stringContaining('client-alice')])
    expect(w.row('client-bob')?.googleAccount?.email).toBe(BOB)
    // Alice's backup is untouched.
    expect(w.row('client-alice')).toEqual(aliceRecord)
    expect(w.popups().map((p) => p.account)).toEqual([ALICE, BOB])
    // The provider follows Bob's client from now on: his next backup uses his token, no popup.
    await w.backUp()
    expect(w.popups()).toHaveLength(2)
    expect(w.keyFiles(ALICE)).toEqual([expect.stringContaining('client-alice')])
  })

  test("Alice cancels while Google's answer is still on its way; the late token does not serve Bob", async () => {
    const w = twoUsers()
    // Google answers Alice's popup only when the test says so (a handler that returns nothing passes the request on).
    let answer!: () => void
    const answered = new Promise<void>((resolve) => (answer = resolve))
    worker.use(http.post(gisEmulatorTokenUrl, () => answered.then(() => undefined), { once: true }))
    w.google.consent.next('approve', { account: ALICE })
    const view = render(w.app({ wallet: portalAdapter(w.alice), clientId: 'client-alice' }))
    await userEvent.click(await enabledButton(/Back up/))
    await expect.poll(() => w.popups()).toHaveLength(1)
    await userEvent.click(screen.getByRole('button', { name: 'Cancel' }))
    await expect.poll(() => w.errors.map((e) => e.code)).toEqual(['ABORTED'])

    view.rerender(w.app({ wallet: portalAdapter(w.bob), clientId: 'client-bob' }))
    answer()
    // Google's late answer reached the page (the stand-in records it before it calls back).
    await expect.poll(() => w.popups()[0]?.outcome).toBe('approve')

    w.google.consent.next('approve', { account: BOB })
    await w.backUp()
    expect(w.keyFiles(BOB)).toEqual([expect.stringContaining('client-bob')])
    expect(w.keyFiles(ALICE)).toEqual([])
    expect(w.row('client-bob')?.googleAccount?.email).toBe(BOB)
    expect(w.popups().map((p) => p.account)).toEqual([ALICE, BOB])
  })

  test("the same after Alice's flow on one adapter object was cancelled and Google answered late", async () => {
    const w = twoUsers()
    const wallet = adapterOverSwitchingClient(w.alice)
    let answer!: () => void
    const answered = new Promise<void>((resolve) => (answer = resolve))
    worker.use(http.post(gisEmulatorTokenUrl, () => answered.then(() => undefined), { once: true }))
    w.google.consent.next('approve', { account: ALICE })
    const view = render(w.app({ wallet: wallet.adapter }))
    await userEvent.click(await enabledButton(/Back up/))
    await expect.poll(() => w.popups()).toHaveLength(1)
    await userEvent.click(screen.getByRole('button', { name: 'Cancel' }))
    await expect.poll(() => w.errors.map((e) => e.code)).toEqual(['ABORTED'])

    wallet.switchTo(w.bob)
    view.rerender(w.app({ wallet: wallet.adapter }))
    answer()
    await expect.poll(() => w.popups()[0]?.outcome).toBe('approve')

    w.google.consent.next('approve', { account: BOB })
    await w.backUp()
    expect(w.keyFiles(BOB)).toEqual([expect.stringContaining('client-bob')])
    expect(w.keyFiles(ALICE)).toEqual([])
    expect(w.row('client-bob')?.googleAccount?.email).toBe(BOB)
  })

  test("Bob's popup never carries Alice's address as login_hint", async () => {
    // Tokens shorter-lived than the kit's 60 s margin are never reused: every backup asks Google again, and the
    // account the last backup used would pre-select the next popup.
    const w = twoUsers({ tokenLifetimeSeconds: 30 })
    w.google.consent.next('approve', { account: ALICE })
    const view = render(w.app({ wallet: portalAdapter(w.alice), clientId: 'client-alice' }))
    await w.backUp()
    w.google.consent.next('approve', { account: ALICE })
    await userEvent.click(await enabledButton(/Back up/))
    await expect.poll(() => w.popups()).toHaveLength(2)
    // Alice's own second popup pre-selects her account: the hint works for the same user.
    expect(w.popups()[1]?.overrides).toMatchObject({ login_hint: ALICE })
    await expect.element(screen.getByRole('button', { name: /Back up/ })).toHaveTextContent('Back up (success)')

    view.rerender(w.app({ wallet: portalAdapter(w.bob), clientId: 'client-bob' }))
    w.google.consent.next('approve', { account: BOB })
    await w.backUp()
    const bobs = w.popups()[2]
    expect(JSON.stringify(bobs?.overrides)).not.toContain(ALICE)
    expect(bobs).toMatchObject({ account: BOB, inUserEvent: true })
    expect(w.row('client-bob')?.googleAccount?.email).toBe(BOB)
  })

  test("with one adapter object whose Portal client becomes Bob's, Bob's popup never carries Alice's address either", async () => {
    const w = twoUsers({ tokenLifetimeSeconds: 30 })
    const wallet = adapterOverSwitchingClient(w.alice)
    w.google.consent.next('approve', { account: ALICE })
    const view = render(w.app({ wallet: wallet.adapter }))
    await w.backUp()
    expect(w.row('client-alice')?.googleAccount?.email).toBe(ALICE)

    // The page learns of the switch only when a flow reads the client id again, after the click has opened the
    // popup: so a popup opened in the click of an adapter-told client id carries no hint at all.
    wallet.switchTo(w.bob)
    view.rerender(w.app({ wallet: wallet.adapter }))
    // Two popups: the click's (bound to the client id the page knew, so its answer serves nobody once the run has
    // read Bob's) and Bob's own, opened after that read.
    w.google.consent.next('approve', { account: BOB })
    w.google.consent.next('approve', { account: BOB })
    await w.backUp()
    for (const popup of w.popups().slice(1)) expect(JSON.stringify(popup.overrides)).not.toContain(ALICE)
    expect(w.keyFiles(BOB)).toEqual([expect.stringContaining('client-bob')])
    expect(w.row('client-bob')?.googleAccount?.email).toBe(BOB)
  })
})
