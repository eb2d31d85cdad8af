// Offline on purpose (issue 19): while the browser reports offline the buttons are disabled with a reason, a start
// from the hook fails at once with BrowserOffline, and a flow that loses the network mid-way ends with the typed
// error of its step, the wallet told `false` once. Back online, a click succeeds. Runs in the default project and,
// like the component tests, again inside a hostile host QueryClient (project browser-hostile).
import { cleanup, screen } from '@testing-library/react'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { userEvent } from 'vitest/browser'
import { BackupButton } from '../src/components/BackupButton.js'
import { BackupStatus } from '../src/components/BackupStatus.js'
import { RecoverButton } from '../src/components/RecoverButton.js'
import { useWalletBackup } from '../src/hooks/useWalletBackup.js'
import { createWalletEmulator } from '../src/testing/index.js'
import { createBrowserWorld, exposedSurfaces, secretsOf, worker, type BrowserWorld } from './support/browserWorld.js'
import { setOnline } from './support/setOnline.js'

beforeAll(() => worker.start({ quiet: true, onUnhandledRequest: 'error' }))
afterAll(() => worker.stop())
afterEach(() => {
  cleanup()
  setOnline(true)
})

const state = () => document.querySelector('button')?.getAttribute('data-state')
const waitStep = (step: string) => expect.poll(state, { timeout: 5000 }).toBe(step)

async function backUpOnce(w: BrowserWorld) {
  const view = w.mount(<BackupButton />)
  const button = await screen.findByRole('button', { name: 'Back up wallet' })
  await expect.poll(() => (button as HTMLButtonElement).disabled, { timeout: 5000 }).toBe(false)
  await userEvent.click(button)
  await expect.element(button).toHaveTextContent('Wallet backed up')
  view.unmount()
}

function expectNoSecretExposed(w: BrowserWorld) {
  const surfaces = exposedSurfaces(w)
  for (const secret of secretsOf(w))
    for (const [where, text] of Object.entries(surfaces))
      expect(text.includes(secret), `a secret reached ${where}`).toBe(false)
}

describe('offline before the click', () => {
  test('the buttons are disabled with data-disabled-reason="offline" and say so; back online a click backs up', async () => {
    const w = createBrowserWorld()
    w.mount(
      <>
        <BackupButton />
        <RecoverButton />
      </>,
    )
    const backup = await screen.findByRole('button', { name: 'Back up wallet' })
    await expect.poll(() => (backup as HTMLButtonElement).disabled, { timeout: 5000 }).toBe(false)

    setOnline(false)
    await expect.element(backup).toHaveTextContent('Offline: connect to back up')
    expect(backup.getAttribute('data-disabled-reason')).toBe('offline')
    expect((backup as HTMLButtonElement).disabled).toBe(true)
    const recover = screen.getByRole('button', { name: 'Offline: connect to recover' })
    expect(recover.getAttribute('data-disabled-reason')).toBe('offline')
    // The live region says it too, for screen readers.
    expect(screen.getAllByRole('status').map((s) => s.textContent)).toContain('Offline: connect to back up')
    expect(w.google.calls.filter((c) => c.kind === 'requestAccessToken')).toHaveLength(0)

    setOnline(true)
    await expect.element(backup).toHaveTextContent('Back up wallet')
    expect(backup.getAttribute('data-disabled-reason')).toBeNull()
    await userEvent.click(backup)
    await expect.element(backup).toHaveTextContent('Wallet backed up')
    expect(w.wallet.notifications).toMatchObject([{ success: true }])
  })

  test('a start from the hook while offline fails at once with BrowserOffline: no popup, nothing generated, nothing sent', async () => {
    const w = createBrowserWorld()
    let flow: ReturnType<typeof useWalletBackup> | undefined
    function Probe() {
      flow = useWalletBackup()
      return (
        <button type="button" onClick={flow.backup} data-state={flow.step} data-online={String(flow.isOnline)}>
          run
        </button>
      )
    }
    w.mount(<Probe />)
    await expect.poll(() => flow?.isReady, { timeout: 5000 }).toBe(true)
    setOnline(false)
    await expect.poll(() => document.querySelector('button')?.getAttribute('data-online')).toBe('false')
    // The app's own button is not disabled: the click reaches the hook.
    await userEvent.click(screen.getByRole('button', { name: 'run' }))
    await waitStep('error')
    expect(flow!.error).toMatchObject({ name: 'BrowserOffline', code: 'BROWSER_OFFLINE' })
    expect(w.google.calls.filter((c) => c.kind === 'requestAccessToken')).toHaveLength(0)
    expect(w.wallet.notifications).toHaveLength(0)
    expect(w.share.requests).toHaveLength(0)

    setOnline(true)
    await userEvent.click(screen.getByRole('button', { name: 'run' }))
    await waitStep('success')
    expect(w.wallet.notifications).toMatchObject([{ success: true }])
  })

  test('<BackupStatus> started offline says offline instead of "checking" forever, and checks once back online', async () => {
    const w = createBrowserWorld()
    // The app is open when the connection drops (TanStack learns it from the `offline` event, as browsers send it),
    // then the user opens the view with the status.
    w.mount(<BackupButton />)
    await screen.findByRole('button', { name: 'Back up wallet' })
    setOnline(false)
    await screen.findByRole('button', { name: 'Offline: connect to back up' })
    w.mount(<BackupStatus />)
    await expect.poll(() => document.querySelector('span[data-state]')?.getAttribute('data-state')).toBe('offline')
    expect(screen.getByText('Offline: backup status unknown')).toBeTruthy()
    expect(w.share.requests).toHaveLength(0)
    setOnline(true)
    await expect.poll(() => document.querySelector('span[data-state]')?.getAttribute('data-state')).toBe('none')
  })
})

type MidFlowCase = {
  name: string
  flow: 'backup' | 'recovery'
  /** The connection drops as this step starts (from the button's onStep, before the step sends anything). */
  step: string
  /** What losing the network does to the requests still to come. */
  cut: (w: BrowserWorld) => void
  code: string
  generated: boolean
}

const midFlow: MidFlowCase[] = [
  {
    name: 'backup loses the network as the wallet generates -> the Drive write fails typed',
    flow: 'backup',
    step: 'generating',
    cut: (w) => {
      w.google.faults.set('drive.list', { networkError: true })
      w.google.faults.set('drive.create', { networkError: true })
      w.share.faults.set('share.post', { networkError: true })
    },
    code: 'DRIVE_UNAVAILABLE',
    generated: true,
  },
  {
    name: 'backup loses the network as it stores -> the upload fails typed',
    flow: 'backup',
    step: 'storing',
    cut: (w) => w.share.faults.set('share.post', { networkError: true }),
    code: 'SHARE_UPLOAD_FAILED',
    generated: true,
  },
  {
    name: 'recovery loses the network as it reads -> the share fetch fails typed',
    flow: 'recovery',
    step: 'reading',
    cut: (w) => w.share.faults.set('share.get', { networkError: true }),
    code: 'SHARE_FETCH_FAILED',
    generated: false,
  },
]

describe('offline during a step', () => {
  test.each(midFlow.map((c) => [c.name, c] as const))(
    '%s; the wallet hears false once iff a share exists; back online a click succeeds',
    async (_, c) => {
      const w = createBrowserWorld()
      await backUpOnce(w)
      const device = c.flow === 'backup' ? w.wallet : createWalletEmulator({ clientId: w.clientId, backend: w.backend })
      const falsesBefore = device.notifications.filter((n) => !n.success).length
      const Button = c.flow === 'backup' ? BackupButton : RecoverButton
      const idle = c.flow === 'backup' ? 'Back up wallet' : 'Recover wallet'
      const dropAt = (step: string) => {
        if (step !== c.step) return
        c.cut(w)
        setOnline(false)
      }
      const view = w.mount(<Button onStep={dropAt} />, { wallet: device })
      const button = await screen.findByRole('button', { name: idle })
      await expect.poll(() => (button as HTMLButtonElement).disabled, { timeout: 5000 }).toBe(false)

      await userEvent.click(button)
      await waitStep('error')
      expect(button.getAttribute('data-error-code')).toBe(c.code)
      // Offline and failed: the button says offline rather than offering a retry that cannot work yet.
      expect(button.getAttribute('data-disabled-reason')).toBe('offline')
      const falses = device.notifications.filter((n) => !n.success).length - falsesBefore
      expect(falses, 'times the wallet heard false').toBe(c.generated ? 1 : 0)

      w.google.faults.clear()
      w.share.faults.clear()
      setOnline(true)
      view.unmount()
      w.mount(<Button />, { wallet: device })
      const again = await screen.findByRole('button', { name: idle })
      await expect.poll(() => (again as HTMLButtonElement).disabled, { timeout: 5000 }).toBe(false)
      await userEvent.click(again)
      await waitStep('success')
      expectNoSecretExposed(w)
    },
  )
})
