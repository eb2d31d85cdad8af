// Every word in the user's language (issue #29): each locale pack given to <WalletBackupProvider messages>, and every
// state of the buttons, the status and the reminder reached for real (emulators held at each step); no string of the
// page (text nodes, so the live regions too, aria-label, title) may be an English default. A single-string override
// shows, the rest keeps the pack; a component's `labels` prop wins over `messages`.
import { cleanup, screen } from '@testing-library/react'
import { http } from 'msw'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { userEvent } from 'vitest/browser'
import { BackupButton } from '../src/components/BackupButton.js'
import { BackupReminder } from '../src/components/BackupReminder.js'
import { BackupStatus } from '../src/components/BackupStatus.js'
import type { Messages, MessageText } from '../src/components/messages.js'
import { RecoverButton } from '../src/components/RecoverButton.js'
import type { ErrorFacts } from '../src/core/errors/errors.js'
import { ar } from '../src/locales/ar.js'
import { de } from '../src/locales/de.js'
import { en } from '../src/locales/en.js'
import { es } from '../src/locales/es.js'
import { fr } from '../src/locales/fr.js'
import { ja } from '../src/locales/ja.js'
import { ptBR } from '../src/locales/pt-BR.js'
import { createWalletEmulator, gisStandInUrl } from '../src/testing/index.js'
import { type BrowserWorld, createBrowserWorld, worker } from './support/browserWorld.js'

beforeAll(() => worker.start({ quiet: true, onUnhandledRequest: 'error' }))
afterAll(() => worker.stop())
afterEach(() => {
  cleanup()
  setOffline(false)
})

const packs: Array<[string, Messages]> = [
  ['es', es],
  ['de', de],
  ['fr', fr],
  ['ja', ja],
  ['pt-BR', ptBR],
  ['ar', ar],
]

/** Words a translation rightly keeps as in English (none needed so far: every English text is a sentence or phrase). */
const sameAsEnglish: Record<string, string[]> = { es: [], de: [], fr: [], ja: [], 'pt-BR': [], ar: [] }

const say = (text: MessageText, facts: ErrorFacts, step?: 'read' | 'store' | 'erase') =>
  typeof text === 'function' ? text(facts, step) : text

/** Every English text: the labels, and each error text for facts of every shape it reads. */
const english = new Set<string>()
for (const texts of Object.values(en))
  for (const text of Object.values(texts as Record<string, MessageText>))
    for (const facts of [
      {},
      { status: 500 },
      { status: 403 },
      { reason: 'timeout' },
      { reason: 'network' },
      { reason: 'precondition_failed' },
      { reason: 'other_account', expectedAccount: 'u***@example.com' },
    ])
      for (const step of ['read', 'store', 'erase'] as const) english.add(say(text, facts, step))

/** The page's strings: every text node (the live regions included), aria-label and title. */
function pageStrings(): string[] {
  const strings: string[] = []
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT)
  while (walker.nextNode()) {
    const text = walker.currentNode.textContent?.trim()
    if (text) strings.push(text)
  }
  for (const el of document.body.querySelectorAll('[aria-label], [title]'))
    for (const attr of ['aria-label', 'title']) {
      const value = el.getAttribute(attr)?.trim()
      if (value) strings.push(value)
    }
  return strings
}

/** No string of the page, nor either side of an announcement's "label: error", is an English default. */
function expectNoEnglish(locale: string, where: string) {
  const strings = pageStrings()
  expect(strings.length, `${locale} ${where}: the page shows something`).toBeGreaterThan(0)
  const found = strings
    .flatMap((s) => [s, ...s.split(/\s?: /)])
    .filter((s) => english.has(s) && !sameAsEnglish[locale]?.includes(s))
  expect(found, `${locale} ${where}: English on the page`).toEqual([])
}

const rmb = (name: string) => document.querySelector<HTMLElement>(`[data-rmb="${name}"]`)
const stateOf = (name: string) => () => rmb(name)?.getAttribute('data-state')
const backupButton = () => rmb('backup-button') as HTMLButtonElement
const recoverButton = () => rmb('recover-button') as HTMLButtonElement
const liveRegionOf = (b: HTMLElement) => document.getElementById(b.getAttribute('aria-describedby') ?? '')?.textContent

function setOffline(offline: boolean) {
  if (offline) Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => false })
  else delete (navigator as { onLine?: boolean }).onLine
  window.dispatchEvent(new Event(offline ? 'offline' : 'online'))
}

function gate() {
  let release = () => {}
  const until = new Promise<void>((resolve) => (release = resolve))
  return { until, release }
}

/** Holds every request for Google's script until released. */
function holdGoogleScript(): () => void {
  const { until, release } = gate()
  worker.use(http.get(gisStandInUrl, async () => void (await until)))
  return release
}

/** The whole kit on one page: the status, both buttons and the reminder (with an empty call to action). */
function Kit() {
  return (
    <>
      <BackupStatus />
      <BackupButton />
      <RecoverButton />
      <BackupReminder>
        <span />
      </BackupReminder>
    </>
  )
}

async function enabled(b: () => HTMLButtonElement) {
  await expect.poll(() => b()?.disabled, { timeout: 5000 }).toBe(false)
  return b()
}

/** A backup made on device A, so a fresh device can recover from it. */
async function backedUp(w: BrowserWorld) {
  const view = w.mount(<BackupButton />)
  await userEvent.click(await enabled(backupButton))
  await expect.poll(stateOf('backup-button'), { timeout: 5000 }).toBe('success')
  view.unmount()
}

describe.each(packs)('locale %s: no English anywhere', (locale, pack) => {
  test('loading: the wallet, then Google (status checking), then Google unavailable', async () => {
    const w = createBrowserWorld({ wallet: { realistic: true, bootDelayMs: 'manual' } })
    const release = holdGoogleScript()
    try {
      w.mount(<Kit />, { messages: pack })
      await expect.poll(() => backupButton().getAttribute('data-disabled-reason')).toBe('wallet-loading')
      expect(backupButton().textContent).toBe(pack.backupButton.walletLoading)
      expect(recoverButton().textContent).toBe(pack.recoverButton.walletLoading)
      expect(rmb('backup-status')?.textContent).toBe(pack.backupStatus.loading)
      expectNoEnglish(locale, 'wallet loading')
      w.wallet.boot()
      await expect.poll(() => backupButton().getAttribute('data-disabled-reason')).toBe('google-loading')
      expect(backupButton().textContent).toBe(pack.backupButton.loading)
      expectNoEnglish(locale, 'Google loading')
    } finally {
      release()
    }
    cleanup()
    const later = createBrowserWorld()
    const unavailable = holdGoogleScript()
    try {
      later.mount(<Kit />, { messages: pack, googleScriptTimeoutMs: 300 })
      await expect
        .poll(() => backupButton().getAttribute('data-error-code'), { timeout: 5000 })
        .toBe('GOOGLE_SCRIPT_UNAVAILABLE')
      expect(backupButton().textContent).toBe(pack.backupButton.unavailable)
      expect(liveRegionOf(recoverButton())).toBe(
        `${pack.recoverButton.unavailable}: ${say(pack.errors.GOOGLE_SCRIPT_UNAVAILABLE, { reason: 'timeout' })}`,
      )
      expectNoEnglish(locale, 'Google unavailable')
    } finally {
      unavailable()
    }
  })

  test('idle, offline, each backup step, success, superseded, then an error', async () => {
    const w = createBrowserWorld()
    w.mount(<Kit />, { messages: pack })
    await enabled(backupButton)
    await expect.poll(stateOf('backup-status'), { timeout: 5000 }).toBe('none')
    await expect.poll(() => rmb('backup-reminder')?.getAttribute('data-reason'), { timeout: 5000 }).toBe('none')
    expect(backupButton().textContent).toBe(pack.backupButton.idle)
    expect(rmb('backup-reminder-later')?.textContent).toBe(pack.backupReminder.later)
    expectNoEnglish(locale, 'idle, not backed up')
    setOffline(true)
    await expect.poll(() => backupButton().getAttribute('data-disabled-reason')).toBe('offline')
    expect(recoverButton().textContent).toBe(pack.recoverButton.offline)
    expectNoEnglish(locale, 'offline')
    setOffline(false)
    const steps = { authorizing: gate(), generating: gate(), storing: gate(), notifying: gate() }
    w.google.faults.set('gis.token', { until: steps.authorizing.until }, { times: 1 })
    w.wallet.faults.backup = { until: steps.generating.until, times: 1 }
    w.share.faults.set('share.post', { until: steps.storing.until }, { times: 1 })
    w.wallet.faults.notify = { until: steps.notifying.until, times: 1 }
    await userEvent.click(await enabled(backupButton))
    for (const [step, { release }] of Object.entries(steps)) {
      await expect.poll(stateOf('backup-button'), { timeout: 5000 }).toBe(step)
      expect(backupButton().textContent).toBe(pack.backupButton[step as keyof typeof steps])
      expectNoEnglish(locale, step)
      release()
    }
    await expect.poll(stateOf('backup-button'), { timeout: 5000 }).toBe('success')
    await expect.poll(stateOf('backup-status'), { timeout: 5000 }).toBe('backedUp')
    expect(backupButton().textContent).toBe(pack.backupButton.success)
    expectNoEnglish(locale, 'success, backed up')
    // The app backs up with its own password: the status says superseded, the button offers a new backup.
    const made = await w.wallet.backupWallet('PASSWORD', undefined, { passwordStorage: { password: 'app-owned' } })
    await made.storageCallback()
    await w.queryClient.invalidateQueries()
    await expect.poll(stateOf('backup-status'), { timeout: 5000 }).toBe('superseded')
    await expect.poll(() => backupButton().textContent).toBe(pack.backupButton.superseded)
    await expect.poll(() => rmb('backup-reminder')?.getAttribute('data-reason')).toBe('superseded')
    expectNoEnglish(locale, 'superseded')
    w.share.faults.set('share.post', { status: 500 })
    await userEvent.click(backupButton())
    await expect.poll(stateOf('backup-button'), { timeout: 5000 }).toBe('error')
    expect(backupButton().getAttribute('data-error-code')).toBe('SHARE_UPLOAD_FAILED')
    expect(liveRegionOf(backupButton())).toBe(
      `${pack.backupButton.error}: ${say(pack.errors.SHARE_UPLOAD_FAILED, { status: 500 })}`,
    )
    expectNoEnglish(locale, 'error')
  })

  test('each recovery step on a new device, success, then an error', async () => {
    const w = createBrowserWorld()
    await backedUp(w)
    const device = createWalletEmulator({ clientId: w.clientId, backend: w.backend })
    const steps = {
      authorizing: gate(),
      reading: gate(),
      recovering: gate(),
      generating: gate(),
      storing: gate(),
      notifying: gate(),
    }
    w.google.faults.set('gis.token', { until: steps.authorizing.until }, { times: 1 })
    w.share.faults.set('share.get', { until: steps.reading.until }, { times: 1 })
    device.faults.recover = { until: steps.recovering.until, times: 1 }
    device.faults.backup = { until: steps.generating.until, times: 1 }
    w.share.faults.set('share.post', { until: steps.storing.until }, { times: 1 })
    device.faults.notify = { until: steps.notifying.until, times: 1 }
    w.mount(<RecoverButton />, { wallet: device, messages: pack })
    await userEvent.click(await enabled(recoverButton))
    for (const [step, { release }] of Object.entries(steps)) {
      await expect.poll(stateOf('recover-button'), { timeout: 5000 }).toBe(step)
      expect(recoverButton().textContent).toBe(pack.recoverButton[step as keyof typeof steps])
      expectNoEnglish(locale, `recovery ${step}`)
      release()
    }
    await expect.poll(stateOf('recover-button'), { timeout: 5000 }).toBe('success')
    expectNoEnglish(locale, 'recovered')
    w.share.faults.set('share.get', { status: 403 })
    await userEvent.click(recoverButton())
    await expect.poll(stateOf('recover-button'), { timeout: 5000 }).toBe('error')
    expect(liveRegionOf(recoverButton())).toBe(
      `${pack.recoverButton.error}: ${say(pack.errors.SHARE_UNAUTHORIZED, { status: 403 }, 'read')}`,
    )
    expectNoEnglish(locale, 'recovery error')
  })

  test('the status and the reminder: partial, unavailable, offline, stale', async () => {
    const w = createBrowserWorld()
    w.share.putRow({ clientId: w.clientId, backupMethod: 'PASSWORD', cipherText: 'c'.repeat(64), keyVersion: 'v1' })
    w.mount(<Kit />, { messages: pack })
    await expect.poll(stateOf('backup-status'), { timeout: 5000 }).toBe('partial')
    await expect.poll(() => rmb('backup-reminder')?.getAttribute('data-reason'), { timeout: 5000 }).toBe('partial')
    expectNoEnglish(locale, 'partial')
    cleanup()
    const failing = createBrowserWorld()
    failing.share.faults.set('share.get', { status: 500 })
    failing.mount(<BackupStatus />, { messages: pack })
    await expect.poll(stateOf('backup-status'), { timeout: 5000 }).toBe('error')
    expectNoEnglish(locale, 'status unavailable')
    cleanup()
    // TanStack hears the connection drop while the app is open (its QueryClient mounted), then the status mounts.
    const offline = createBrowserWorld()
    offline.mount(<BackupButton />, { messages: pack })
    await enabled(backupButton)
    setOffline(true)
    await expect.poll(() => backupButton().getAttribute('data-disabled-reason')).toBe('offline')
    offline.mount(<BackupStatus />, { messages: pack })
    await expect.poll(stateOf('backup-status'), { timeout: 5000 }).toBe('offline')
    expectNoEnglish(locale, 'status offline')
    setOffline(false)
    cleanup()
    const old = createBrowserWorld()
    const view = old.mount(<BackupButton />)
    await userEvent.click(await enabled(backupButton))
    await expect.poll(stateOf('backup-button'), { timeout: 5000 }).toBe('success')
    view.unmount()
    const later = Date.now() + 31 * 86_400_000
    old.mount(
      <BackupReminder maxAgeMs={30 * 86_400_000} now={() => later}>
        <span />
      </BackupReminder>,
      { messages: pack },
    )
    await expect.poll(() => rmb('backup-reminder')?.getAttribute('data-reason'), { timeout: 5000 }).toBe('stale')
    expect(rmb('backup-reminder-message')?.textContent).toBe(pack.backupReminder.stale)
    expectNoEnglish(locale, 'stale')
  })
})

describe('overrides', () => {
  test("one string of a pack overridden: it shows, every other string keeps the pack's", async () => {
    const messages = { ...de, backupButton: { ...de.backupButton, idle: 'Jetzt sichern' } }
    const w = createBrowserWorld()
    w.mount(<Kit />, { messages })
    await enabled(backupButton)
    await expect.poll(stateOf('backup-status'), { timeout: 5000 }).toBe('none')
    expect(backupButton().textContent).toBe('Jetzt sichern')
    expect(liveRegionOf(backupButton())).toBe('Jetzt sichern')
    expect(recoverButton().textContent).toBe(de.recoverButton.idle)
    expect(rmb('backup-status')?.textContent).toBe(de.backupStatus.none)
    expect(rmb('backup-reminder-message')?.textContent).toBe(de.backupReminder.none)
    expectNoEnglish('de', 'one override')
  })

  test('a partial messages object: the given strings and error texts show, the rest stays English', async () => {
    const w = createBrowserWorld()
    w.share.faults.set('share.post', { status: 503 })
    w.mount(<BackupButton />, {
      messages: {
        backupButton: { error: 'Oops' },
        errors: { SHARE_UPLOAD_FAILED: ({ status }) => `the server said ${status}` },
      },
    })
    const b = await enabled(backupButton)
    expect(b.textContent).toBe(en.backupButton.idle)
    await userEvent.click(b)
    await expect.poll(stateOf('backup-button'), { timeout: 5000 }).toBe('error')
    expect(b.textContent).toBe('Oops')
    expect(liveRegionOf(b)).toBe('Oops: the server said 503')
  })

  test('an error code the app gave no text for says its own (English) short message', async () => {
    const w = createBrowserWorld()
    w.share.faults.set('share.post', { status: 500 })
    w.mount(<BackupButton />, { messages: { errors: { WALLET_BUSY: 'Ocupada' } } })
    await userEvent.click(await enabled(backupButton))
    await expect.poll(stateOf('backup-button'), { timeout: 5000 }).toBe('error')
    expect(liveRegionOf(backupButton())).toBe(`${en.backupButton.error}: Server could not save the backup (500).`)
  })

  test('a labels prop wins over messages', async () => {
    const w = createBrowserWorld()
    w.mount(
      <>
        <BackupStatus labels={{ none: 'Nada' }} />
        <BackupButton labels={{ idle: 'Respaldar ya' }} />
      </>,
      { messages: es },
    )
    const b = await enabled(backupButton)
    expect(b.textContent).toBe('Respaldar ya')
    await expect.poll(stateOf('backup-status'), { timeout: 5000 }).toBe('none')
    expect(rmb('backup-status')?.textContent).toBe('Nada')
    expect(screen.getAllByRole('status').map((s) => s.textContent)).toContain('Respaldar ya')
  })
})
