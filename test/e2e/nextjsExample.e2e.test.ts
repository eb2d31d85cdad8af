// The full-stack Next.js example (examples/nextjs) as a user runs it, end to end: the kit built and packed (`npm
// pack`), installed into a copy of the example in a temp folder by the example's own setup script, `next build`
// (Turbopack) with no secret set, `next start` on loopback with the emulators on, and Debian's Chromium (playwright-
// core) signing in, backing up, recovering on a fresh browser context (a new device: nothing of the first one's
// memory) and backing up again there. Every request that would leave 127.0.0.1 is refused and fails the test; the
// Google requests are answered in the page by its service worker, from the emulator on the example's server. Then
// the SQLite file, opened read-only: the sealed row is there, and no cipherText the browser sent is in the file.
// Also: `next start` with a secret missing stops at once and names it (instrumentation.ts calls the handler's ready()).
// Each phase's duration is printed (issue #26 bounds what this test adds to CI).
import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import Database from 'better-sqlite3'
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, onTestFailed, test } from 'vitest'
import { keyIdOf } from '../../src/server/sealing/encryptAtRest.js'
import { chromiumLaunchOptions } from '../support/chromium.js'
import { freePort, isLoopbackUrl } from '../support/loopback.js'

const run = promisify(execFile)
const root = resolve(import.meta.dirname, '../..')
const example = join(root, 'examples', 'nextjs')

let work = ''
let app = ''
let browser: Browser | undefined
let next: ChildProcess | undefined
let output = ''
const timings: string[] = []

async function timed<T>(label: string, step: () => Promise<T>): Promise<T> {
  const started = performance.now()
  const value = await step()
  timings.push(`${label}: ${((performance.now() - started) / 1000).toFixed(1)} s`)
  return value
}

const secrets = {
  SESSION_SECRET: randomBytes(32).toString('base64'),
  WEBHOOK_SECRET: randomBytes(32).toString('base64'),
  BACKUP_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
}

/** The environment of a child process: this one's, without the test run's own settings and secrets. */
function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env }
  // Vitest's NODE_ENV=test is not Next's; a DATABASE_URL of the test run would move the example off SQLite.
  for (const name of ['NODE_ENV', 'DATABASE_URL', 'DATA_DIR', 'USE_EMULATORS', ...Object.keys(secrets)])
    delete env[name]
  return { ...env, NEXT_TELEMETRY_DISABLED: '1', ...extra }
}

const nextStart = (port: number, env: Record<string, string>) =>
  spawn(
    process.execPath,
    ['node_modules/next/dist/bin/next', 'start', '--hostname', '127.0.0.1', '--port', `${port}`],
    {
      cwd: app,
      env: childEnv(env),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )

async function startNext(dataDir: string): Promise<string> {
  const port = await freePort()
  next = nextStart(port, { ...secrets, USE_EMULATORS: '1', DATA_DIR: dataDir })
  next.stdout!.on('data', (d: Buffer) => (output += d.toString()))
  next.stderr!.on('data', (d: Buffer) => (output += d.toString()))
  await new Promise<void>((done, fail) => {
    const onExit = (code: number | null) => fail(new Error(`next start exited with ${code}:\n${output}`))
    next!.once('exit', onExit)
    const onData = () => {
      if (!/Ready in/.test(output)) return
      next!.off('exit', onExit)
      next!.stdout!.off('data', onData)
      done()
    }
    next!.stdout!.on('data', onData)
  })
  return `http://127.0.0.1:${port}`
}

function stopNext(): Promise<number | string | null> {
  const child = next
  if (!child || child.exitCode !== null || child.signalCode !== null)
    return Promise.resolve(child?.exitCode ?? child?.signalCode ?? null)
  return new Promise((done) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 10_000)
    child.once('exit', (code, signal) => {
      clearTimeout(force)
      done(code ?? signal)
    })
    child.kill('SIGTERM')
  })
}

interface Device {
  context: BrowserContext
  page: Page
  /** Every URL the page asked for (those its service worker answered too). */
  requests: string[]
  /** Requests refused for leaving loopback. */
  blocked: string[]
  /** Requests that failed in the browser (a refused one, a network error, a broken answer). */
  failed: string[]
  console: string[]
}

describe('examples/nextjs: the packed kit in a Next.js 16 app, built and started, in Chromium', () => {
  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'rmb-nextjs-e2e-'))
    app = join(work, 'app')
    // The example's own setup: the kit built into a temp folder and packed, the sources copied, `npm install` from
    // the npm cache first. The compiled better-sqlite3 comes from this repository's install (same version; the
    // script compiles it when not), so CI does not spend a minute compiling it twice.
    const setup = await timed('examples/nextjs/scripts/setup.mjs', () =>
      run(process.execPath, [join(example, 'scripts', 'setup.mjs'), '--into', app, '--better-sqlite3-from', root], {
        cwd: root,
        env: childEnv({}),
        maxBuffer: 64 * 1024 * 1024,
      }),
    )
    timings.push(
      ...setup.stdout
        .split('\n')
        .filter((line) => line.startsWith('setup: '))
        .map((line) => `  ${line}`),
    )
    // No secret in the environment: the route modules `next build` evaluates must not need one.
    await timed('next build', () =>
      run(process.execPath, ['node_modules/next/dist/bin/next', 'build'], {
        cwd: app,
        env: childEnv({}),
        maxBuffer: 64 * 1024 * 1024,
      }),
    )
    browser = await chromium.launch(chromiumLaunchOptions())
  })

  afterAll(async () => {
    await browser?.close()
    await stopNext()
    console.log(`examples/nextjs e2e timings:\n  ${timings.join('\n  ')}`)
    if (work) rmSync(work, { recursive: true, force: true })
  })

  test('next build made no database: the store opens at the first request', () => {
    expect(existsSync(join(app, '.data'))).toBe(false)
  })

  test('next start with a secret missing stops, naming the setting (instrumentation.ts runs ready())', async () => {
    const child = nextStart(await freePort(), { USE_EMULATORS: '1', DATA_DIR: join(work, 'no-secrets') })
    let log = ''
    child.stdout!.on('data', (d: Buffer) => (log += d.toString()))
    child.stderr!.on('data', (d: Buffer) => (log += d.toString()))
    const code = await new Promise<number | null>((done) => child.once('exit', (exitCode) => done(exitCode)))
    expect(code, log).toBe(1)
    expect(log).toMatch(/\[example\] the share server cannot start: .*webhookSecret/)
  })

  test('sign in, back up, recover on a fresh browser context, back up again; all on loopback; the row is sealed', async () => {
    const dataDir = join(work, 'data')
    // The server's log says why a request answered 500 (it holds no secret: checked below).
    onTestFailed(() => console.log(`next start output:\n${output}`))
    const base = await timed('next start until ready', () => startNext(dataDir))
    const clientId = `e2e-${randomBytes(4).toString('hex')}`
    // The cipherTexts the browser POSTed, in order, to look for in the database file (never there in the clear).
    const sent: string[] = []

    const device = async (): Promise<Device> => {
      const context = await browser!.newContext()
      const d: Device = {
        context,
        page: undefined as unknown as Page,
        requests: [],
        blocked: [],
        failed: [],
        console: [],
      }
      // The one route: loopback goes on, anything else is refused (and counted). Requests the page's service worker
      // answers (Google's URLs, from the emulator on the example's server) never reach a route.
      await context.route('**/*', (route) => {
        const url = route.request().url()
        if (isLoopbackUrl(url)) return route.continue()
        d.blocked.push(url)
        return route.abort('blockedbyclient')
      })
      d.page = await context.newPage()
      d.page.on('request', (request) => {
        d.requests.push(request.url())
        const { pathname } = new URL(request.url())
        if (request.method() === 'POST' && pathname === `/api/clients/${clientId}/backup`)
          sent.push((JSON.parse(request.postData() ?? '{}') as { cipherText?: string }).cipherText ?? '')
      })
      d.page.on('requestfailed', (request) => {
        const reason = request.failure()?.errorText
        // A request the page cancels itself is no failure (TanStack Query cancels a status read that an
        // invalidation replaces); a refused one (ERR_BLOCKED_BY_CLIENT), a network error or an answer the browser
        // could not take (ERR_FAILED) is.
        if (reason !== 'net::ERR_ABORTED') d.failed.push(`${request.method()} ${request.url()}: ${reason}`)
      })
      d.page.on('console', (message) => d.console.push(message.text()))
      const home = await d.page.goto(base)
      expect(home?.status()).toBe(200)
      // The example's dev login (emulator mode): a signed HttpOnly session cookie naming the clientId.
      await d.page.getByLabel('Wallet client id').fill(clientId)
      await d.page.getByRole('button', { name: 'Sign in (dev)' }).click()
      await d.page.waitForURL(`${base}/settings`)
      expect(await d.page.getByTestId('client-id').textContent()).toBe(clientId)
      return d
    }
    const status = (page: Page) => page.locator('[data-rmb="backup-status"]')
    const address = async (page: Page) => (await page.getByTestId('wallet-address').textContent())?.trim()

    // Device 1: the wallet is made here. Back up, once Google's (emulated) script has loaded.
    const first = await device()
    const backup = first.page.getByRole('button', { name: 'Back up wallet' })
    await expect.poll(() => backup.isEnabled(), { timeout: 60_000 }).toBe(true)
    await expect.poll(() => status(first.page).textContent(), { timeout: 60_000 }).toBe('Not backed up')
    const walletAddress = await address(first.page)
    expect(walletAddress).toMatch(/^0x[0-9a-f]{40}$/)
    await backup.click()
    await first.page.getByRole('button', { name: 'Wallet backed up' }).waitFor({ timeout: 60_000 })
    await expect.poll(() => status(first.page).textContent(), { timeout: 60_000 }).toBe('Backed up')
    // One share (a backup POSTs it, then the same record again with the provider's backup id).
    expect(new Set(sent).size).toBe(1)

    // Device 2: a fresh browser context (no cookie, no memory, no service worker of device 1); the same user signs
    // in. The wallet is not on it until it recovers from Drive's key and the server's share.
    const second = await device()
    expect(await address(second.page)).toBe('none')
    const recover = second.page.getByRole('button', { name: 'Recover wallet' })
    await expect.poll(() => recover.isEnabled(), { timeout: 60_000 }).toBe(true)
    await recover.click()
    await second.page.getByRole('button', { name: 'Wallet recovered' }).waitFor({ timeout: 60_000 })
    expect(await address(second.page)).toBe(walletAddress)
    // Recovery stores the fresh backup it makes; then a backup of its own on the new device.
    const again = second.page.getByRole('button', { name: 'Back up wallet' })
    await expect.poll(() => again.isEnabled(), { timeout: 60_000 }).toBe(true)
    await again.click()
    await second.page.getByRole('button', { name: 'Wallet backed up' }).waitFor({ timeout: 60_000 })
    await expect.poll(() => status(second.page).textContent(), { timeout: 60_000 }).toBe('Backed up')
    // Three shares: the first backup's, the one recovery made, the new device's own backup's.
    expect(new Set(sent).size).toBe(3)

    mkdirSync(join(root, 'test-results'), { recursive: true })
    await second.page.screenshot({ path: join(root, 'test-results', 'nextjs-example.png'), fullPage: true })

    // The server answers the share it holds: the last one sent (read with device 2's session cookie).
    const read = await second.page.request.get(`${base}/api/clients/${clientId}/backup?backupMethod=PASSWORD`)
    expect(read.status()).toBe(200)
    expect(((await read.json()) as { cipherText: string }).cipherText).toBe(sent.at(-1))

    for (const d of [first, second]) {
      // Google was asked for (its script, its token endpoint, Drive), and answered from this machine.
      expect(d.requests.some((u) => u.startsWith('https://accounts.google.com/gsi/client'))).toBe(true)
      expect(d.requests.some((u) => u.startsWith(`${base}/emulator/google/accounts.google.com/gsi/client`))).toBe(true)
      expect(d.requests.some((u) => u.startsWith('https://www.googleapis.com/upload/drive/v3/files'))).toBe(true)
      expect(d.blocked).toEqual([])
      expect(d.failed).toEqual([])
      // No secret in a URL or in web storage, nothing secret-shaped in the console (emulated tokens start `ya29.`).
      expect(d.requests.filter((u) => /access_token|ya29\.|cipherText/i.test(u))).toEqual([])
      expect(await d.page.evaluate(() => [localStorage.length, sessionStorage.length])).toEqual([0, 0])
      expect(d.console.filter((line) => /ya29\.|cipherText/i.test(line))).toEqual([])
      await d.context.close()
    }
    expect(output).not.toMatch(/ya29\./)
    for (const cipherText of sent) expect(output).not.toContain(cipherText)

    // The server's SQLite, read-only while it runs: one sealed row for the client, under the configured key.
    const file = join(dataDir, 'backups.db')
    const db = new Database(file, { readonly: true, fileMustExist: true })
    try {
      const rows = db
        .prepare('SELECT backup_method, key_id, data FROM client_backups WHERE client_id = ?')
        .all(clientId) as Array<{ backup_method: string; key_id: string; data: Buffer }>
      expect(rows.map(({ backup_method, key_id }) => ({ backup_method, key_id }))).toEqual([
        { backup_method: 'PASSWORD', key_id: keyIdOf(secrets.BACKUP_ENCRYPTION_KEY) },
      ])
      for (const cipherText of sent) expect(rows[0]!.data.includes(Buffer.from(cipherText))).toBe(false)
    } finally {
      db.close()
    }
    // Nor anywhere in the database's files (the WAL holds every version written).
    const onDisk = ['', '-wal'].map((suffix) => join(dataDir, `backups.db${suffix}`)).filter((f) => existsSync(f))
    expect(onDisk).toContain(join(dataDir, 'backups.db'))
    for (const f of onDisk) for (const cipherText of sent) expect(readFileSync(f).includes(cipherText)).toBe(false)

    // SIGTERM ends `next start` as Next.js ends it on SIGTERM: exit code 143 (128 + 15), not a crash.
    expect(await stopNext()).toBe(143)
  })
})
