// react-mpc-backup/styles.css in Chromium: every button state in light and dark against committed baselines
// (docs/screenshots/, also the pictures of docs/styling.md), the theme switches, keyboard-only use, 200% text, reduced motion.
// Baselines: `npx vitest run --project browser test/styles.browser.test.tsx --update` (docs/styling.md).
import '../src/styles.css'
import { cleanup, screen } from '@testing-library/react'
import axe from 'axe-core'
import { http } from 'msw'
import type { ReactNode } from 'react'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { commands, page, userEvent } from 'vitest/browser'
import { BackupButton } from '../src/components/BackupButton.js'
import { BackupReminder } from '../src/components/BackupReminder.js'
import { BackupStatus } from '../src/components/BackupStatus.js'
import type { PartialMessages } from '../src/components/messages.js'
import { RecoverButton } from '../src/components/RecoverButton.js'
import { ar } from '../src/locales/ar.js'
import { createWalletEmulator, gisStandInUrl } from '../src/testing/index.js'
import { createBrowserWorld, worker, type BrowserWorld } from './support/browserWorld.js'

declare module 'vitest/browser' {
  interface BrowserCommands {
    emulateMedia: (media: {
      colorScheme?: 'light' | 'dark' | null
      reducedMotion?: 'reduce' | 'no-preference' | null
    }) => Promise<void>
  }
}

beforeAll(async () => {
  // Short enough that the runner never scales the test frame down to fit its window: pictures at 1 CSS px = 1 px.
  await page.viewport(480, 600)
  await worker.start({ quiet: true, onUnhandledRequest: 'error' })
})
afterAll(() => worker.stop())
afterEach(async () => {
  cleanup()
  document.documentElement.style.fontSize = ''
  await commands.emulateMedia({ colorScheme: null, reducedMotion: null })
})

const themes = ['light', 'dark'] as const
const HOLD = { delayMs: 10 * 60_000 }

/** What an app page around the kit looks like: its background from the theme, a fixed width (stable pictures). */
function Frame({ children, width = 360 }: { children: ReactNode; width?: number }) {
  return (
    <div
      data-testid="frame"
      style={{
        boxSizing: 'border-box',
        inlineSize: width,
        padding: 16,
        background: 'var(--rmb-bg)',
        color: 'var(--rmb-fg)',
      }}
    >
      {children}
    </div>
  )
}

const frame = () => screen.getByTestId('frame')
const button = () => frame().querySelector('button') as HTMLButtonElement

async function ready() {
  await expect.poll(() => button()?.disabled, { timeout: 5000 }).toBe(false)
  return button()
}

/** The background a text is drawn on: its own, else its nearest ancestor's that is not transparent. */
function backgroundOf(el: Element | null): string {
  for (let at = el; at; at = at.parentElement) {
    const bg = getComputedStyle(at).backgroundColor
    if (bg !== 'rgba(0, 0, 0, 0)' && bg !== 'transparent') return bg
  }
  return 'rgb(255, 255, 255)'
}

/**
 * Checks contrast, then screenshots the frame, in both themes; the spinner is stopped at its first frame.
 * `computedContrast`: axe takes Arabic text for an icon ligature and leaves it out of its contrast rule (it reports
 * "inapplicable"), so for it every text element of the kit is measured from its computed colours instead.
 */
async function matchesBaselines(name: string, { computedContrast = false } = {}) {
  for (const theme of themes) {
    frame().setAttribute('data-rmb-theme', theme)
    // Contrast AA in this state and theme; "incomplete" (axe could not tell, e.g. text over an image) counts too.
    const axeContrast = await axe.run(frame(), { runOnly: ['color-contrast'] })
    if (computedContrast) {
      const texts = [...frame().querySelectorAll('[data-rmb], [role="status"]')].filter((el) => el.textContent)
      expect(texts.length, `${name}-${theme}: texts measured`).toBeGreaterThan(0)
      for (const el of texts)
        expect(
          contrastRatio(getComputedStyle(el).color, backgroundOf(el)),
          `${name}-${theme}: ${el.getAttribute('data-rmb') ?? 'message'}`,
        ).toBeGreaterThanOrEqual(4.5)
    } else if (button()?.disabled) {
      // axe skips disabled controls (WCAG exempts them); the stylesheet still keeps their text at 4.5:1.
      const style = getComputedStyle(button())
      expect(
        contrastRatio(style.color, style.backgroundColor),
        `${name}-${theme}: disabled text`,
      ).toBeGreaterThanOrEqual(4.5)
    } else expect(axeContrast.passes.length, `${name}-${theme}: contrast checked`).toBeGreaterThan(0)
    expect(
      [...axeContrast.violations, ...axeContrast.incomplete].flatMap((r) =>
        r.nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary}`),
      ),
      `${name}-${theme}`,
    ).toEqual([])
    await expect(frame()).toMatchScreenshot(`${name}-${theme}`, {
      screenshotOptions: { animations: 'disabled', caret: 'hide' },
    })
  }
}

/** The backup button held in `state` (faults hold the next step), the pointer moved off it; `messages`: its texts. */
async function backupButtonIn(state: string, arm: (w: BrowserWorld) => void = () => {}, messages?: PartialMessages) {
  const w = createBrowserWorld()
  arm(w)
  w.mount(
    <Frame>
      <BackupButton />
    </Frame>,
    messages ? { messages } : {},
  )
  const b = await ready()
  if (state !== 'idle') await userEvent.click(b)
  await expect.poll(() => b.getAttribute('data-state'), { timeout: 5000 }).toBe(state)
  await userEvent.unhover(b)
  return { w, b }
}

function rgb(color: string): [number, number, number] {
  const m = color.match(/rgba?\(([\d.]+),? ([\d.]+),? ([\d.]+)/)
  if (!m) throw new Error(`not an rgb colour: ${color}`)
  return [Number(m[1]), Number(m[2]), Number(m[3])]
}

/** WCAG 2 contrast ratio of two computed colours. */
function contrastRatio(a: string, b: string): number {
  const lum = (c: string) => {
    const [r, g, bl] = rgb(c).map((v) => {
      const s = v / 255
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4
    }) as [number, number, number]
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl
  }
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x) as [number, number]
  return (hi + 0.05) / (lo + 0.05)
}

/** Holds every request for Google's script until the returned release is called, then the emulator answers it. */
function holdGoogleScript(): () => void {
  let release = () => {}
  const released = new Promise<void>((resolve) => (release = resolve))
  worker.use(http.get(gisStandInUrl, async () => void (await released)))
  return () => release()
}

describe('every button state in light and dark matches its committed baseline', () => {
  test('loading Google (disabled, spinning)', async () => {
    const w = createBrowserWorld()
    // Google's script is held until the pictures are taken (a fixed delay could end mid-screenshot on a busy
    // machine), then released to the emulator's handler.
    const release = holdGoogleScript()
    try {
      w.mount(
        <Frame>
          <BackupButton />
        </Frame>,
      )
      expect(button().getAttribute('data-disabled-reason')).toBe('google-loading')
      await matchesBaselines('backup-button-loading')
    } finally {
      release()
    }
    await ready()
  })

  test('idle', async () => {
    await backupButtonIn('idle')
    await matchesBaselines('backup-button-idle')
  })

  test('authorizing, generating, storing, notifying (busy: spinner, label of the step)', async () => {
    const holds: Record<string, (w: BrowserWorld) => void> = {
      authorizing: (w) => w.google.faults.set('gis.token', HOLD),
      generating: (w) => void (w.wallet.faults.backup = HOLD),
      storing: (w) => w.share.faults.set('share.post', HOLD),
      notifying: (w) => void (w.wallet.faults.notify = HOLD),
    }
    for (const [state, arm] of Object.entries(holds)) {
      const { b } = await backupButtonIn(state, arm)
      expect(b.getAttribute('aria-busy')).toBe('true')
      await matchesBaselines(`backup-button-${state}`)
      cleanup()
    }
  })

  test('offline (disabled with a reason; any data-disabled-reason looks disabled)', async () => {
    const { b } = await backupButtonIn('idle')
    Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => false })
    window.dispatchEvent(new Event('offline'))
    try {
      await expect.poll(() => b.getAttribute('data-disabled-reason')).toBe('offline')
      await matchesBaselines('backup-button-offline')
    } finally {
      delete (navigator as { onLine?: boolean }).onLine
      window.dispatchEvent(new Event('online'))
    }
  })

  test('success', async () => {
    await backupButtonIn('success')
    await matchesBaselines('backup-button-success')
  })

  test('error: the button is the retry, the short message is shown under it', async () => {
    const { b } = await backupButtonIn('error', (w) => w.share.faults.set('share.post', { status: 500 }))
    const message = screen.getByRole('status')
    expect(message.textContent).toBe('Backup failed. Try again: Server could not save the backup (500).')
    // Shown by the stylesheet alone: the inline visually-hidden style is outranked, the DOM is unchanged.
    expect(message.getBoundingClientRect().height).toBeGreaterThan(10)
    expect(getComputedStyle(message).position).toBe('static')
    expect(b.getAttribute('data-error-code')).toBe('SHARE_UPLOAD_FAILED')
    await matchesBaselines('backup-button-error')
  })

  test('BackupStatus: not backed up, then backed up', async () => {
    const w = createBrowserWorld()
    w.mount(
      <>
        <Frame>
          <BackupStatus />
        </Frame>
        <BackupButton />
      </>,
    )
    const status = () => frame().firstElementChild!
    await expect.poll(() => status().getAttribute('data-state'), { timeout: 5000 }).toBe('none')
    await matchesBaselines('backup-status-none')
    const b = await screen.findByRole('button', { name: 'Back up wallet' })
    await expect.poll(() => b.hasAttribute('disabled'), { timeout: 5000 }).toBe(false)
    await userEvent.click(b)
    await expect.poll(() => status().getAttribute('data-state'), { timeout: 5000 }).toBe('backedUp')
    await userEvent.unhover(b)
    await matchesBaselines('backup-status-backedUp')
    void w
  })
})

describe('the states added since the first baselines, and the recovery button', () => {
  test('wallet loading (disabled with its reason, spinning) until the wallet is ready', async () => {
    const w = createBrowserWorld({ wallet: { realistic: true, bootDelayMs: 'manual' } })
    w.mount(
      <Frame>
        <BackupButton />
      </Frame>,
    )
    await expect.poll(() => button().getAttribute('data-disabled-reason'), { timeout: 5000 }).toBe('wallet-loading')
    await matchesBaselines('backup-button-wallet-loading')
    w.wallet.boot()
    await ready()
  })

  test("Google's script unavailable: an error the button retries", async () => {
    const w = createBrowserWorld()
    const release = holdGoogleScript()
    try {
      w.mount(
        <Frame>
          <BackupButton />
        </Frame>,
        { googleScriptTimeoutMs: 300 },
      )
      await expect
        .poll(() => button().getAttribute('data-error-code'), { timeout: 5000 })
        .toBe('GOOGLE_SCRIPT_UNAVAILABLE')
      await matchesBaselines('backup-button-google-unavailable')
    } finally {
      release()
    }
  })

  test('RecoverButton: idle, reading, recovering, success, error', async () => {
    const holds: Record<string, (w: BrowserWorld, device: ReturnType<typeof createWalletEmulator>) => void> = {
      idle: () => {},
      reading: (w) => w.share.faults.set('share.get', HOLD),
      recovering: (_, device) => void (device.faults.recover = HOLD),
      success: () => {},
      error: (w) => w.share.faults.set('share.get', { status: 403 }),
    }
    for (const [state, arm] of Object.entries(holds)) {
      const w = createBrowserWorld()
      // A backup to recover from, made on device A; the button runs on a fresh device B.
      const a = w.mount(<BackupButton />)
      const backup = await screen.findByRole('button', { name: 'Back up wallet' })
      await expect.poll(() => (backup as HTMLButtonElement).disabled, { timeout: 5000 }).toBe(false)
      await userEvent.click(backup)
      await expect.poll(() => backup.getAttribute('data-state'), { timeout: 5000 }).toBe('success')
      a.unmount()
      const device = createWalletEmulator({ clientId: w.clientId, backend: w.backend })
      arm(w, device)
      w.mount(
        <Frame>
          <RecoverButton />
        </Frame>,
        { wallet: device },
      )
      const b = await ready()
      if (state !== 'idle') await userEvent.click(b)
      await expect.poll(() => b.getAttribute('data-state'), { timeout: 5000 }).toBe(state)
      await userEvent.unhover(b)
      await matchesBaselines(`recover-button-${state}`)
      cleanup()
    }
  })
})

describe('themes', () => {
  test('the OS dark preference applies unless an ancestor forces light; data-rmb-theme="dark" forces dark', async () => {
    await backupButtonIn('idle')
    const bg = () => getComputedStyle(button()).backgroundColor
    expect(bg()).toBe('rgb(29, 78, 216)')
    await commands.emulateMedia({ colorScheme: 'dark' })
    expect(bg()).toBe('rgb(138, 180, 248)')
    frame().setAttribute('data-rmb-theme', 'light')
    expect(bg()).toBe('rgb(29, 78, 216)')
    await commands.emulateMedia({ colorScheme: 'light' })
    frame().setAttribute('data-rmb-theme', 'dark')
    expect(bg()).toBe('rgb(138, 180, 248)')
  })

  test('a variable set by the app on an ancestor wins over the defaults', async () => {
    await backupButtonIn('idle')
    frame().style.setProperty('--rmb-accent', 'rgb(0, 100, 0)')
    frame().style.setProperty('--rmb-radius', '0px')
    expect(getComputedStyle(button()).backgroundColor).toBe('rgb(0, 100, 0)')
    expect(getComputedStyle(button()).borderTopLeftRadius).toBe('0px')
  })
})

describe('keyboard only', () => {
  test('Tab shows a focus ring (3:1 against the page in both themes), Enter backs up, after a failure Enter retries', async () => {
    const w = createBrowserWorld()
    w.share.faults.set('share.post', { status: 500 })
    w.mount(
      <Frame>
        <BackupButton />
      </Frame>,
    )
    const b = await ready()
    expect(getComputedStyle(b).outlineStyle).toBe('none')
    await userEvent.tab()
    expect(document.activeElement).toBe(b)
    for (const theme of themes) {
      frame().setAttribute('data-rmb-theme', theme)
      const style = getComputedStyle(b)
      expect(style.outlineStyle).toBe('solid')
      expect(style.outlineWidth).toBe('2px')
      expect(contrastRatio(style.outlineColor, getComputedStyle(frame()).backgroundColor)).toBeGreaterThanOrEqual(3)
    }
    await userEvent.keyboard('{Enter}')
    await expect.poll(() => b.getAttribute('data-state'), { timeout: 5000 }).toBe('error')
    expect(document.activeElement).toBe(b)
    w.share.faults.clear()
    await userEvent.keyboard('{Enter}')
    await expect.poll(() => b.getAttribute('data-state'), { timeout: 5000 }).toBe('success')
    expect(w.share.rows()).toHaveLength(1)
  })
})

describe('200% text in a 320 px column', () => {
  /** Nothing of `el` is cut off: its content fits its box, and its box lies inside the column. */
  function expectUnclipped(el: Element, column: Element) {
    expect(el.scrollWidth, `${el.textContent}: content wider than its box`).toBeLessThanOrEqual(el.clientWidth)
    expect(el.scrollHeight, `${el.textContent}: content taller than its box`).toBeLessThanOrEqual(el.clientHeight)
    const box = el.getBoundingClientRect()
    const col = column.getBoundingClientRect()
    expect(box.left).toBeGreaterThanOrEqual(col.left)
    expect(box.right).toBeLessThanOrEqual(col.right)
    // The label's text itself lies inside the button (a box that fits could still hide overflowing text).
    const range = document.createRange()
    range.selectNodeContents(el)
    const text = range.getBoundingClientRect()
    expect(text.left).toBeGreaterThanOrEqual(box.left)
    expect(text.right).toBeLessThanOrEqual(box.right)
    expect(text.top).toBeGreaterThanOrEqual(box.top)
    expect(text.bottom).toBeLessThanOrEqual(box.bottom)
  }

  test('the busy label and the error message with its retry button wrap instead of clipping', async () => {
    const { b } = await backupButtonIn('error', (w) => w.share.faults.set('share.post', { status: 500 }))
    frame().style.inlineSize = '320px'
    document.documentElement.style.fontSize = '200%'
    expect(getComputedStyle(b).fontSize).toBe('32px')
    // The text really is too long for one line at this size: the button wrapped it.
    expect(b.getBoundingClientRect().height).toBeGreaterThan(2 * 32)
    expectUnclipped(b, frame())
    expectUnclipped(screen.getByRole('status'), frame())
    cleanup()

    await backupButtonIn('generating', (w) => void (w.wallet.faults.backup = HOLD))
    frame().style.inlineSize = '320px'
    expectUnclipped(button(), frame())
  })
})

describe('reduced motion', () => {
  test('the spinner turns while busy, and stands still when the user asks for reduced motion', async () => {
    await backupButtonIn('generating', (w) => void (w.wallet.faults.backup = HOLD))
    const spinner = () => getComputedStyle(button(), '::before')
    expect(spinner().animationName).toBe('rmb-spin')
    await commands.emulateMedia({ reducedMotion: 'reduce' })
    expect(spinner().animationName).toBe('none')
    // Still there, still telling "busy" without motion.
    expect(spinner().inlineSize).toBe('16px')
  })
})

describe('right to left', () => {
  test('the spinner sits at the inline start: left of the label in LTR, right of it in RTL', async () => {
    await backupButtonIn('generating', (w) => void (w.wallet.faults.backup = HOLD))
    const b = button()
    const range = document.createRange()
    range.selectNodeContents(b)
    const icon = 16 // 1em of the spinner, before the label, plus the gap
    let box = b.getBoundingClientRect()
    let text = range.getBoundingClientRect()
    expect(text.left - box.left).toBeGreaterThan(box.right - text.right + icon)
    frame().setAttribute('dir', 'rtl')
    box = b.getBoundingClientRect()
    text = range.getBoundingClientRect()
    expect(box.right - text.right).toBeGreaterThan(text.left - box.left + icon)
  })
})

describe('right to left, in Arabic (react-mpc-backup/locales/ar): the button, its icon and message, the status mirror', () => {
  /** Where the text of `el` sits inside it: the space left of it and right of it, in px. */
  const around = (el: Element) => {
    const range = document.createRange()
    range.selectNodeContents(el)
    const box = el.getBoundingClientRect()
    const text = range.getBoundingClientRect()
    return { left: text.left - box.left, right: box.right - text.right }
  }

  test('BackupButton in error: the retry icon at the inline start (right), the message under it from the right', async () => {
    const { b } = await backupButtonIn('error', (w) => w.share.faults.set('share.post', { status: 500 }), ar)
    frame().setAttribute('dir', 'rtl')
    const message = screen.getByRole('status')
    expect(b.textContent).toBe(ar.backupButton.error)
    expect(message.textContent).toContain(ar.backupButton.error)
    // The icon (1em + gap) is on the right of the label, the label's text ends at the right of the message.
    const icon = 16
    expect(around(b).right).toBeGreaterThan(around(b).left + icon)
    const line = message.getBoundingClientRect()
    const range = document.createRange()
    range.selectNodeContents(message)
    expect(Math.abs(line.right - range.getBoundingClientRect().right)).toBeLessThan(2)
    expect(range.getBoundingClientRect().left - line.left).toBeGreaterThan(2)
    await matchesBaselines('backup-button-error-rtl', { computedContrast: true })
  })

  test('BackupButton busy and idle: the spinner at the inline start (right), the Arabic label', async () => {
    await backupButtonIn('generating', (w) => void (w.wallet.faults.backup = HOLD), ar)
    frame().setAttribute('dir', 'rtl')
    expect(button().textContent).toBe(ar.backupButton.generating)
    expect(around(button()).right).toBeGreaterThan(around(button()).left + 16)
    await matchesBaselines('backup-button-generating-rtl', { computedContrast: true })
    cleanup()
    await backupButtonIn('idle', () => {}, ar)
    frame().setAttribute('dir', 'rtl')
    await matchesBaselines('backup-button-idle-rtl', { computedContrast: true })
  })

  test('BackupStatus: the dot at the inline start (right) of the Arabic text', async () => {
    const w = createBrowserWorld()
    w.mount(
      <Frame>
        <div dir="rtl">
          <BackupStatus />
        </div>
      </Frame>,
      { messages: ar },
    )
    const status = () => frame().querySelector('[data-rmb="backup-status"]') as HTMLElement
    await expect.poll(() => status().getAttribute('data-state'), { timeout: 5000 }).toBe('none')
    expect(status().textContent).toBe(ar.backupStatus.none)
    // The dot (0.5em + 0.4em gap) and the inline padding are on the right, the padding only on the left.
    expect(around(status()).right).toBeGreaterThan(around(status()).left + 5)
    await matchesBaselines('backup-status-none-rtl', { computedContrast: true })
  })
})

describe('the backup reminder', () => {
  test('not backed up, in light and dark, left to right and right to left (the bar at the inline start)', async () => {
    createBrowserWorld().mount(
      <Frame>
        <BackupReminder />
      </Frame>,
    )
    await ready()
    const card = () => frame().firstElementChild as HTMLElement
    expect(card().getAttribute('data-rmb')).toBe('backup-reminder')
    expect(getComputedStyle(card()).borderLeftWidth).toBe('4px')
    expect(getComputedStyle(card()).borderRightWidth).toBe('0px')
    await matchesBaselines('backup-reminder-none')
    frame().setAttribute('dir', 'rtl')
    expect(getComputedStyle(card()).borderRightWidth).toBe('4px')
    expect(getComputedStyle(card()).borderLeftWidth).toBe('0px')
    await matchesBaselines('backup-reminder-none-rtl')
  })

  test('"Later" shows the focus ring on Tab; hidden (forceMount) means not displayed despite the card style', async () => {
    createBrowserWorld().mount(
      <Frame>
        <BackupReminder forceMount />
      </Frame>,
    )
    const card = () => frame().firstElementChild as HTMLElement
    expect(card().hidden).toBe(true)
    expect(getComputedStyle(card()).display).toBe('none')
    await ready()
    expect(getComputedStyle(card()).display).toBe('flex')
    await userEvent.tab()
    await userEvent.tab()
    const later = screen.getByRole('button', { name: 'Later' })
    expect(document.activeElement).toBe(later)
    expect(getComputedStyle(later).outlineStyle).toBe('solid')
  })
})
