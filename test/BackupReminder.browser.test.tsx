// <BackupReminder> in Chromium against the kit's emulators: shown while the status asks for a backup (none, partial,
// superseded, stale), gone once a backup is confirmed (no reload), "Later" remembered across a new render with the
// same storage, and web storage holding nothing but one timestamp under a hashed key after every step.
import { QueryClient } from '@tanstack/react-query'
import { act, cleanup, screen } from '@testing-library/react'
import axe from 'axe-core'
import { createRef } from 'react'
import { hydrateRoot } from 'react-dom/client'
import { renderToString } from 'react-dom/server'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { userEvent } from 'vitest/browser'
import { BackupReminder, defaultReminderLabels } from '../src/components/BackupReminder.js'
import { BackupStatus } from '../src/components/BackupStatus.js'
import { WalletBackupProvider } from '../src/components/WalletBackupProvider.js'
import { portalAdapter } from '../src/adapters/portalAdapter.js'
import type { GetBackupStatusReturnType } from '../src/core/actions/getBackupStatus.js'
import { backupKeys } from '../src/core/query/backupKeys.js'
import { reminderSnooze } from '../src/core/reminder/reminderSnooze.js'
import type { ReminderStorage } from '../src/core/reminder/reminderSnooze.js'
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
beforeEach(() => {
  localStorage.clear()
  sessionStorage.clear()
})
afterEach(() => cleanup())

const DAY = 24 * 60 * 60 * 1000
const reminder = () => document.querySelector<HTMLElement>('[data-rmb="backup-reminder"]')
const statusState = () => document.querySelector('[data-rmb="backup-status"]')?.getAttribute('data-state')
const reasonShown = () => reminder()?.getAttribute('data-reason') ?? null

/** Web storage after a step: at most one key of the kit's, a hash for a name, a timestamp for a value. Nothing else. */
function expectOnlyATimestampStored(w: BrowserWorld, extraSecrets: string[] = []) {
  const entries = [localStorage, sessionStorage].flatMap((s) => Object.entries({ ...s }))
  for (const [key, value] of entries) {
    expect(key).toMatch(/^rmb-reminder:[0-9a-z]+$/)
    expect(value).toMatch(/^\d{13}$/)
  }
  const surfaces = exposedSurfaces(w)
  const stored = `${surfaces.localStorage}\n${surfaces.sessionStorage}`
  const never = [w.clientId, w.wallet.address, ...secretsOf(w), ...extraSecrets].filter(
    (s): s is string => typeof s === 'string' && s.length > 0,
  )
  for (const secret of never) expect(stored.includes(secret), `stored: ${secret.slice(0, 8)}…`).toBe(false)
  return entries
}

async function backUpThroughTheReminder() {
  await userEvent.click(await enabledButton('Back up wallet'))
}

describe('BackupReminder', () => {
  test('not backed up: shown with the backup button, takes no focus; after a backup it goes by itself', async () => {
    const w = createBrowserWorld()
    const console_ = captureConsole()
    try {
      w.mount(
        <>
          <BackupStatus />
          <BackupReminder />
        </>,
      )
      await expect.poll(reasonShown, { timeout: 5000 }).toBe('none')
      const region = reminder()!
      expect(region.getAttribute('data-state')).toBe('visible')
      expect(screen.getByRole('region', { name: defaultReminderLabels.none })).toBe(region)
      expect(region.querySelector('[role="status"]')?.textContent).toBe(defaultReminderLabels.none)
      expect(document.activeElement).toBe(document.body)
      const a11y = await axe.run(region)
      expect(a11y.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([])
      expect(expectOnlyATimestampStored(w)).toEqual([])

      await backUpThroughTheReminder()
      await expect.poll(statusState, { timeout: 5000 }).toBe('backedUp')
      await expect.poll(reminder, { timeout: 5000 }).toBeNull()
      expect(w.share.rows()).toHaveLength(1)
      expect(expectOnlyATimestampStored(w)).toEqual([])
      expect(console_.lines.join('\n')).not.toContain(w.clientId)
    } finally {
      console_.restore()
    }
  })

  test('partial (the server holds a share the wallet does not confirm): shown with its own text', async () => {
    const w = createBrowserWorld()
    w.share.putRow({ clientId: w.clientId, backupMethod: 'PASSWORD', cipherText: 'c'.repeat(64), keyVersion: 'v1' })
    w.mount(
      <>
        <BackupStatus />
        <BackupReminder />
      </>,
    )
    await expect.poll(statusState, { timeout: 5000 }).toBe('partial')
    await expect.poll(reasonShown, { timeout: 5000 }).toBe('partial')
    expect(reminder()!.textContent).toContain(defaultReminderLabels.partial)
    expectOnlyATimestampStored(w)
  })

  test("superseded (another backup replaced the kit's at the provider): shown again, and gone after a new backup", async () => {
    const w = createBrowserWorld()
    w.mount(
      <>
        <BackupStatus />
        <BackupReminder />
      </>,
    )
    await backUpThroughTheReminder()
    await expect.poll(statusState, { timeout: 5000 }).toBe('backedUp')
    await expect.poll(reminder, { timeout: 5000 }).toBeNull()
    const made = await w.wallet.backupWallet('PASSWORD', undefined, {
      passwordStorage: { password: 'the user typed this' },
    })
    await made.storageCallback()
    await w.queryClient.invalidateQueries()
    await expect.poll(reasonShown, { timeout: 5000 }).toBe('superseded')
    expect(reminder()!.textContent).toContain(defaultReminderLabels.superseded)
    // The backup button inside offers a new backup ("Back up again"), which the reminder then steps aside for.
    await userEvent.click(await enabledButton('Back up again'))
    await expect.poll(statusState, { timeout: 5000 }).toBe('backedUp')
    await expect.poll(reminder, { timeout: 5000 }).toBeNull()
    expectOnlyATimestampStored(w, ['the user typed this'])
  })

  test('"Later" hides it; a new render with the same storage stays snoozed until snoozeMs has passed', async () => {
    const w = createBrowserWorld()
    const t0 = Date.parse('2026-05-01T12:00:00.000Z')
    const clock = { now: t0 }
    const now = () => clock.now
    const view = w.mount(
      <>
        <BackupStatus />
        <BackupReminder now={now} snoozeMs={2 * DAY} />
      </>,
    )
    await expect.poll(reasonShown, { timeout: 5000 }).toBe('none')
    await userEvent.click(screen.getByRole('button', { name: 'Later' }))
    expect(reminder()).toBeNull()
    const [entry, ...more] = expectOnlyATimestampStored(w)
    expect(more).toEqual([])
    expect(entry?.[1]).toBe(String(t0))
    view.unmount()

    // "Reload": the same storage, a fresh render. The status is known (none) and still the reminder stays away.
    clock.now = t0 + 2 * DAY - 1
    const again = w.mount(
      <>
        <BackupStatus />
        <BackupReminder now={now} snoozeMs={2 * DAY} />
      </>,
    )
    await expect.poll(statusState, { timeout: 5000 }).toBe('none')
    expect(reminder()).toBeNull()
    again.unmount()

    clock.now = t0 + 2 * DAY
    w.mount(
      <>
        <BackupStatus />
        <BackupReminder now={now} snoozeMs={2 * DAY} />
      </>,
    )
    await expect.poll(reasonShown, { timeout: 5000 }).toBe('none')
    expectOnlyATimestampStored(w)
    // Then the backup: confirmed, the reminder goes and the snooze it no longer needs leaves storage.
    await backUpThroughTheReminder()
    await expect.poll(reminder, { timeout: 5000 }).toBeNull()
    await expect.poll(() => localStorage.length).toBe(0)
    expectOnlyATimestampStored(w)
  })

  test('storage that throws (private mode, blocked): it renders, and "Later" still hides it for this page', async () => {
    const w = createBrowserWorld()
    const blocked: ReminderStorage = {
      getItem: () => {
        throw new DOMException('blocked', 'SecurityError')
      },
      setItem: () => {
        throw new DOMException('quota', 'QuotaExceededError')
      },
      removeItem: () => {
        throw new DOMException('blocked', 'SecurityError')
      },
    }
    w.mount(<BackupReminder storage={blocked} />)
    await expect.poll(reasonShown, { timeout: 5000 }).toBe('none')
    await userEvent.click(screen.getByRole('button', { name: 'Later' }))
    expect(reminder()).toBeNull()
    expect(localStorage.length).toBe(0)
  })

  test('a localStorage getter that throws (storage blocked by the browser) breaks nothing either', async () => {
    const w = createBrowserWorld()
    const own = Object.getOwnPropertyDescriptor(window, 'localStorage')
    Object.defineProperty(window, 'localStorage', {
      configurable: true,
      get: () => {
        throw new DOMException('The operation is insecure.', 'SecurityError')
      },
    })
    try {
      w.mount(<BackupReminder />)
      await expect.poll(reasonShown, { timeout: 5000 }).toBe('none')
      await userEvent.click(screen.getByRole('button', { name: 'Later' }))
      expect(reminder()).toBeNull()
    } finally {
      if (own) Object.defineProperty(window, 'localStorage', own)
      else delete (window as { localStorage?: Storage }).localStorage
    }
    expect(localStorage.length).toBe(0)
  })

  test('stale: with maxAgeMs, a confirmed backup older than it is due again', async () => {
    const w = createBrowserWorld()
    const later = Date.now() + 31 * DAY
    w.mount(
      <>
        <BackupStatus />
        <BackupReminder maxAgeMs={30 * DAY} />
      </>,
    )
    await backUpThroughTheReminder()
    await expect.poll(statusState, { timeout: 5000 }).toBe('backedUp')
    await expect.poll(reminder, { timeout: 5000 }).toBeNull()
    cleanup()
    w.mount(
      <>
        <BackupStatus />
        <BackupReminder maxAgeMs={30 * DAY} now={() => later} />
      </>,
    )
    await expect.poll(reasonShown, { timeout: 5000 }).toBe('stale')
    expect(reminder()!.textContent).toContain(defaultReminderLabels.stale)
  })
})

describe('BackupReminder as a Radix-style component', () => {
  test('asChild: the app element is the root, its children the call to action; props and ref reach it', async () => {
    const w = createBrowserWorld()
    const ref = createRef<HTMLDivElement>()
    w.mount(
      <BackupReminder asChild ref={ref} className="theirs" labels={{ none: 'Back up now, please.', later: 'Not now' }}>
        <aside className="card">
          <a href="#settings">Open settings</a>
        </aside>
      </BackupReminder>,
    )
    await expect.poll(reasonShown, { timeout: 5000 }).toBe('none')
    const root = reminder()!
    expect(root.tagName).toBe('ASIDE')
    expect(ref.current).toBe(root)
    expect(root.className).toBe('theirs card')
    expect(root.querySelector('[data-rmb="backup-button"]')).toBeNull()
    expect(screen.getByRole('link', { name: 'Open settings' })).toBeTruthy()
    expect(screen.getByRole('status').textContent).toBe('Back up now, please.')
    expect(screen.getByRole('button', { name: 'Not now' })).toBeTruthy()
  })

  test("onSnooze runs first and preventDefault() keeps it; forceMount keeps it rendered hidden after 'Later'", async () => {
    const w = createBrowserWorld()
    let calls = 0
    let cancel = true
    w.mount(
      <BackupReminder
        forceMount
        onSnooze={(event) => {
          calls++
          if (cancel) event.preventDefault()
        }}
      />,
    )
    // Rendered before the status is known, hidden (forceMount), with no reason yet.
    expect(reminder()?.getAttribute('data-state')).toBe('hidden')
    expect(reminder()?.hidden).toBe(true)
    await expect.poll(() => reminder()?.getAttribute('data-state'), { timeout: 5000 }).toBe('visible')
    await userEvent.click(screen.getByRole('button', { name: 'Later' }))
    expect(calls).toBe(1)
    expect(reminder()?.getAttribute('data-state')).toBe('visible')
    expect(localStorage.length).toBe(0)
    cancel = false
    await userEvent.click(screen.getByRole('button', { name: 'Later' }))
    expect(calls).toBe(2)
    expect(reminder()?.getAttribute('data-state')).toBe('hidden')
    expect(reminder()?.hidden).toBe(true)
    expect(localStorage.length).toBe(1)
  })
})

describe('BackupReminder and the keyboard focus', () => {
  test.each([
    ['unmounted when hidden', false],
    ['kept rendered hidden (forceMount)', true],
  ])('hidden with focus inside (%s): focus goes back where it came from, not to <body>', async (_how, forceMount) => {
    const w = createBrowserWorld()
    w.mount(
      <>
        <input aria-label="Search" />
        <BackupReminder forceMount={forceMount} />
      </>,
    )
    await expect.poll(reasonShown, { timeout: 5000 }).toBe('none')
    screen.getByRole('textbox', { name: 'Search' }).focus()
    // From the app's field into the reminder: its call to action, then "Later", pressed from the keyboard.
    await userEvent.tab()
    await userEvent.tab()
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Later' }))
    await userEvent.keyboard('{Enter}')
    expect(reminder()?.getAttribute('data-state') ?? 'gone').not.toBe('visible')
    expect(document.activeElement).toBe(screen.getByRole('textbox', { name: 'Search' }))
  })
})

describe('server rendering, then hydration', () => {
  /**
   * The status as an app that renders on the server has it on both sides (a dehydrated query): "none". The server
   * has no web storage; the browser's holds a snooze. A reminder that read storage while rendering would render on
   * the server and not in the browser: a hydration mismatch.
   */
  test('renderToString then hydrateRoot: no hydration error; storage is read after mount (snoozed: stays hidden)', async () => {
    const w = createBrowserWorld()
    const none: GetBackupStatusReturnType = {
      state: 'none',
      server: false,
      drive: undefined,
      wallet: undefined,
      storedAt: undefined,
    }
    const seeded = () => {
      const client = new QueryClient({
        defaultOptions: { queries: { retry: false, staleTime: Number.POSITIVE_INFINITY } },
      })
      client.setQueryData(backupKeys.status(w.clientId), none)
      return client
    }
    const empty: ReminderStorage = { getItem: () => null, setItem: () => {}, removeItem: () => {} }
    const t0 = Date.parse('2026-05-01T12:00:00.000Z')
    reminderSnooze(localStorage, w.clientId).write(t0)
    const app = (queryClient: QueryClient, storage: ReminderStorage) => (
      <WalletBackupProvider
        wallet={portalAdapter(w.wallet)}
        googleClientId={GOOGLE_CLIENT_ID}
        server={{ baseURL: '/api' }}
        clientId={w.clientId}
        queryClient={queryClient}
      >
        {/* In an element: React leaves extra nodes at the root container's end alone, but not inside an element. */}
        <main>
          <BackupStatus />
          <BackupReminder storage={storage} now={() => t0 + 1} />
        </main>
      </WalletBackupProvider>
    )
    for (const snoozed of [true, false]) {
      if (!snoozed) localStorage.clear()
      const container = document.createElement('div')
      container.innerHTML = renderToString(app(seeded(), empty))
      document.body.append(container)
      expect(container.querySelector('[data-rmb="backup-status"]')?.getAttribute('data-state')).toBe('none')
      expect(container.querySelector('[data-rmb="backup-reminder"]')).toBeNull()
      const errors: string[] = []
      const console_ = captureConsole()
      let root: ReturnType<typeof hydrateRoot> | undefined
      try {
        await act(async () => {
          root = hydrateRoot(container, app(seeded(), localStorage), {
            onRecoverableError: (error) => void errors.push(String(error)),
          })
        })
        expect(errors, `snoozed: ${snoozed}`).toEqual([])
        expect(console_.lines.filter((l) => /hydrat|did not match/i.test(l))).toEqual([])
        await expect
          .poll(() => container.querySelector('[data-rmb="backup-reminder"]') !== null, { timeout: 5000 })
          .toBe(!snoozed)
      } finally {
        console_.restore()
        act(() => root?.unmount())
        container.remove()
      }
    }
  })
})
