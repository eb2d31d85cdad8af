import { cleanup, screen } from '@testing-library/react'
import axe from 'axe-core'
import { Component, createRef, type ReactNode } from 'react'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { userEvent } from 'vitest/browser'
import { BackupButton } from '../src/components/BackupButton.js'
import { BackupStatus } from '../src/components/BackupStatus.js'
import { WalletBackupProvider } from '../src/components/WalletBackupProvider.js'
import { portalAdapter } from '../src/adapters/portalAdapter.js'
import { keyFileName } from '../src/core/clients/driveKeyStore.js'
import type { GisRequestAccessTokenCall } from '../src/testing/index.js'
import {
  captureConsole,
  createBrowserWorld,
  enabledButton,
  exposedSurfaces,
  GOOGLE_CLIENT_ID,
  secretsOf,
  worker,
  type BrowserWorld,
} from './support/browserWorld.js'

beforeAll(() => worker.start({ quiet: true, onUnhandledRequest: 'error' }))
afterAll(() => worker.stop())
afterEach(() => cleanup())

const readyButton = () => enabledButton('Back up wallet')

function expectNoSecretIn(w: BrowserWorld, consoleLines: string[]) {
  const secrets = secretsOf(w)
  expect(secrets.length).toBeGreaterThan(0)
  const surfaces = { ...exposedSurfaces(w), console: consoleLines.join('\n') }
  for (const [where, text] of Object.entries(surfaces))
    for (const secret of secrets) expect(text.includes(secret), `a secret leaked into ${where}`).toBe(false)
}

describe('BackupButton in Chromium with the real @react-oauth/google', () => {
  test('one click: Google popup inside the click, key in Drive, cipherText on the server, wallet told, success shown', async () => {
    const w = createBrowserWorld()
    const console_ = captureConsole()
    try {
      w.mount(<BackupButton />)
      const button = await readyButton()
      await userEvent.click(button)
      await expect.element(button).toHaveTextContent('Wallet backed up')
      expect(button.getAttribute('data-state')).toBe('success')

      const popups = w.google.calls.filter((c): c is GisRequestAccessTokenCall => c.kind === 'requestAccessToken')
      expect(popups).toHaveLength(1)
      expect(popups[0]).toMatchObject({
        inUserEvent: true,
        eventType: 'click',
        scope: 'https://www.googleapis.com/auth/drive.appdata',
      })

      const [row] = w.share.rows()
      expect(row).toMatchObject({ clientId: w.clientId, backupMethod: 'PASSWORD' })
      expect(row!.cipherText.length).toBeGreaterThan(40)
      expect(w.wallet.notifications).toMatchObject([{ success: true, method: 'PASSWORD' }])

      // A second backup reuses the in-memory token: no second popup; still one current key file.
      await userEvent.click(button)
      await expect.poll(() => w.wallet.notifications.length).toBe(2)
      await expect.element(button).toHaveTextContent('Wallet backed up')
      expect(w.google.calls.filter((c) => c.kind === 'requestAccessToken')).toHaveLength(1)
      await expect.poll(() => w.google.files().length).toBe(1)
      expect(w.google.files()[0]!.name).toBe(keyFileName(w.clientId, String(w.share.rows()[0]!.keyVersion)))

      expectNoSecretIn(w, console_.lines)
    } finally {
      console_.restore()
    }
  })

  test('after a failure (server 500) the error is shown with its code, the wallet hears false, and no secret is left anywhere', async () => {
    const w = createBrowserWorld()
    const console_ = captureConsole()
    try {
      w.share.faults.set('share.post', { status: 500 })
      w.mount(<BackupButton />)
      const button = await readyButton()
      await userEvent.click(button)
      await expect.element(button).toHaveTextContent('Backup failed. Try again')
      expect(button.getAttribute('data-error-code')).toBe('SHARE_UPLOAD_FAILED')
      expect(screen.getByRole('status').textContent).toMatch(/server could not save the backup \(500\)/i)
      expect(w.wallet.notifications).toMatchObject([{ success: false }])

      // A retry after the fault clears succeeds.
      w.share.faults.clear()
      await userEvent.click(button)
      await expect.element(button).toHaveTextContent('Wallet backed up')
      expectNoSecretIn(w, console_.lines)
    } finally {
      console_.restore()
    }
  })

  test('a backup with the Google token already held never says it is waiting for Google', async () => {
    const w = createBrowserWorld()
    const steps: string[] = []
    w.mount(<BackupButton onStep={(step) => steps.push(step)} />)
    const button = await readyButton()
    await userEvent.click(button)
    await expect.element(button).toHaveAttribute('data-state', 'success')
    expect(steps[0]).toBe('authorizing')

    // Every state and label the button shows during the second backup, as it shows it.
    const shown: string[] = []
    const seen = new MutationObserver(() => shown.push(`${button.getAttribute('data-state')}: ${button.textContent}`))
    seen.observe(button, {
      attributes: true,
      attributeFilter: ['data-state'],
      childList: true,
      characterData: true,
      subtree: true,
    })
    steps.length = 0
    await userEvent.click(button)
    await expect.poll(() => w.wallet.notifications.length).toBe(2)
    await expect.element(button).toHaveAttribute('data-state', 'success')
    seen.disconnect()
    expect(w.google.calls.filter((c) => c.kind === 'requestAccessToken')).toHaveLength(1)
    expect(shown.filter((s) => s.startsWith('authorizing') || s.includes('Waiting for Google'))).toEqual([])
    expect(steps).not.toContain('authorizing')
    expect(steps.at(-1)).toBe('success')
  })

  test('offers a new backup while the status says another PASSWORD backup replaced ours; its secrets stay out', async () => {
    const w = createBrowserWorld()
    const console_ = captureConsole()
    try {
      w.mount(
        <>
          <BackupStatus />
          <BackupButton />
        </>,
      )
      const status = () => document.querySelector('[data-rmb="backup-status"]')
      const button = await readyButton()
      await userEvent.click(button)
      await expect.element(button).toHaveTextContent('Wallet backed up')
      await expect.poll(() => status()?.getAttribute('data-state')).toBe('backedUp')
      // The app backs up with a password of its own on the same client: Portal keeps that one, not the kit's.
      const made = await w.wallet.backupWallet('PASSWORD', undefined, {
        passwordStorage: { password: 'the user typed this' },
      })
      await made.storageCallback()
      await w.queryClient.invalidateQueries()
      await expect.poll(() => status()?.getAttribute('data-state')).toBe('superseded')
      expect(status()?.textContent).toBe('Replaced by another backup')
      // The label changes, the flow's state does not.
      await expect.element(button).toHaveTextContent('Back up again')
      expect(button.getAttribute('data-state')).toBe('success')
      expect(screen.getByRole('status').textContent).toBe('Back up again')
      await userEvent.click(button)
      await expect.element(button).toHaveTextContent('Wallet backed up')
      await expect.poll(() => status()?.getAttribute('data-state')).toBe('backedUp')
      expectNoSecretIn(w, console_.lines)
    } finally {
      console_.restore()
    }
  })

  test('two fast clicks produce one backup', async () => {
    const w = createBrowserWorld()
    w.mount(<BackupButton />)
    const button = await readyButton()
    await userEvent.dblClick(button)
    await expect.element(button).toHaveTextContent('Wallet backed up')
    await new Promise((r) => setTimeout(r, 200))
    expect(w.wallet.notifications).toHaveLength(1)
    // One backup: its upload, then the write naming the provider's backup it describes (same key version).
    const posts = w.share.requests.filter((r) => r.method === 'POST').map((r) => r.headers['idempotency-key'])
    expect(posts).toHaveLength(2)
    expect(posts[1]).toBe(`${posts[0]}:named`)
    expect(w.google.calls.filter((c) => c.kind === 'requestAccessToken')).toHaveLength(1)
  })

  test('unmounting mid-flow does not warn and the flow ends consistently (stored and told true)', async () => {
    const w = createBrowserWorld()
    const console_ = captureConsole()
    try {
      // The wallet's generate is held until the button has been unmounted mid-flow.
      let letGo!: () => void
      w.wallet.faults.backup = { until: new Promise<void>((r) => (letGo = r)), times: 1 }
      const view = w.mount(<BackupButton />)
      const button = await readyButton()
      await userEvent.click(button)
      await expect.element(button).toHaveTextContent('Encrypting backup…')
      view.unmount()
      letGo()
      await expect.poll(() => w.wallet.notifications.length, { timeout: 5000 }).toBe(1)
      expect(w.wallet.notifications[0]!.success).toBe(true)
      expect(w.share.rows()).toHaveLength(1)
      expect(console_.lines.filter((l) => /warn|error|act\(/i.test(l))).toEqual([])
    } finally {
      console_.restore()
    }
  })

  test('popup closed by the user -> GooglePopupClosed, and the wallet is never asked', async () => {
    const w = createBrowserWorld()
    w.google.consent.next('close')
    w.mount(<BackupButton />)
    const button = await readyButton()
    await userEvent.click(button)
    await expect.element(button).toHaveTextContent('Backup failed. Try again')
    expect(button.getAttribute('data-error-code')).toBe('GOOGLE_POPUP_CLOSED')
    expect(w.wallet.notifications).toHaveLength(0)
    expect(w.share.rows()).toHaveLength(0)
  })

  test('the user unticks the Drive scope -> GoogleScopeDenied before anything is generated', async () => {
    const w = createBrowserWorld()
    w.google.consent.next('dropScope')
    w.mount(<BackupButton />)
    const button = await readyButton()
    await userEvent.click(button)
    await expect.element(button).toHaveTextContent('Backup failed. Try again')
    expect(button.getAttribute('data-error-code')).toBe('GOOGLE_SCOPE_DENIED')
    expect(w.wallet.notifications).toHaveLength(0)
  })

  test('the browser blocks the popup -> GooglePopupBlocked', async () => {
    const w = createBrowserWorld()
    w.google.consent.next('popupBlocked')
    w.mount(<BackupButton />)
    const button = await readyButton()
    await userEvent.click(button)
    await expect.element(button).toHaveTextContent('Backup failed. Try again')
    expect(button.getAttribute('data-error-code')).toBe('GOOGLE_POPUP_BLOCKED')
  })
})

describe('BackupButton component API', () => {
  test('disabled with a reason until the Google script has loaded, then enabled', async () => {
    const w = createBrowserWorld()
    w.google.faults.set('gis.script', { delayMs: 400 })
    w.mount(<BackupButton />)
    const button = screen.getByRole('button')
    expect(button).toHaveProperty('disabled', true)
    expect(button.textContent).toBe('Loading Google sign-in…')
    expect(button.getAttribute('data-disabled-reason')).toBe('google-loading')
    expect(screen.getByRole('status').textContent).toBe('Loading Google sign-in…')
    await readyButton()
  })

  test('disabled with wallet-loading until the wallet SDK is ready (nothing asked of it before), then works', async () => {
    const w = createBrowserWorld({ wallet: { realistic: true, bootDelayMs: 'manual' } })
    w.mount(<BackupButton />)
    const button = screen.getByRole('button')
    // Google's script loads meanwhile (the reason changes when it has); the wallet is still booting.
    await expect.poll(() => button.getAttribute('data-disabled-reason'), { timeout: 5000 }).toBe('wallet-loading')
    expect(button).toHaveProperty('disabled', true)
    expect(button.textContent).toBe('Loading wallet…')
    expect(screen.getByRole('status').textContent).toBe('Loading wallet…')
    expect(w.wallet.dropped).toEqual([])
    w.wallet.boot()
    await readyButton()
    await userEvent.click(button)
    await expect.element(button).toHaveTextContent('Wallet backed up')
    expect(w.wallet.dropped).toEqual([])
  })

  test('without clientId, the provider reads it from the wallet once ready', async () => {
    const w = createBrowserWorld({ wallet: { realistic: true, bootDelayMs: 50 } })
    const { render } = await import('@testing-library/react')
    render(
      <WalletBackupProvider
        wallet={portalAdapter(w.wallet)}
        googleClientId={GOOGLE_CLIENT_ID}
        server={{ baseURL: '/api' }}
        queryClient={w.queryClient}
      >
        <BackupButton />
      </WalletBackupProvider>,
    )
    const button = await readyButton()
    await userEvent.click(button)
    await expect.element(button).toHaveTextContent('Wallet backed up')
    expect(w.share.rows()).toMatchObject([{ clientId: w.clientId }])
  })

  test('asChild renders the child element with our state, ref forwarded, props spread, user onClick first and able to cancel', async () => {
    const w = createBrowserWorld()
    const ref = createRef<HTMLButtonElement>()
    const clicks: string[] = []
    w.mount(
      <BackupButton
        asChild
        ref={ref}
        className="mine"
        data-testid="custom"
        labels={{ idle: 'Save my wallet' }}
        onClick={(e) => {
          clicks.push('user')
          e.preventDefault()
        }}
      >
        <button type="button" className="theirs">
          Save my wallet
        </button>
      </BackupButton>,
    )
    const button = await screen.findByTestId('custom')
    await expect.poll(() => (button as HTMLButtonElement).disabled, { timeout: 5000 }).toBe(false)
    expect(ref.current).toBe(button)
    expect(button.className).toBe('mine theirs')
    expect(button.getAttribute('data-state')).toBe('idle')
    await userEvent.click(button)
    expect(clicks).toEqual(['user'])
    // A flow opens Google's popup inside the click itself (the stand-in records it then), so none was started.
    expect(w.google.calls.filter((c) => c.kind === 'requestAccessToken')).toHaveLength(0)
    expect(button.getAttribute('data-state')).toBe('idle')
  })

  test('labels are overridable and announced in a polite live region; aria-busy while running', async () => {
    const w = createBrowserWorld()
    // The wallet's generate is held while the test reads the running state.
    let letGo!: () => void
    w.wallet.faults.backup = { until: new Promise<void>((r) => (letGo = r)), times: 1 }
    w.mount(<BackupButton labels={{ idle: 'Sauvegarder', generating: 'Chiffrement…', success: 'Sauvegardé' }} />)
    const button = await screen.findByRole('button', { name: 'Sauvegarder' })
    await expect.poll(() => (button as HTMLButtonElement).disabled, { timeout: 5000 }).toBe(false)
    await userEvent.click(button)
    await expect.element(button).toHaveTextContent('Chiffrement…')
    expect(button.getAttribute('aria-busy')).toBe('true')
    const status = screen.getByRole('status')
    expect(status.getAttribute('aria-live')).toBe('polite')
    expect(status.textContent).toBe('Chiffrement…')
    letGo()
    await expect.element(button).toHaveTextContent('Sauvegardé')
    expect(button.hasAttribute('aria-busy')).toBe(false)
  })

  test('has no axe violations when idle and after success', async () => {
    const w = createBrowserWorld()
    const view = w.mount(<BackupButton />)
    const button = await readyButton()
    const check = async () => (await axe.run(view.container)).violations.map((v) => v.id)
    expect(await check()).toEqual([])
    await userEvent.click(button)
    await expect.element(button).toHaveTextContent('Wallet backed up')
    expect(await check()).toEqual([])
  })
})

class Catch extends Component<{ children: ReactNode }, { error?: Error }> {
  override state: { error?: Error } = {}
  static getDerivedStateFromError(error: Error) {
    return { error }
  }
  override render() {
    return this.state.error ? <p role="alert">{this.state.error.message}</p> : this.props.children
  }
}

describe('WalletBackupProvider bad input fails at render naming the prop', () => {
  const wallet = () => portalAdapter(createBrowserWorld().wallet)
  // A wallet that cannot tell its client id (a custom adapter without getClientId): then the prop is required.
  const blind = () => ({ ...wallet(), getClientId: undefined })
  const cases: Array<[string, Record<string, unknown>]> = [
    ['clientId', { wallet: blind(), googleClientId: 'x', server: { baseURL: '/api' } }],
    ['googleClientId', { wallet: wallet(), clientId: 'c', server: { baseURL: '/api' } }],
    ['wallet', { googleClientId: 'x', clientId: 'c', server: { baseURL: '/api' } }],
  ]
  test.each(cases)('missing %s', async (prop, props) => {
    const console_ = captureConsole()
    try {
      const { render } = await import('@testing-library/react')
      render(
        <Catch>
          {/* @ts-expect-error deliberately missing a required prop */}
          <WalletBackupProvider {...props}>
            <BackupButton />
          </WalletBackupProvider>
        </Catch>,
      )
      const alert = await screen.findByRole('alert')
      expect(alert.textContent).toContain(`"${prop}"`)
      // Where to get it, not just that it is missing.
      if (prop === 'clientId') expect(alert.textContent).toContain('portal.getClient()')
    } finally {
      console_.restore()
    }
  })
})
