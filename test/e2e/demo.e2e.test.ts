// `npm start` end to end: the real start script (Vite page + share server on SQLite in a temp dir), driven in
// Debian's Chromium by playwright-core with every non-loopback request blocked. Back up, recover as a new device,
// same address. Screenshot: test-results/demo.png.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { chromium, type Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { chromiumLaunchOptions } from '../support/chromium.js'

const root = resolve(import.meta.dirname, '../..')

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer()
    server.once('error', fail)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => done(port))
    })
  })
}

const isLoopback = (url: string) => {
  const { protocol, hostname } = new URL(url)
  if (protocol === 'data:' || protocol === 'blob:') return true
  return ['127.0.0.1', 'localhost', '[::1]'].includes(hostname)
}

let child: ChildProcess | undefined
let browser: Browser | undefined
let dataDir = ''
let output = ''

async function startDemo(port: number): Promise<string> {
  dataDir = mkdtempSync(join(tmpdir(), 'demo-e2e-'))
  child = spawn(process.execPath, ['scripts/start.mjs'], {
    cwd: root,
    // The offline demo on SQLite in its own DATA_DIR: a DATABASE_URL of the test run would point it at a shared
    // database whose rows its fresh dev key cannot open (and the server rightly refuses to start on those).
    env: { ...process.env, DATABASE_URL: '', PORT: String(port), API_PORT: '0', DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()))
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()))
  return new Promise((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`demo did not start:\n${output}`)), 30_000)
    child!.once('exit', (code) => fail(new Error(`demo exited with ${code}:\n${output}`)))
    child!.stdout!.on('data', () => {
      const url = /react-mpc-backup demo: (http:\/\/\S+)/.exec(output)?.[1]
      if (url) {
        clearTimeout(timer)
        done(url)
      }
    })
  })
}

function stopDemo(): Promise<number | null> {
  const c = child
  if (!c || c.exitCode !== null) return Promise.resolve(c?.exitCode ?? null)
  return new Promise((done) => {
    const force = setTimeout(() => c.kill('SIGKILL'), 10_000)
    c.once('exit', (code) => {
      clearTimeout(force)
      done(code)
    })
    c.kill('SIGTERM')
  })
}

describe('npm start: the offline demo in Chromium', () => {
  beforeAll(async () => {
    browser = await chromium.launch(chromiumLaunchOptions())
  })

  afterAll(async () => {
    await browser?.close()
    await stopDemo()
    if (dataDir) rmSync(dataDir, { recursive: true, force: true })
  })

  test('back up, recover as a new device, same address; nothing left the machine', { timeout: 60_000 }, async () => {
    const url = await startDemo(await freePort())
    expect(new URL(url).hostname).toBe('127.0.0.1')

    const context = await browser!.newContext()
    const blocked: string[] = []
    const requests: string[] = []
    // Catch-all first: routes registered later are tried first. The GIS script and Drive calls are answered by
    // the page's MSW service worker, which Playwright's routes never see; anything else leaving loopback is refused.
    await context.route('**/*', (route) => {
      const u = route.request().url()
      if (isLoopback(u)) return route.continue()
      blocked.push(u)
      return route.abort('blockedbyclient')
    })
    const page = await context.newPage()
    page.on('request', (r) => requests.push(r.url()))
    const consoleLines: string[] = []
    page.on('console', (m) => consoleLines.push(m.text()))

    const response = await page.goto(url)
    expect(response?.status()).toBe(200)
    expect(response?.headers()['cross-origin-opener-policy']).toBe('same-origin-allow-popups')

    // Device 1: the drop-in button, once Google's (emulated) script has loaded.
    const backup = page.getByTestId('drop-in-backup')
    await expect.poll(() => backup.isEnabled(), { timeout: 20_000 }).toBe(true)
    await expect.poll(() => page.getByText('Not backed up', { exact: true }).count(), { timeout: 10_000 }).toBe(1)
    // The reminder asks for a backup (with its own backup button) while there is none.
    const reminder = page.locator('[data-rmb="backup-reminder"]')
    await expect.poll(() => reminder.getAttribute('data-reason'), { timeout: 10_000 }).toBe('none')
    const firstAddress = (await page.getByTestId('device-address').textContent())!.trim()
    expect(firstAddress).toMatch(/^0x[0-9a-f]{40}$/)

    await backup.click()
    await page.getByRole('button', { name: 'Wallet backed up' }).waitFor({ timeout: 15_000 })
    await expect
      .poll(() => page.locator('span[data-state]').first().textContent(), { timeout: 10_000 })
      .toBe('Backed up')
    // Backed up from the drop-in button: the reminder went by itself.
    await expect.poll(() => reminder.count(), { timeout: 10_000 }).toBe(0)
    // The steps were shown as they happened, and the inspector lists the Drive key file and the server row.
    const log = page.locator('ol.log')
    for (const step of ['authorizing', 'generating', 'storing', 'notifying', 'success'])
      await expect.poll(() => log.textContent()).toContain(`Drop-in button: ${step}`)
    const driveRows = page.getByRole('table', { name: 'Drive files' }).locator('tbody tr')
    await expect.poll(() => driveRows.first().textContent(), { timeout: 5_000 }).toMatch(/^react-mpc-backup-key\./)
    const serverRows = page.getByRole('table', { name: 'Server rows' }).locator('tbody tr')
    await expect.poll(() => serverRows.first().textContent(), { timeout: 5_000 }).toMatch(/^PASSWORD/)

    // A new device: fresh wallet instance (nothing on it), fresh QueryClient and Google token.
    await page.getByRole('button', { name: 'Recover as a new device' }).click()
    await page.getByRole('heading', { name: /new device/ }).waitFor()
    expect((await page.getByTestId('device-address').textContent())!.trim()).toBe('none')
    const recover = page.getByRole('button', { name: 'Recover wallet' })
    await expect.poll(() => recover.isEnabled(), { timeout: 10_000 }).toBe(true)
    await recover.click()
    await page.getByRole('button', { name: 'Wallet recovered' }).waitFor({ timeout: 15_000 })
    expect((await page.getByTestId('device-address').textContent())!.trim()).toBe(firstAddress)
    expect((await page.getByTestId('first-address').textContent())!.trim()).toBe(firstAddress)
    await expect.poll(() => log.textContent()).toContain(`Recover button: recovered ${firstAddress}`)

    mkdirSync(join(root, 'test-results'), { recursive: true })
    await page.screenshot({ path: join(root, 'test-results', 'demo.png'), fullPage: true })

    // The Google requests were answered in the page; nothing tried to leave the machine.
    expect(requests.some((u) => u.startsWith('https://accounts.google.com/gsi/client'))).toBe(true)
    expect(blocked).toEqual([])
    // No secret in URLs or web storage; the page logged nothing secret-shaped (tokens start `ya29.`).
    expect(requests.filter((u) => /access_token|ya29\.|cipherText/i.test(u))).toEqual([])
    expect(await page.evaluate(() => [localStorage.length, sessionStorage.length])).toEqual([0, 0])
    expect(consoleLines.filter((l) => /ya29\.|cipherText/i.test(l))).toEqual([])
    expect(output).not.toMatch(/ya29\./)

    await context.close()
    // SIGTERM shuts both servers down cleanly.
    expect(await stopDemo()).toBe(0)
  })
})
