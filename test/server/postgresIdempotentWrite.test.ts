import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { IdempotencyRecord, StoredBackup } from '../../src/server/index.js'
import { postgresStore } from '../../src/server/index.js'
import { revisionOf } from '../../src/server/store/revisionOf.js'
import { getBackup, postBackup, serveRouter, uniqueClient } from './support/http.js'
import { postgresSkipReason, postgresUrl } from './support/stores.js'

if (!postgresUrl) console.warn(`PostgreSQL idempotent write: ${postgresSkipReason}`)

describe.skipIf(!postgresUrl)('PostgreSQL idempotent and conditional writes', () => {
  const schema = `rmb_test_${randomBytes(6).toString('hex')}`
  let pool: pg.Pool
  // Every statement the store sends through this pool (the pool is the user's own, a real pg.Pool).
  let statements: string[] = []
  beforeAll(async () => {
    pool = new pg.Pool({ connectionString: postgresUrl, max: 20 })
    const query = pool.query.bind(pool) as (...args: unknown[]) => unknown
    const connect = pool.connect.bind(pool)
    ;(pool as unknown as { query: unknown }).query = (...args: unknown[]) => {
      statements.push(typeof args[0] === 'string' ? args[0] : String((args[0] as { text?: string })?.text))
      return query(...args)
    }
    ;(pool as unknown as { connect: unknown }).connect = async (...args: unknown[]) => {
      // pool.query checks out a client with a callback: that one is already counted as its query.
      if (args.length > 0) return (connect as (...a: unknown[]) => unknown)(...args)
      statements.push('connect')
      const client = await connect()
      // Counted while checked out this way only: the pool reuses the client for its own pool.query calls.
      const own = client as unknown as { query: unknown; release: (...a: unknown[]) => unknown }
      const { query: clientQuery, release } = own
      own.query = (...args: unknown[]) => {
        statements.push(typeof args[0] === 'string' ? args[0] : 'query')
        return (clientQuery as (...a: unknown[]) => unknown).apply(client, args)
      }
      own.release = (...args: unknown[]) => {
        own.query = clientQuery
        own.release = release
        return release.apply(client, args)
      }
      return client
    }
  })
  afterAll(async () => {
    await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
    await pool.end()
  })

  const backup = (clientId: string, data = randomBytes(32)): StoredBackup => ({
    clientId,
    backupMethod: 'GDRIVE',
    keyVersion: 1,
    keyId: 'default',
    data,
    storedAt: new Date(),
  })
  const idem = (clientId: string, key: string, expiresInMs = 60_000): IdempotencyRecord => ({
    clientId,
    key,
    fingerprint: `fp-${key}`,
    status: 200,
    body: '{"ok":true}',
    expiresAt: new Date(Date.now() + expiresInMs),
  })

  it('stores an idempotent write, with or without If-Match, in one round trip to the database', async () => {
    const store = postgresStore({ pool, schema })
    try {
      const clientId = uniqueClient()
      await store.get(clientId) // migrations out of the way
      statements = []
      const first = backup(clientId)
      expect(await store.put(first, idem(clientId, 'a'))).toEqual({ replayed: false })
      expect(statements).toHaveLength(1)
      statements = []
      expect(await store.put(backup(clientId), idem(clientId, 'b'), { ifMatch: [revisionOf(first.data)] })).toEqual({
        replayed: false,
      })
      expect(statements).toHaveLength(1)
      statements = []
      // A replay is answered from the same statement too.
      expect(await store.put(backup(clientId), idem(clientId, 'a'))).toMatchObject({ replayed: true })
      expect(statements).toHaveLength(1)
    } finally {
      await store.close()
    }
  })

  it('stores once and replays the first answer to every other of 30 concurrent writes with one key', async () => {
    const store = postgresStore({ pool, schema })
    try {
      const clientId = uniqueClient()
      const datas = Array.from({ length: 30 }, () => randomBytes(32))
      const results = await Promise.all(datas.map((d) => store.put(backup(clientId, d), idem(clientId, 'same'))))
      const stored = results.flatMap((r, i) => (r.replayed ? [] : [i]))
      expect(stored).toHaveLength(1)
      expect(results.filter((r) => r.replayed)).toHaveLength(29)
      expect((await store.get(clientId, 'GDRIVE'))?.data).toEqual(datas[stored[0]!])
    } finally {
      await store.close()
    }
  })

  it('lets one of 20 concurrent If-Match writers with distinct keys store; the others get 412 and keep no key', async () => {
    const store = postgresStore({ pool, schema })
    try {
      const clientId = uniqueClient()
      const base = randomBytes(32)
      await store.put(backup(clientId, base))
      const datas = Array.from({ length: 20 }, () => randomBytes(32))
      const results = await Promise.all(
        datas.map((d, i) => store.put(backup(clientId, d), idem(clientId, `k${i}`), { ifMatch: [revisionOf(base)] })),
      )
      const won = results.flatMap((r, i) => (!r.replayed && !r.preconditionFailed ? [i] : []))
      expect(won).toHaveLength(1)
      expect(results.filter((r) => !r.replayed && r.preconditionFailed)).toHaveLength(19)
      expect((await store.get(clientId, 'GDRIVE'))?.data).toEqual(datas[won[0]!])
      const kept = await pool.query(`SELECT idem_key FROM ${schema}.idempotency_keys WHERE client_id = $1`, [clientId])
      expect(kept.rows.map((r) => r.idem_key)).toEqual([`k${won[0]}`])
    } finally {
      await store.close()
    }
  })

  it('answers a keyed POST of the router, and its replay, with one statement each', async () => {
    const store = postgresStore({ pool, schema })
    // The schema holds this file's hand-made rows, sealed by no key: the start-up key check would refuse them.
    const api = await serveRouter(store, { checkEncryptionKey: false })
    try {
      const clientId = uniqueClient()
      // The first request runs the start-up checks (migrations, a ping, the key check); counted from the next one.
      await getBackup(api.base, clientId)
      statements = []
      const body = { backupMethod: 'GDRIVE', cipherText: 'ct-1', keyVersion: 1 }
      const first = await postBackup(api.base, clientId, body, { 'idempotency-key': `${clientId}:1` })
      expect(first.status).toBe(200)
      expect(statements).toHaveLength(1)
      statements = []
      const again = await postBackup(api.base, clientId, body, { 'idempotency-key': `${clientId}:1` })
      expect(again.status).toBe(200)
      expect(again.headers.get('idempotent-replayed')).toBe('true')
      expect(await again.json()).toEqual(await first.json())
      expect(statements).toHaveLength(1)
    } finally {
      await api.close()
      await store.close()
    }
  })

  it('sweeps expired idempotency records periodically, not on a write, and stops sweeping on close', async () => {
    const store = postgresStore({ pool, schema, idempotencySweepMs: 50 })
    // The only write of this client: nothing but the sweep can remove its record once expired.
    const clientId = uniqueClient()
    await store.put(backup(clientId), idem(clientId, 'short', 1))
    const other = uniqueClient()
    await store.put(backup(other), idem(other, 'long', 60_000))
    const keys = async () =>
      (
        await pool.query(
          `SELECT idem_key FROM ${schema}.idempotency_keys WHERE client_id = ANY($1) ORDER BY idem_key`,
          [[clientId, other]],
        )
      ).rows.map((r) => r.idem_key)
    const deadline = Date.now() + 5_000
    while ((await keys()).includes('short') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25))
    expect(await keys()).toEqual(['long'])
    await store.close()
    statements = []
    await new Promise((r) => setTimeout(r, 200))
    expect(statements.filter((s) => s.includes('DELETE'))).toEqual([])
  })
})
