// The client and server snippets of the README and of the guides in docs/ as a new user copies them: every
// TypeScript/TSX block is type-checked (strict, the repository's tsconfig, the package's names resolving to its
// sources as for the testing-kit block), and the server block (docs/server.md) is run with `tsx`: it starts on a free
// port, stores a share through the API and reads it back. The sign-in blocks (minting, the cookie authenticate) are
// run with `tsx` too, by a small program of a user's.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { createServer as createNetServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, test } from 'vitest'
import { signJwt } from '../server/support/http.js'

const root = fileURLToPath(new URL('../..', import.meta.url))
// The README, then every page of docs/ (the guides, in name order).
const pages = [
  'README.md',
  ...readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => `docs/${f}`),
]
const texts = new Map(pages.map((page) => [page, readFileSync(join(root, page), 'utf8')]))
const blocks = pages.flatMap((page) =>
  [...texts.get(page)!.matchAll(/```(tsx?)\n([\s\S]*?)```/g)].map((m) => ({
    page,
    at: m.index,
    lang: m[1]!,
    code: m[2]!,
  })),
)
// Checked elsewhere, character for character: the testing-kit test file and the @portal-hq/web declaration
// (test/readme.test.ts); the one-line stylesheet import is a CSS side effect.
const testingKit = readFileSync(join(root, 'test/readme/testingKit.browser.test.tsx'), 'utf8')
const checkedElsewhere = (code: string) =>
  code === testingKit ||
  code.startsWith('// Types for @portal-hq/web') ||
  code.trim() === "import 'react-mpc-backup/styles.css'"
const snippets = blocks.filter((b) => !checkedElsewhere(b.code))
const server = snippets.find((b) => b.code.startsWith('// server.ts'))

// A folder outside the repository, as a user's app would be, seeing the repository's node_modules.
const dir = mkdtempSync(join(tmpdir(), 'rmb-readme-'))
symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir')
writeFileSync(
  join(dir, 'tsconfig.json'),
  JSON.stringify({ extends: join(root, 'tsconfig.json'), include: ['*.ts', '*.tsx'] }),
)
const files = snippets.map((b, i) => {
  const name = b === server ? 'server.ts' : `snippet${i}.${b.lang}`
  writeFileSync(join(dir, name), b.code)
  return name
})

let child: ChildProcess | undefined
afterAll(() => {
  child?.kill()
  rmSync(dir, { recursive: true, force: true })
})

describe('README and guide snippets', () => {
  test('the client blocks (quick start, hook, recovery, erasure, Next.js) and the server block are all there', () => {
    expect(files).toContain('server.ts')
    expect(server!.page).toBe('docs/server.md')
    expect(new Set(snippets.map((b) => b.page))).toEqual(
      new Set(['README.md', 'docs/client.md', 'docs/server.md', 'docs/backend.md']),
    )
    expect(snippets.map((b) => b.code)).toEqual(
      expect.arrayContaining([
        expect.stringContaining('const portal = new Portal('),
        expect.stringContaining('useWalletBackup('),
        expect.stringContaining('<RecoverButton'),
        expect.stringContaining('useEraseBackup('),
        expect.stringMatching(/^'use client'/),
        expect.stringContaining("from 'react-mpc-backup/locales/es'"),
      ]),
    )
  })

  test('every snippet type-checks as written', () => {
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
    const run = spawnSync(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json')], { encoding: 'utf8' })
    expect(run.stdout + run.stderr, files.join(', ')).toBe('')
    expect(run.status).toBe(0)
  }, 120_000)

  test("the sign-in snippets run: the minted token passes the guide's authenticate; the cookie one takes its own session only", () => {
    const file = (marker: string) => {
      const name = files[snippets.findIndex((b) => b.code.includes(marker))]
      expect(name, marker).toBeDefined()
      return `../${name!.replace(/\.ts$/, '.js')}`
    }
    // Outside the folder the type check reads: a user's server with the two snippets, through the web handler (real
    // headers and cookies). A read that answers 404 backup_not_found was signed in; 401 was refused.
    mkdirSync(join(dir, 'run'), { recursive: true })
    writeFileSync(
      join(dir, 'run', 'signIn.ts'),
      `import { authenticate, backupTokenFor } from '${file('export function backupTokenFor')}'
import { cookieAuthenticate, sessionCookieValue } from '${file('export const cookieAuthenticate')}'
import { createWebHandler, sqliteStore } from 'react-mpc-backup/server'

const secret = process.env.SESSION_SECRET!
const options = { webhookSecret: 'w'.repeat(32), encryptionKey: Buffer.alloc(32, 7).toString('base64'), logger: { error() {} } }
const jwtStore = sqliteStore({ filename: 'run/jwt.db' })
const cookieStore = sqliteStore({ filename: 'run/cookie.db' })
const withToken = createWebHandler({ ...options, basePath: '/api', store: jwtStore, authenticate })
const withCookie = createWebHandler({ ...options, basePath: '/api', store: cookieStore, authenticate: cookieAuthenticate })
// 404 backup_not_found: signed in (no backup yet); 401: refused.
const read = async (handler: typeof withToken, clientId: string, headers: Record<string, string>) =>
  (await handler(new Request(\`http://app.example/api/clients/\${clientId}/backup\`, { headers }))).status
const good = sessionCookieValue('client.with.dots', secret)
const token = backupTokenFor('client-1')
// No top-level await: the folder is not an ES module package, so tsx runs this, the snippets and the kit as one
// CommonJS graph (one ServerConfigError class, as in an app).
void (async () => {
const results = {
  minted: await read(withToken, 'client-1', { authorization: \`Bearer \${token}\` }),
  otherToken: await read(withToken, 'client-1', { authorization: \`Bearer \${token.slice(0, -2)}\` }),
  session: await read(withCookie, 'client.with.dots', { cookie: \`theme=dark; rmb_session=\${good}; other=1\` }),
  tampered: await read(withCookie, 'client.with.dotz', { cookie: \`rmb_session=\${good.replace('dots', 'dotz')}\` }),
  expired: await read(withCookie, 'client-1', { cookie: \`rmb_session=\${sessionCookieValue('client-1', secret, -1)}\` }),
  otherSecret: await read(withCookie, 'client-1', { cookie: \`rmb_session=\${sessionCookieValue('client-1', \`\${secret}x\`)}\` }),
  none: await read(withCookie, 'client-1', {}),
  noSecret: await (async () => { delete process.env.SESSION_SECRET; return read(withCookie, 'client.with.dots', { cookie: \`rmb_session=\${good}\` }) })(),
}
await Promise.all([jwtStore.close(), cookieStore.close()])
console.log(JSON.stringify(results))
})()
`,
    )
    const env = {
      PATH: process.env.PATH,
      AUTH_JWT_SECRET: randomBytes(32).toString('base64'),
      SESSION_SECRET: randomBytes(32).toString('base64'),
    }
    const run = spawnSync(process.execPath, ['--import', 'tsx', join('run', 'signIn.ts')], {
      cwd: dir,
      env,
      encoding: 'utf8',
    })
    expect(run.stderr).toBe('')
    expect(JSON.parse(run.stdout)).toEqual({
      minted: 404,
      otherToken: 401,
      session: 404,
      tampered: 401,
      expired: 401,
      otherSecret: 401,
      none: 401,
      noSecret: 503,
    })
  }, 60_000)

  test('the server snippet runs: it listens, stores a share and serves it back to its owner', async () => {
    const jwtSecret = randomBytes(32).toString('base64')
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      PORT: '0',
      AUTH_JWT_SECRET: jwtSecret,
      WEBHOOK_SECRET: randomBytes(32).toString('base64'),
      BACKUP_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    }
    child = spawn(process.execPath, ['--import', 'tsx', 'server.ts'], { cwd: dir, env })
    let output = ''
    child.stderr?.on('data', (d) => (output += String(d)))
    const base = await new Promise<string>((resolve, reject) => {
      child!.stdout?.on('data', (d) => {
        output += String(d)
        const m = /backup API on (http:\/\/127\.0\.0\.1:\d+\/api)/.exec(output)
        if (m) resolve(m[1]!)
      })
      child!.once('exit', (code) => reject(new Error(`server.ts exited (${code}): ${output}`)))
    })

    const clientId = `readme-${randomBytes(4).toString('hex')}`
    const now = Math.floor(Date.now() / 1000)
    const auth = { authorization: `Bearer ${signJwt({ sub: clientId, iat: now, exp: now + 600 }, jwtSecret)}` }
    const url = `${base}/clients/${clientId}/backup`
    const backup = { backupMethod: 'PASSWORD', cipherText: 'c2hhcmU', keyVersion: 'v1', keyFileId: 'drive-file-1' }
    const post = await fetch(url, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify(backup),
    })
    expect(post.status, await post.clone().text()).toBe(200)
    const get = await fetch(url, { headers: auth })
    expect(get.status).toBe(200)
    expect(await get.json()).toMatchObject(backup)
    expect((await fetch(url)).status).toBe(401)

    const exited = new Promise((resolve) => child!.once('exit', resolve))
    child.kill('SIGTERM')
    await exited
  }, 60_000)
})

// Issue #27: the server block as a new user meets it, before it ever stores a share.
describe('the server block (docs/server.md): install and start-up', () => {
  test('the install line above it installs everything it runs: its imports, its driver, and tsx for `npx tsx`', () => {
    const text = texts.get(server!.page)!
    const install = [...text.slice(0, server!.at).matchAll(/```sh\n([\s\S]*?)```/g)].pop()![1]!
    const installed = install
      .split('\n')
      .filter((line) => /^npm i(nstall)? /.test(line))
      .flatMap((line) => line.replace(/#.*/, '').trim().split(/\s+/).slice(2))
      .filter((word) => !word.startsWith('-'))
    const imported = [...server!.code.matchAll(/^import (?:type )?[^'"]*'([^'.][^']*)'/gm)]
      .filter((m) => !m[0].startsWith('import type') && !m[1]!.startsWith('node:'))
      .map((m) =>
        m[1]!
          .split('/')
          .slice(0, m[1]!.startsWith('@') ? 2 : 1)
          .join('/'),
      )
    const needed = new Set(imported)
    // The stores load their driver when created: the one the block creates without DATABASE_URL must be installed.
    if (server!.code.includes('sqliteStore(')) needed.add('better-sqlite3')
    if (/npx tsx server\.ts/.test(server!.code)) needed.add('tsx')
    expect([...needed].filter((name) => !installed.includes(name))).toEqual([])
    expect(needed.size).toBeGreaterThanOrEqual(4)
  })

  test('on a busy port it exits 1 saying why (EADDRINUSE), not with a TypeError', async () => {
    // A fresh database: the one the run above left holds a row sealed with its own key, which this run's new key
    // cannot open (the example would rightly stop before listening, naming that instead).
    for (const suffix of ['', '-wal', '-shm']) rmSync(join(dir, `backups.db${suffix}`), { force: true })
    const busy = createNetServer()
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve))
    try {
      const port = (busy.address() as AddressInfo).port
      const env: NodeJS.ProcessEnv = {
        PATH: process.env.PATH,
        PORT: String(port),
        AUTH_JWT_SECRET: randomBytes(32).toString('base64'),
        WEBHOOK_SECRET: randomBytes(32).toString('base64'),
        BACKUP_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      }
      const run = spawn(process.execPath, ['--import', 'tsx', 'server.ts'], { cwd: dir, env })
      let output = ''
      run.stdout.on('data', (d) => (output += String(d)))
      run.stderr.on('data', (d) => (output += String(d)))
      const code = await new Promise<number | null>((resolve) => run.once('exit', resolve))
      expect(output).toContain('EADDRINUSE')
      expect(output).toContain(String(port))
      expect(output).not.toMatch(/TypeError|backup API on/)
      expect(code, output).toBe(1)
    } finally {
      busy.close()
    }
  }, 60_000)
})
