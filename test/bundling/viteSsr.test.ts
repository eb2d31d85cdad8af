// An app's own bundler bundles the kit's server half: Vite's SSR build with `react-mpc-backup` in `ssr.noExternal`
// (without it the kit would stay an import of node_modules and nothing would be bundled). The app's server entry
// imports `react-mpc-backup/server` as installed (the server half of `npm run build`), the bundle is run by Node, and
// it must store and serve a backup over loopback HTTP on SQLite (its writer thread included) and on PostgreSQL, with
// the installed kit removed after the build (the bundle must not read it at run time).
// better-sqlite3 and pg stay external: they are drivers Node loads from node_modules, as Vite leaves every dependency
// not named in noExternal.
import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import Database from 'better-sqlite3'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { postgresSkipReason, postgresUrl } from '../server/support/stores.js'

const run = promisify(execFile)
const root = resolve(import.meta.dirname, '..', '..')
let work = ''
let app = ''

/** The app's server entry: the kit's bundled server on the store named by STORE. */
const serverEntry = `
import { devHeaderAuthenticate, postgresStore, sqliteStore, startServer } from 'react-mpc-backup/server'

const env = process.env
const store =
  env.STORE === 'postgres'
    ? postgresStore({ connectionString: env.PG_URL, schema: env.PG_SCHEMA })
    : sqliteStore({ filename: env.SQLITE_FILE })
const server = await startServer({
  store,
  authenticate: devHeaderAuthenticate(),
  webhookSecret: 'bundled-webhook-secret-0123456789',
  encryptionKey: Buffer.from(env.ENCRYPTION_KEY, 'base64'),
  port: 0,
})
process.stdout.write(JSON.stringify({ url: server.url }) + '\\n')
process.once('SIGTERM', () => void server.close().then(() => process.exit(0)))
`

/** The app's Vite config; `output` goes to Rolldown (one case turns code splitting off). */
const viteConfig = (outDir: string, output: Record<string, unknown> = {}) => `
export default {
  logLevel: 'warn',
  build: {
    ssr: 'server.js',
    outDir: ${JSON.stringify(outDir)},
    emptyOutDir: true,
    target: 'node20',
    minify: false,
    rolldownOptions: { output: ${JSON.stringify(output)} },
  },
  ssr: { noExternal: ['react-mpc-backup'] },
}
`

/** `vite build` in the app folder (Vite's own CLI, as the app's build script runs it) with that config. */
async function viteBuild(outDir: string, output?: Record<string, unknown>): Promise<void> {
  writeFileSync(join(app, 'vite.config.js'), viteConfig(outDir, output))
  await run(process.execPath, [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build'], { cwd: app })
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'rmb-vite-ssr-'))
  app = join(work, 'app')
  const kit = join(app, 'node_modules', 'react-mpc-backup')
  // The server half of `npm run build`, installed in the app as npm would (a copy, not a link).
  await run(join(root, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.server.json', '--outDir', join(kit, 'dist')], {
    cwd: root,
  })
  cpSync(join(root, 'package.json'), join(kit, 'package.json'))
  // Everything else this repository has installed (vite, express, zod, better-sqlite3, pg...).
  for (const entry of readdirSync(join(root, 'node_modules')))
    if (entry !== 'react-mpc-backup' && entry !== '.cache' && entry !== '.bin')
      symlinkSync(join(root, 'node_modules', entry), join(app, 'node_modules', entry))
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'bundled-app', private: true, type: 'module' }))
  writeFileSync(join(app, 'server.js'), serverEntry)
  await viteBuild('out')
  await viteBuild('out-one-file', { inlineDynamicImports: true })
  // What runs is the bundle alone, beside the drivers: nothing may still be read from the installed kit.
  rmSync(kit, { recursive: true })
}, 240_000)

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true })
})

/** Runs the bundle with `env`; resolves with its URL once it listens, rejects with its output if it exits first. */
function startBundle(
  env: Record<string, string>,
  outDir = 'out',
): Promise<{ url: string; child: ChildProcess; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [join(app, outDir, 'server.js')], {
    cwd: app,
    env: { PATH: process.env.PATH ?? '', ENCRYPTION_KEY: randomBytes(32).toString('base64'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => void (stderr += chunk))
  const exited = new Promise<void>((r) => child.once('exit', () => r()))
  return new Promise((resolveStart, rejectStart) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk
      const line = stdout.split('\n')[0]
      if (stdout.includes('\n') && line)
        resolveStart({
          url: (JSON.parse(line) as { url: string }).url,
          child,
          stop: async () => {
            child.kill('SIGTERM')
            await exited
          },
        })
    })
    child.once('exit', (code, signal) =>
      rejectStart(new Error(`the bundled server exited (${code ?? signal}) before listening:\n${stderr}${stdout}`)),
    )
  })
}

/** POST then GET of one backup through the bundled server. */
async function roundTrip(url: string): Promise<{ clientId: string; cipherText: string }> {
  const clientId = `bundled-${randomBytes(4).toString('hex')}`
  const cipherText = `ct-${randomBytes(12).toString('base64url')}`
  const headers = { 'content-type': 'application/json', 'x-client-id': clientId }
  const post = await fetch(`${url}/api/clients/${clientId}/backup`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ backupMethod: 'GDRIVE', cipherText, keyVersion: 1 }),
  })
  expect(post.status, await post.clone().text()).toBe(200)
  const get = await fetch(`${url}/api/clients/${clientId}/backup?backupMethod=GDRIVE`, { headers })
  expect(get.status).toBe(200)
  expect(await get.json()).toMatchObject({ cipherText, backupMethod: 'GDRIVE', keyVersion: 1 })
  return { clientId, cipherText }
}

describe("Vite's SSR build bundles react-mpc-backup/server into an app's server", () => {
  test('the bundle holds the kit itself, not an import of it', () => {
    const files = readdirSync(join(app, 'out'), { recursive: true })
      .map(String)
      .filter((f) => f.endsWith('.js'))
    const code = files.map((f) => readFileSync(join(app, 'out', f), 'utf8')).join('\n')
    // No `from 'react-mpc-backup...'`, `import('react-mpc-backup...')` or `require('react-mpc-backup...')` left.
    expect(code).not.toMatch(/(\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*)["']react-mpc-backup/)
    // Strings of the kit's own modules: the store, the writer thread, the router.
    expect(code).toContain('sqliteStore needs the better-sqlite3 package')
    expect(code).toContain('INSERT INTO client_backups')
    expect(code).toContain('backup_not_found')
    // The writer thread's module is a chunk of its own (code splitting), which the store's worker runs.
    const writerChunks = files.filter(
      (f) =>
        f !== 'server.js' && readFileSync(join(app, 'out', f), 'utf8').includes('sqliteStore writer: no read named'),
    )
    expect(writerChunks).toHaveLength(1)
  })

  test('on SQLite: the bundled server answers a backup POST and GET, and the writer thread wrote the sealed row', async () => {
    const filename = join(work, 'data', 'backups.db')
    mkdirSync(join(work, 'data'), { recursive: true })
    const server = await startBundle({ STORE: 'sqlite', SQLITE_FILE: filename })
    try {
      const { clientId, cipherText } = await roundTrip(server.url)
      const db = new Database(filename, { readonly: true })
      try {
        const row = db.prepare('SELECT data FROM client_backups WHERE client_id = ?').get(clientId) as
          | { data: Buffer }
          | undefined
        expect(row?.data.length).toBeGreaterThan(0)
        // Sealed at rest: the cipherText is not in the row as sent.
        expect(row?.data.includes(Buffer.from(cipherText))).toBe(false)
      } finally {
        db.close()
      }
    } finally {
      await server.stop()
    }
  })

  test.skipIf(!postgresUrl)('on PostgreSQL: the bundled server answers a backup POST and GET', async () => {
    const schema = `rmb_bundle_${randomBytes(6).toString('hex')}`
    const server = await startBundle({ STORE: 'postgres', PG_URL: postgresUrl, PG_SCHEMA: schema })
    try {
      await roundTrip(server.url)
    } finally {
      await server.stop()
      const admin = new pg.Client({ connectionString: postgresUrl })
      await admin.connect()
      try {
        await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
      } finally {
        await admin.end()
      }
    }
  })
  if (!postgresUrl) console.warn(`viteSsr: ${postgresSkipReason}`)

  test('without code splitting (one output file) the SQLite store refuses to start its writer, saying why', async () => {
    // Vite leaves `new Worker(new URL(...))` alone in SSR builds; the store then reaches its writer through a dynamic
    // import. Inlined into the app's own file, a worker on it would run the whole app a second time: refused instead.
    const filename = join(work, 'data', 'one-file.db')
    const outcome = await startBundle({ STORE: 'sqlite', SQLITE_FILE: filename }, 'out-one-file').then(
      async (server) => {
        await server.stop()
        return 'it started and listened'
      },
      (error: Error) => error.message,
    )
    expect(outcome).toMatch(/sqliteStore cannot start its writer thread: the bundler neither emitted/)
  })
})
