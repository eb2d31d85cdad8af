// The kit without react-mpc-backup/styles.css (this file never imports it): every state renders the DOM it rendered
// before the stylesheet existed, plus one attribute.
//
// Why `data-rmb` is the only addition: the stylesheet keys on what the components already rendered (data-state,
// aria-busy, data-disabled-reason, data-error-code, the live region right after the button), and needs one more hook
// only to know *which* component an element is, so it never styles an app's own [data-state] elements. Everything
// else it does (spinner, icons, showing the error message) is CSS on those existing attributes.
//
// The expected markup (support/unstyledDom.expected.json) was serialized from the components at 37dab29, the commit
// before `data-rmb` (the offline state, added later by issue 19, from main at a611c26, also before `data-rmb`; ids
// normalized, since useId values depend on render order). The test removes exactly the `data-rmb` attribute, checks
// its value, and compares the rest character for character.
import { QueryClient } from '@tanstack/react-query'
import { cleanup, render } from '@testing-library/react'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { userEvent } from 'vitest/browser'
import { portalAdapter } from '../src/adapters/portalAdapter.js'
import { BackupButton } from '../src/components/BackupButton.js'
import { BackupStatus } from '../src/components/BackupStatus.js'
import { RecoverButton } from '../src/components/RecoverButton.js'
import { WalletBackupProvider } from '../src/components/WalletBackupProvider.js'
import { createWalletEmulator } from '../src/testing/index.js'
import { type BrowserWorld, createBrowserWorld, GOOGLE_CLIENT_ID, worker } from './support/browserWorld.js'
import { setOnline } from './support/setOnline.js'
import expected from './support/unstyledDom.expected.json'

beforeAll(() => worker.start({ quiet: true, onUnhandledRequest: 'error' }))
afterAll(() => worker.stop())
afterEach(() => cleanup())

/** A part's markup with React's generated ids replaced by stable names (first seen = id-1, ...). */
function serialize(part: Element): string {
  const ids = new Map<string, string>()
  return part.innerHTML.replace(/ (id|aria-describedby)="([^"]*)"/g, (_, name: string, value: string) => {
    if (!ids.has(value)) ids.set(value, `id-${ids.size + 1}`)
    return ` ${name}="${ids.get(value)}"`
  })
}

/**
 * Records each distinct state a part goes through (keyed by data-state and data-disabled-reason) with its markup,
 * from every DOM change while the flow runs: React commits a state in one task, so each state is seen whole.
 */
function recordStates(testId: string, component: string) {
  const states = new Map<string, string>()
  const waiting = new Map<string, () => void>()
  const take = () => {
    const part = document.querySelector(`[data-testid="${testId}"]`)
    const el = part?.firstElementChild
    if (!part || !el) return
    const reason = el.getAttribute('data-disabled-reason')
    const key = `${el.getAttribute('data-state')}${reason ? `/${reason}` : ''}`
    // The one addition: present, with this component's name; then removed for the comparison.
    expect(el.getAttribute('data-rmb'), key).toBe(component)
    const copy = part.cloneNode(true) as Element
    copy.firstElementChild!.removeAttribute('data-rmb')
    states.set(key, serialize(copy))
    waiting.get(key)?.()
  }
  const observer = new MutationObserver(take)
  observer.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true })
  return {
    states,
    /**
     * Settles once the part has been seen in that state: armed as an `{ until }` fault on the call that state waits
     * for, it holds the call until the state is recorded, so no state is skipped however slow the machine.
     */
    reached: (key: string) =>
      states.has(key) ? Promise.resolve() : new Promise<void>((resolve) => waiting.set(key, resolve)),
    stop: () => {
      take()
      observer.disconnect()
      return Object.fromEntries(states)
    },
  }
}

const { error: backupErrorExpected, ...backupExpected } = expected.backup

/** BackupButton and BackupStatus side by side; answers once the button is enabled. */
async function mountBackupAndStatus(w: BrowserWorld) {
  const view = w.mount(
    <>
      <div data-testid="backup">
        <BackupButton />
      </div>
      <div data-testid="status">
        <BackupStatus />
      </div>
    </>,
  )
  const el = document.querySelector('[data-testid="backup"] button') as HTMLButtonElement
  await expect.poll(() => el.disabled, { timeout: 5000 }).toBe(false)
  return { view, el }
}

describe('without the stylesheet, the components render what they rendered before it existed (plus data-rmb)', () => {
  test('BackupButton and BackupStatus in every state of a backup; RecoverButton in every state of a recovery', async () => {
    const w = createBrowserWorld()
    const button = recordStates('backup', 'backup-button')
    const status = recordStates('status', 'backup-status')
    // Each step's call is held until the button has been seen in that step.
    w.google.faults.set('gis.script', { until: button.reached('idle/google-loading') }, { times: 1 })
    w.google.faults.set('gis.token', { until: button.reached('authorizing') }, { times: 1 })
    w.wallet.faults.backup = { until: button.reached('generating'), times: 1 }
    w.share.faults.set('share.post', { until: button.reached('storing') }, { times: 1 })
    w.wallet.faults.notify = { until: button.reached('notifying'), times: 1 }
    const { view, el } = await mountBackupAndStatus(w)
    await userEvent.click(el)
    await expect.poll(() => el.getAttribute('data-state'), { timeout: 5000 }).toBe('success')
    await expect.poll(() => status.states.has('backedUp'), { timeout: 5000 }).toBe(true)
    const backupSeen = button.stop()
    const statusSeen = status.stop()
    view.unmount()

    // Recovery on a fresh device of the same wallet, from the backup just made.
    const device = createWalletEmulator({ clientId: w.clientId, backend: w.backend, createWallet: false })
    const recover = recordStates('recover', 'recover-button')
    w.google.faults.set('gis.script', { until: recover.reached('idle/google-loading') }, { times: 1 })
    w.google.faults.set('gis.token', { until: recover.reached('authorizing') }, { times: 1 })
    w.share.faults.set('share.get', { until: recover.reached('reading') }, { times: 1 })
    device.faults.recover = { until: recover.reached('recovering'), times: 1 }
    device.faults.backup = { until: recover.reached('generating'), times: 1 }
    w.share.faults.set('share.post', { until: recover.reached('storing') }, { times: 1 })
    device.faults.notify = { until: recover.reached('notifying'), times: 1 }
    render(
      <WalletBackupProvider
        wallet={portalAdapter(device)}
        googleClientId={GOOGLE_CLIENT_ID}
        server={{ baseURL: '/api' }}
        clientId={w.clientId}
        queryClient={new QueryClient()}
      >
        <div data-testid="recover">
          <RecoverButton />
        </div>
      </WalletBackupProvider>,
    )
    const rb = document.querySelector('[data-testid="recover"] button') as HTMLButtonElement
    await expect.poll(() => rb.disabled, { timeout: 5000 }).toBe(false)
    await userEvent.click(rb)
    await expect.poll(() => rb.getAttribute('data-state'), { timeout: 5000 }).toBe('success')
    const recoverSeen = recover.stop()

    expect(backupSeen).toEqual(backupExpected)
    expect(statusSeen).toEqual(expected.status)
    expect(recoverSeen).toEqual(expected.recover)
  })

  test('BackupButton after a failure: the error code on the button, the short message in the live region', async () => {
    const w = createBrowserWorld()
    w.share.faults.set('share.post', { status: 500 })
    const button = recordStates('backup', 'backup-button')
    w.mount(
      <div data-testid="backup">
        <BackupButton />
      </div>,
    )
    const el = document.querySelector('[data-testid="backup"] button') as HTMLButtonElement
    await expect.poll(() => el.disabled, { timeout: 5000 }).toBe(false)
    await userEvent.click(el)
    await expect.poll(() => el.getAttribute('data-state'), { timeout: 5000 }).toBe('error')
    const seen = button.stop()
    expect(seen.error).toBe(backupErrorExpected)
  })

  test('BackupButton and BackupStatus while the browser is offline (issue 19; markup of main at a611c26)', async () => {
    const w = createBrowserWorld()
    const button = recordStates('backup', 'backup-button')
    const status = recordStates('status', 'backup-status')
    const { el } = await mountBackupAndStatus(w)
    await expect.poll(() => status.states.has('none'), { timeout: 5000 }).toBe(true)
    try {
      setOnline(false)
      await expect.poll(() => el.getAttribute('data-disabled-reason'), { timeout: 5000 }).toBe('offline')
    } finally {
      setOnline(true)
    }
    const seen = button.stop()
    expect({ 'idle/offline': seen['idle/offline'] }).toEqual(expected.offline)
    status.stop()
  })
})
