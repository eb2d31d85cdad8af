// Issue #27: with default options the PostgreSQL store keeps its tables in a schema of its own (react_mpc_backup),
// finds an install that today's main made in `public` and keeps serving it there, and leaves an app's own
// `public.schema_migrations` alone. Each test runs in a database of its own: these tests look at `public`, which
// the other files running in parallel on the cluster must not share.
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { describe, expect, it } from 'vitest'
import { type BackupStore, postgresStore } from '../../src/server/index.js'
import {
  FIXTURE_SCHEMA,
  readFixture,
  TEST_ONLY_AT_REST_KEY,
  TEST_ONLY_WEBHOOK_SECRET,
} from '../fixtures/upgrade/upgradeFixture.js'
import { getBackup, postBackup, serveRouter, uniqueClient } from './support/http.js'
import { postgresSkipReason, postgresUrl } from './support/stores.js'

if (!postgresUrl) console.warn(`PostgreSQL own schema: ${postgresSkipReason}`)

const KIT_SCHEMA = 'react_mpc_backup'
const KIT_TABLES = ['client_backups', 'custodian_shares', 'idempotency_keys', 'rate_limits', 'schema_migrations']

/** A fresh database on the test cluster; `drop` removes it (after every store on it is closed). */
async function freshDatabase(): Promise<{ url: string; admin: pg.Pool; drop(): Promise<void> }> {
  const name = `rmb_test_${randomBytes(6).toString('hex')}`
  const server = new pg.Pool({ connectionString: postgresUrl, max: 1 })
  await server.query(`CREATE DATABASE ${name}`)
  const url = new URL(postgresUrl)
  url.pathname = `/${name}`
  const admin = new pg.Pool({ connectionString: url.toString(), max: 2 })
  return {
    url: url.toString(),
    admin,
    async drop() {
      await admin.end()
      // A pool's end() resolves while its connections may still be closing on the server; a forced drop then sends
      // them a FATAL that surfaces as an unhandled error (seen on a loaded CI machine). Wait until they are gone.
      await expect
        .poll(
          async () =>
            (await server.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [name])).rows[0]
              .n,
          { timeout: 60_000 },
        )
        .toBe(0)
      await server.query(`DROP DATABASE IF EXISTS ${name}`)
      await server.end()
    },
  }
}

/** The kit's relations (tables and its sequence) in a schema, by name. */
async function kitRelations(admin: pg.Pool, schema: string): Promise<string[]> {
  const res = await admin.query<{ relname: string }>(
    `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = $1 AND c.relname = ANY($2) ORDER BY c.relname`,
    [schema, [...KIT_TABLES, 'backup_seq']],
  )
  return res.rows.map((r) => r.relname)
}

async function schemaExists(admin: pg.Pool, schema: string): Promise<boolean> {
  return (await admin.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema])).rowCount === 1
}

/** A POST then a GET of a new client through the router on `store`: both answer 200 with the backup. */
async function roundTrip(store: BackupStore): Promise<void> {
  const api = await serveRouter(store)
  try {
    const clientId = uniqueClient()
    const body = { backupMethod: 'GDRIVE', cipherText: `ct-${clientId}`, keyVersion: 1 }
    const posted = await postBackup(api.base, clientId, body, { 'idempotency-key': `${clientId}:1` })
    expect(posted.status, await posted.clone().text()).toBe(200)
    const read = await getBackup(api.base, clientId, 'GDRIVE')
    expect(read.status).toBe(200)
    expect(await read.json()).toMatchObject({ cipherText: body.cipherText })
    expect(api.logged).toEqual([])
  } finally {
    await api.close()
  }
}

describe.skipIf(!postgresUrl)('PostgreSQL store: a schema of its own by default (issue #27)', () => {
  it('a new database: two stores starting at once put their tables in react_mpc_backup, none in public', async () => {
    const db = await freshDatabase()
    const stores = [postgresStore({ connectionString: db.url }), postgresStore({ connectionString: db.url })]
    try {
      await Promise.all(stores.map((s) => roundTrip(s)))
      expect(await kitRelations(db.admin, KIT_SCHEMA)).toEqual([...KIT_TABLES, 'backup_seq'].sort())
      expect(await kitRelations(db.admin, 'public')).toEqual([])
      // Both wrote to the same tables: each reads the other's rows.
      expect(await stores[0]!.list()).toHaveLength(2)
      expect(await stores[1]!.list()).toHaveLength(2)
    } finally {
      await Promise.all(stores.map((s) => s.close()))
      await db.drop()
    }
  })

  it("an app's own public.schema_migrations (Rails' shape) is left as it was; backups go to react_mpc_backup", async () => {
    const db = await freshDatabase()
    const snapshot = async () => ({
      columns: (
        await db.admin.query(
          `SELECT column_name, data_type, is_nullable FROM information_schema.columns
           WHERE table_schema = 'public' AND table_name = 'schema_migrations' ORDER BY ordinal_position`,
        )
      ).rows,
      rows: (await db.admin.query('SELECT version FROM public.schema_migrations ORDER BY version')).rows,
      publicTables: (
        await db.admin.query(
          `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
        )
      ).rows,
    })
    await db.admin.query(`
      CREATE TABLE public.schema_migrations (version character varying NOT NULL PRIMARY KEY);
      CREATE TABLE public.ar_internal_metadata (key character varying PRIMARY KEY, value character varying);
      INSERT INTO public.schema_migrations VALUES ('20240101000000'), ('20240215093000'), ('20250301120000');
      INSERT INTO public.ar_internal_metadata VALUES ('environment', 'production');
    `)
    const before = await snapshot()
    const store = postgresStore({ connectionString: db.url })
    try {
      await roundTrip(store)
      expect(await snapshot()).toEqual(before)
      expect(await kitRelations(db.admin, KIT_SCHEMA)).toEqual([...KIT_TABLES, 'backup_seq'].sort())
      expect(await kitRelations(db.admin, 'public')).toEqual(['schema_migrations'])
    } finally {
      await store.close()
      await db.drop()
    }
  })

  it("a database today's main migrated into public: every fixture row served after the upgrade, no kit schema made", async () => {
    const db = await freshDatabase()
    const { world, sql } = readFixture('postgres')
    const client = await db.admin.connect()
    try {
      // The dump as main wrote it, into public (which a new database already has).
      await client.query(
        sql.replaceAll(`CREATE SCHEMA ${FIXTURE_SCHEMA};`, '').replaceAll(`${FIXTURE_SCHEMA}.`, 'public.'),
      )
    } finally {
      // The dump sets session state (search_path): this connection is not reused.
      client.release(true)
    }
    const backups = (
      await db.admin.query<{ client_id: string; backup_method: string; data: Buffer; key_file_id: string }>(
        'SELECT client_id, backup_method, data, key_file_id FROM public.client_backups ORDER BY client_id',
      )
    ).rows
    const shares = (await db.admin.query<{ client_id: string; data: Buffer }>('SELECT * FROM public.custodian_shares'))
      .rows
    const keys = (
      await db.admin.query<{ client_id: string; idem_key: string; body: string }>(
        'SELECT * FROM public.idempotency_keys',
      )
    ).rows
    expect(backups.map((b) => b.client_id)).toEqual(world.clients.map((c) => c.clientId))
    expect(shares.length).toBeGreaterThan(0)
    expect(keys.length).toBeGreaterThan(0)

    const warnings: string[] = []
    const stores = [0, 1].map(() =>
      postgresStore({ connectionString: db.url, onWarning: (m: string) => warnings.push(m) } as Parameters<
        typeof postgresStore
      >[0]),
    )
    try {
      // Two replicas starting at once after the upgrade.
      await Promise.all(stores.map((s) => s.list()))
      for (const store of stores) {
        for (const b of backups) {
          const got = await store.get(b.client_id, b.backup_method)
          expect(got?.data.equals(b.data), b.client_id).toBe(true)
          expect(got?.keyFileId).toBe(b.key_file_id)
        }
        const served = await store.listWebhook()
        for (const s of shares)
          expect(served.some((x) => x.clientId === s.client_id && x.data.equals(s.data))).toBe(true)
        const at = new Date(world.generatedAt)
        for (const k of keys) expect((await store.getIdempotency(k.client_id, k.idem_key, at))?.body).toBe(k.body)
      }
      // Through the router too, with the fixture's key: each client's record opens.
      const api = await serveRouter(stores[0]!, {
        encryptionKey: TEST_ONLY_AT_REST_KEY,
        webhookSecret: TEST_ONLY_WEBHOOK_SECRET,
      })
      try {
        for (const c of world.clients) {
          const res = await getBackup(api.base, c.clientId, c.backupMethod)
          expect(res.status, c.clientId).toBe(200)
          expect(await res.json()).toMatchObject({ keyVersion: c.keyVersions.at(-1) })
        }
      } finally {
        await api.close()
      }
      // Migrated in place (migrations 5 and 6 came after the dump), and no empty schema of the kit's own beside it.
      expect(
        (await db.admin.query('SELECT version FROM public.schema_migrations ORDER BY version')).rows.map(
          (r) => r.version,
        ),
      ).toEqual([1, 2, 3, 4, 5, 6])
      expect(await schemaExists(db.admin, KIT_SCHEMA)).toBe(false)
      // Migration 6 made the shared limits' table there too (UNLOGGED), and the store's limiters keep their buckets
      // in it: what one store spent, the other sees.
      expect(
        (await db.admin.query("SELECT relpersistence FROM pg_class WHERE oid = 'public.rate_limits'::regclass")).rows,
      ).toEqual([{ relpersistence: 'u' }])
      const limit = { perMinute: 0.01, burst: 1 }
      expect(await stores[0]!.createLimiter!('client', limit).take('upgraded')).toEqual({ allowed: true })
      expect(await stores[1]!.createLimiter!('client', limit).take('upgraded')).toMatchObject({ allowed: false })
      expect((await db.admin.query('SELECT key FROM public.rate_limits')).rows).toEqual([{ key: 'upgraded' }])
      // Each store says once where it found the tables; no secret in it.
      expect(warnings).toHaveLength(2)
      expect(warnings[0]).toMatch(/public/)
      expect(warnings.join('\n')).not.toContain(db.url)
    } finally {
      await Promise.all(stores.map((s) => s.close()))
      await db.drop()
    }
  })

  it('an explicit schema option is used as given, even beside an install in public (as before)', async () => {
    const db = await freshDatabase()
    await db.admin.query(`
      CREATE TABLE public.schema_migrations (version integer PRIMARY KEY, name text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now());
      CREATE TABLE public.client_backups (client_id text NOT NULL, backup_method text NOT NULL);
    `)
    const store = postgresStore({ connectionString: db.url, schema: 'app_backups' })
    try {
      await roundTrip(store)
      expect(await kitRelations(db.admin, 'app_backups')).toEqual([...KIT_TABLES, 'backup_seq'].sort())
      expect(await kitRelations(db.admin, 'public')).toEqual(['client_backups', 'schema_migrations'])
      expect(await schemaExists(db.admin, KIT_SCHEMA)).toBe(false)
    } finally {
      await store.close()
      await db.drop()
    }
  })
})
