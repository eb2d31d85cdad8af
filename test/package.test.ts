// The published package as users get it: built once into a temp folder (the working tree's dist/ is left alone,
// other runs may be reading it), packed with npm, then checked by publint and arethetypeswrong.
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative, resolve } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'

const run = promisify(execFile)
const root = resolve(import.meta.dirname, '..')
const bin = (name: string) => join(root, 'node_modules', '.bin', name)
let pkgDir = ''

beforeAll(async () => {
  pkgDir = mkdtempSync(join(tmpdir(), 'rmb-pkg-'))
  const dist = join(pkgDir, 'dist')
  // The two halves of `npm run build`, aimed at the temp folder.
  await run(bin('vite'), ['build', '--outDir', dist, '--emptyOutDir', '--logLevel', 'error'], { cwd: root })
  await run(bin('tsc'), ['-p', 'tsconfig.server.json', '--outDir', dist], { cwd: root })
  for (const f of ['package.json', 'README.md', 'CHANGELOG.md', 'LICENSE'])
    if (existsSync(join(root, f))) cpSync(join(root, f), join(pkgDir, f))
  // The guides the README links to (docs/*.md), so its links work on npm and in node_modules too.
  cpSync(join(root, 'docs'), join(pkgDir, 'docs'), { recursive: true, filter: (f) => !f.includes('.vitepress') })
  // Shipped as written: the share-server contract and the check-server bin shim.
  for (const d of ['openapi', 'bin']) cpSync(join(root, d), join(pkgDir, d), { recursive: true })
}, 240_000)

afterAll(() => {
  if (pkgDir) rmSync(pkgDir, { recursive: true, force: true })
})

/** Runs a CLI and returns its exit code and output, without throwing on a non-zero exit. */
async function cli(file: string, args: string[]) {
  try {
    const { stdout, stderr } = await run(file, args, { cwd: pkgDir, maxBuffer: 16 * 1024 * 1024 })
    return { code: 0, output: stdout + stderr }
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string }
    return { code: typeof err.code === 'number' ? err.code : 1, output: `${err.stdout ?? ''}${err.stderr ?? ''}` }
  }
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((d) => d.isFile())
    .map((d) => relative(dir, join(d.parentPath, d.name)).split('\\').join('/'))
}

describe('the packed package', () => {
  test('publint --strict finds no error, warning or suggestion', async () => {
    const { code, output } = await cli(bin('publint'), ['--strict'])
    expect(output).toContain('All good!')
    expect(code, output).toBe(0)
  }, 120_000)

  test('arethetypeswrong finds the types of every entry point resolving (ESM-only profile)', async () => {
    // ESM-only by design (`"type": "module"`, no `require` condition): the esm-only profile skips the CJS and
    // node10 resolutions, and everything else must be green.
    // The stylesheet is not a module TypeScript can resolve (attw reports every CSS export as "Resolution failed");
    // the next test checks that it is built and published.
    // Packed here with --ignore-scripts (attw's own --pack would run `npm pack`, whose `prepare` would try to build in
    // this folder, which holds the build but not the sources).
    const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', pkgDir], {
      cwd: pkgDir,
    })
    const { code, output } = await cli(bin('attw'), [
      join(pkgDir, stdout.trim().split('\n').pop()!),
      '--profile',
      'esm-only',
      '--exclude-entrypoints',
      './styles.css',
      './openapi.yaml',
      './openapi/operator.yaml',
      '--format',
      'json',
    ])
    expect(code, output).toBe(0)
    const report = JSON.parse(output.slice(output.indexOf('{'))) as {
      analysis: { entrypoints: Record<string, unknown>; problems?: unknown[] }
      problems?: unknown[]
    }
    expect(Object.keys(report.analysis.entrypoints).sort()).toEqual([
      '.',
      './core',
      './locales/ar',
      './locales/de',
      './locales/en',
      './locales/es',
      './locales/fr',
      './locales/ja',
      './locales/pt-BR',
      './package.json',
      './server',
      './testing',
    ])
  }, 120_000)

  test('the package holds every guide the README links to', async () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8')
    const guides = [...readme.matchAll(/\]\((docs\/[^)#]+\.md)/g)].map((m) => m[1]!)
    expect(guides.length).toBeGreaterThanOrEqual(8)
    const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: pkgDir })
    const packed = (JSON.parse(stdout) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path)
    for (const guide of new Set(guides)) expect(packed, guide).toContain(guide)
  }, 120_000)

  test('every entry point in exports resolves to a built file', () => {
    const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as {
      exports: Record<string, string | Record<string, string>>
      bin: Record<string, string>
    }
    const targets = Object.values(pkg.exports).flatMap((t) => (typeof t === 'string' ? [t] : Object.values(t)))
    for (const t of [...targets, ...Object.values(pkg.bin)]) expect(existsSync(join(pkgDir, t)), t).toBe(true)
  })

  test('the stylesheet is published as written, and is the only file marked as having side effects', () => {
    const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as {
      exports: Record<string, unknown>
      sideEffects: unknown
    }
    expect(pkg.exports['./styles.css']).toBe('./dist/styles.css')
    expect(pkg.sideEffects).toEqual(['./dist/styles.css'])
    expect(readFileSync(join(pkgDir, 'dist', 'styles.css'), 'utf8')).toBe(
      readFileSync(join(root, 'src', 'styles.css'), 'utf8'),
    )
  })

  test("every built hook and component module keeps its 'use client' banner; core and testing modules have none", () => {
    const dist = join(pkgDir, 'dist')
    const js = filesUnder(dist).filter((f) => f.endsWith('.js'))
    const clientModules = js.filter((f) => /^(hooks|components)\//.test(f))
    const withBanner = (f: string) => /^\s*['"]use client['"];?/.test(readFileSync(join(dist, f), 'utf8'))
    // The modules whose source starts with the directive; WalletBackupContext.ts is plain createContext code.
    const expected = filesUnder(join(root, 'src'))
      .filter((f) => /^(hooks|components)\/[^/]+\.tsx?$/.test(f) && !/\.test\.tsx?$/.test(f))
      .filter((f) => /^\s*['"]use client['"]/.test(readFileSync(join(root, 'src', f), 'utf8')))
      .map((f) => f.replace(/\.tsx?$/, '.js'))
    expect(expected.length).toBeGreaterThanOrEqual(8)
    expect(
      expected.filter((f) => !clientModules.includes(f)),
      'built hook/component modules missing',
    ).toEqual([])
    expect(
      expected.filter((f) => !withBanner(f)),
      "lost their 'use client' banner",
    ).toEqual([])
    expect(js.filter((f) => /^(core|testing|server)\//.test(f) && withBanner(f))).toEqual([])
  })
})

// Issue #14, point 9: the server entry with only the drivers docs/server.md tells a user to install. The packed tarball
// is extracted as real files; the peers come from this repo's node_modules as symlinks (no registry in tests).
describe('the packed server entry with one database driver installed', () => {
  let tarball = ''
  const projects: string[] = []
  beforeAll(async () => {
    const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', pkgDir], {
      cwd: pkgDir,
    })
    tarball = join(pkgDir, stdout.trim().split('\n').pop()!)
  }, 120_000)
  afterAll(() => {
    for (const dir of projects) rmSync(dir, { recursive: true, force: true })
  })

  /** A project whose node_modules holds the tarball's files plus symlinks to the named peers. */
  async function project(peers: string[]): Promise<string> {
    const dir = mkdtempSync(join(tmpdir(), 'rmb-consumer-'))
    projects.push(dir)
    const target = join(dir, 'node_modules', 'react-mpc-backup')
    mkdirSync(target, { recursive: true })
    await run('tar', ['-xzf', tarball, '-C', target, '--strip-components=1'])
    for (const peer of peers) symlinkSync(join(root, 'node_modules', peer), join(dir, 'node_modules', peer), 'dir')
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }))
    writeFileSync(join(dir, 'roundTrip.mjs'), CONSUMER_SCRIPT)
    return dir
  }

  async function roundTrip(dir: string, env: Record<string, string>) {
    const { stdout } = await run(process.execPath, ['roundTrip.mjs'], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', ...env },
    })
    return JSON.parse(stdout) as { stored: number; read: number; cipherText: string; missing: string[] }
  }

  test('the tarball holds the share-server contract (react-mpc-backup/openapi.yaml) and the operator routes (react-mpc-backup/openapi/operator.yaml) as written', async () => {
    const dir = await project([])
    for (const file of ['share-server.yaml', 'operator.yaml']) {
      const shipped = join(dir, 'node_modules', 'react-mpc-backup', 'openapi', file)
      expect(readFileSync(shipped, 'utf8')).toBe(readFileSync(join(root, 'openapi', file), 'utf8'))
    }
  })

  test('`react-mpc-backup check-server` runs from the tarball with no peer installed and passes the bundled server', async () => {
    const dir = await project([])
    const { startServer, devHeaderAuthenticate, sqliteStore } = await import('../src/server/index.js')
    const running = await startServer({
      store: sqliteStore({ filename: ':memory:' }),
      authenticate: devHeaderAuthenticate(),
      webhookSecret: 'packed-webhook-secret',
      encryptionKey: randomBytes(32),
      port: 0,
    })
    try {
      const shim = join(dir, 'node_modules', 'react-mpc-backup', 'bin', 'react-mpc-backup.mjs')
      const { code, output } = await cli(process.execPath, [
        shim,
        'check-server',
        `${running.url}/api`,
        '--dev-header',
        '--client-a',
        'packed-a',
        '--client-b',
        'packed-b',
        '--webhook-secret',
        'packed-webhook-secret',
      ])
      expect(output).toMatch(/^13 passed, 0 failed$/m)
      expect(code, output).toBe(0)
      expect(output).not.toContain('packed-webhook-secret')
    } finally {
      await running.close()
    }
  }, 60_000)

  test('better-sqlite3 only (no express, no zod): imports, stores and reads a share over HTTP', async () => {
    const dir = await project(['better-sqlite3'])
    const result = await roundTrip(dir, { STORE: 'sqlite' })
    expect(result).toEqual({
      stored: 200,
      read: 200,
      cipherText: 'packed-cipher-text',
      missing: ['pg', 'express', 'zod'],
    })
  }, 60_000)

  test.skipIf(!process.env.DATABASE_URL && !process.env.TEST_DATABASE_URL)(
    'pg only (no express, no zod): imports, stores and reads a share over HTTP against PostgreSQL',
    async () => {
      const dir = await project(['pg'])
      const url = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || ''
      const result = await roundTrip(dir, {
        STORE: 'postgres',
        DATABASE_URL: url,
        SCHEMA: `rmb_pack_${randomBytes(4).toString('hex')}`,
      })
      expect(result).toEqual({
        stored: 200,
        read: 200,
        cipherText: 'packed-cipher-text',
        missing: ['better-sqlite3', 'express', 'zod'],
      })
    },
    60_000,
  )
})

const CONSUMER_SCRIPT = `
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createServer as createHttpServer } from 'node:http'
import { createServer, devHeaderAuthenticate, postgresStore, sqliteStore } from 'react-mpc-backup/server'

const missing = []
for (const name of ['pg', 'better-sqlite3', 'express', 'zod']) await import(name).catch(() => missing.push(name))
const dataDir = mkdtempSync(join(tmpdir(), 'rmb-consumer-data-'))
const store = process.env.STORE === 'postgres'
  ? postgresStore({ connectionString: process.env.DATABASE_URL, schema: process.env.SCHEMA })
  : sqliteStore({ filename: join(dataDir, 'backups.db') })
const { handler, close } = createServer({
  store,
  authenticate: devHeaderAuthenticate(),
  webhookSecret: randomBytes(32).toString('base64url'),
  encryptionKey: randomBytes(32),
  devInspector: false,
})
const server = await new Promise((resolve) => { const s = createHttpServer(handler).listen(0, '127.0.0.1', () => resolve(s)) })
const base = 'http://127.0.0.1:' + server.address().port + '/api/clients/packed-client/backup'
const headers = { 'content-type': 'application/json', 'x-client-id': 'packed-client' }
const stored = await fetch(base, { method: 'POST', headers, body: JSON.stringify({ backupMethod: 'PASSWORD', cipherText: 'packed-cipher-text' }) })
const read = await fetch(base + '?backupMethod=PASSWORD', { headers })
const body = await read.json()
server.close()
await close()
if (process.env.STORE === 'postgres') {
  const pg = (await import('pg')).default
  const admin = new pg.Pool({ connectionString: process.env.DATABASE_URL })
  await admin.query('DROP SCHEMA IF EXISTS ' + process.env.SCHEMA + ' CASCADE').finally(() => admin.end())
}
rmSync(dataDir, { recursive: true, force: true })
console.log(JSON.stringify({ stored: stored.status, read: read.status, cipherText: body.cipherText, missing }))
`
