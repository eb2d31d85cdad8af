// Issue #27, point 3: everything that can be checked before serving is checked before serving (the store's driver,
// its database, the encryption key), by one `ready()` on every host and by startServer; a failure names the fix, and
// an unexpected error is logged by class and code, never by a message that could quote input.
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import type { BackupStore } from '../../src/server/index.js'
import {
  ServerConfigError,
  createNodeHandler,
  createWebHandler,
  devHeaderAuthenticate,
  postgresStore,
  sqliteStore,
  startServer,
} from '../../src/server/index.js'
import { KEY_A, KEY_B, WEBHOOK_SECRET, postBackup, serveRouter, uniqueClient } from './support/http.js'
import { postgresSkipReason, postgresUrl } from './support/stores.js'

const run = promisify(execFile)
const dirs: string[] = []
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})
const tempDb = () => {
  const dir = mkdtempSync(join(tmpdir(), 'rmb-ready-'))
  dirs.push(dir)
  return join(dir, 'backups.db')
}
const base = { authenticate: devHeaderAuthenticate(), webhookSecret: WEBHOOK_SECRET }

/** The fixture server started in a child process, with `hide` made uninstalled. */
async function startInChild(storeName: 'sqlite' | 'postgres', hide: string, databaseUrl = '') {
  const { stdout } = await run(
    process.execPath,
    [
      '--import',
      'tsx',
      '--import',
      './test/server/fixtures/withoutDriver.mjs',
      'test/server/fixtures/startWithStore.ts',
    ],
    {
      env: {
        PATH: process.env.PATH ?? '',
        RMB_STORE: storeName,
        RMB_HIDE_PACKAGE: hide,
        RMB_DATABASE_URL: databaseUrl,
      },
    },
  )
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as { started: boolean; name?: string; message?: string }
}

describe('start-up fails loudly', () => {
  it('a missing driver stops start-up with the package to install (better-sqlite3, pg)', async () => {
    expect(await startInChild('sqlite', '')).toEqual({ started: true })
    expect(await startInChild('sqlite', 'better-sqlite3')).toEqual({
      started: false,
      name: 'ServerConfigError',
      message: 'sqliteStore is not ready: the better-sqlite3 package is not installed (npm install better-sqlite3)',
    })
    expect(await startInChild('postgres', 'pg', 'postgres://nobody@127.0.0.1:1/none')).toEqual({
      started: false,
      name: 'ServerConfigError',
      message: 'postgresStore is not ready: the pg package is not installed (npm install pg)',
    })
  }, 60_000)

  it('an unreachable database stops start-up and ready() on every host, naming the fix and no password', async () => {
    const secret = randomBytes(9).toString('hex')
    const options = () => ({
      ...base,
      store: postgresStore({ connectionString: `postgres://app:${secret}@127.0.0.1:1/app` }),
      encryptionKey: KEY_A,
    })
    const refused = /^postgresStore is not ready: connection refused: is the database running/
    const started = startServer({ ...options(), port: 0 })
    await expect(started).rejects.toThrow(ServerConfigError)
    await expect(started).rejects.toThrow(refused)
    for (const host of [createWebHandler(options()), createNodeHandler(options())]) {
      const failure = await host.ready().then(
        () => undefined,
        (e: unknown) => e as Error,
      )
      expect(failure).toBeInstanceOf(ServerConfigError)
      expect(failure?.message).toMatch(refused)
      expect(failure?.message).not.toContain(secret)
    }
  })

  it('without a start-up hook (a web handler), a request answers 503 not_ready until the database is there, then serves', async () => {
    const logged: string[] = []
    let store: BackupStore = postgresStore({ connectionString: 'postgres://app@127.0.0.1:1/app' })
    const handler = createWebHandler({
      ...base,
      basePath: '/api',
      encryptionKey: KEY_A,
      logger: { error: (m) => logged.push(m) },
      // The store the handler holds comes up later: a wrapper that switches to a working store (as a database
      // that starts after the app would).
      store: {
        put: (...a) => store.put(...a),
        get: (...a) => store.get(...a),
        list: (...a) => store.list(...a),
        putWebhook: (...a) => store.putWebhook(...a),
        listWebhook: (...a) => store.listWebhook(...a),
        getIdempotency: (...a) => store.getIdempotency(...a),
        erase: (...a) => store.erase(...a),
        ready: () => store.ready?.() ?? Promise.resolve(),
        close: () => store.close(),
      },
    })
    const clientId = uniqueClient()
    const post = () =>
      handler(
        new Request(`http://app.test/api/clients/${clientId}/backup`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-client-id': clientId },
          body: JSON.stringify({ backupMethod: 'GDRIVE', cipherText: 'ct-ready' }),
        }),
      )
    const early = await post()
    expect(early.status).toBe(503)
    expect(await early.json()).toEqual({ error: { code: 'not_ready' } })
    expect(logged.at(-1)).toMatch(/not_ready: postgresStore is not ready: connection refused/)
    await store.close()
    store = sqliteStore({ filename: tempDb() })
    expect((await post()).status).toBe(200)
    await store.close()
  })

  it('a wrong encryption key stops start-up and ready() (naming the key ids), and serves nothing meanwhile', async () => {
    const filename = tempDb()
    const first = sqliteStore({ filename })
    const api = await serveRouter(first, { encryptionKey: KEY_A })
    expect((await postBackup(api.base, uniqueClient(), { backupMethod: 'GDRIVE', cipherText: 'under-a' })).status).toBe(
      200,
    )
    await api.close()
    await first.close()

    const wrong = sqliteStore({ filename })
    const started = startServer({ ...base, store: wrong, encryptionKey: KEY_B, port: 0 })
    await expect(started).rejects.toThrow(/opens none of the 1 newest stored rows .*refusing to start/)
    const handler = createNodeHandler({ ...base, store: sqliteStore({ filename }), encryptionKey: KEY_B })
    await expect(handler.ready()).rejects.toThrow(/opens none of the 1 newest stored rows/)
    // The right key (with the new one as current) is ready.
    const right = createNodeHandler({
      ...base,
      store: sqliteStore({ filename }),
      encryptionKey: { current: 'new', keys: { new: KEY_B, old: KEY_A } },
    })
    expect(await right.ready()).toMatchObject({ sampled: 1, opened: 1 })
  })

  it.skipIf(!postgresUrl)(
    'an unexpected store error is logged by class and code, never by its message (no input, no secret)',
    async () => {
      const logged: string[] = []
      const share = `share-${randomBytes(12).toString('hex')}`
      const inner = postgresStore({
        connectionString: postgresUrl,
        schema: `rmb_ready_${randomBytes(4).toString('hex')}`,
      })
      // A driver error whose message quotes the input (as a unique-violation or cast error does).
      const failing: BackupStore = {
        ...inner,
        put: async () => {
          throw Object.assign(new Error(`duplicate key value (cipher_text)=(${share})`), {
            name: 'DatabaseError',
            code: '23505',
          })
        },
        ready: () => inner.ready!(),
        close: () => inner.close(),
      }
      const api = await serveRouter(failing, { logger: { error: (m) => logged.push(m) } })
      try {
        const res = await postBackup(api.base, uniqueClient(), { backupMethod: 'GDRIVE', cipherText: share })
        expect(res.status).toBe(500)
        expect(await res.json()).toEqual({ error: { code: 'internal_error' } })
        expect(logged).toEqual([
          '[react-mpc-backup] internal_error: DatabaseError 23505 (POST /clients/:clientId/backup)',
        ])
        expect(logged.join('\n')).not.toContain(share)
        expect(logged.join('\n')).not.toContain(WEBHOOK_SECRET)
      } finally {
        await api.close()
        await inner.maintenance?.ping().catch(() => {})
        await inner.close()
      }
    },
  )
  if (!postgresUrl) it.skip(postgresSkipReason, () => {})
})
