import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import type { StoredBackup } from '../../src/server/index.js'
import { sqliteStore } from '../../src/server/index.js'

describe('sqliteStore writer and layout', () => {
  const dirs: string[] = []
  const fresh = () => {
    const dir = mkdtempSync(join(tmpdir(), 'rmb-writer-'))
    dirs.push(dir)
    return join(dir, 'backups.db')
  }
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
  })
  const backup = (clientId: string, backupMethod = 'GDRIVE'): StoredBackup => ({
    clientId,
    backupMethod,
    keyVersion: 1,
    keyId: 'default',
    data: randomBytes(1500),
    storedAt: new Date(),
  })

  it('answers a write only once it is committed: another connection reads it as soon as put resolves', async () => {
    const filename = fresh()
    const store = sqliteStore({ filename })
    try {
      await store.get('warm-up')
      const other = new Database(filename, { readonly: true })
      try {
        const writes = Array.from({ length: 40 }, (_, i) => backup(`c${i}`))
        await Promise.all(
          writes.map(async (b) => {
            await store.put(b)
            const row = other.prepare('SELECT data FROM client_backups WHERE client_id = ?').get(b.clientId) as
              | { data: Buffer }
              | undefined
            expect(row?.data).toEqual(b.data)
          }),
        )
      } finally {
        other.close()
      }
    } finally {
      await store.close()
    }
  })

  it('close() commits every write it accepted first, whether queued or in flight, then refuses new ones', async () => {
    const filename = fresh()
    const store = sqliteStore({ filename })
    await store.get('warm-up')
    // Two turns of writes: the first goes out as a batch, the second waits in the queue behind it when close() starts.
    const first = Array.from({ length: 20 }, (_, i) => store.put(backup(`a${i}`)))
    // Two loop turns: the store's flush runs in the first (after this test's own immediate), so the batch is out.
    for (let i = 0; i < 2; i++) await new Promise((r) => setImmediate(r))
    const second = Array.from({ length: 20 }, (_, i) => store.put(backup(`b${i}`)))
    // Microtasks only, so the second writes pass the lazy wrapper into the store's queue (a put still in the wrapper
    // when close() starts is refused as closed) while the first batch's answer, a macrotask, cannot arrive yet.
    for (let i = 0; i < 20; i++) await Promise.resolve()
    await store.close()
    expect(await Promise.allSettled([...first, ...second])).toEqual(
      Array.from({ length: 40 }, () => ({ status: 'fulfilled', value: { replayed: false } })),
    )
    await expect(store.put(backup('late'))).rejects.toThrow('closed')
    const db = new Database(filename, { readonly: true })
    try {
      expect((db.prepare('SELECT count(*) AS n FROM client_backups').get() as { n: number }).n).toBe(40)
    } finally {
      db.close()
    }
  })

  it('keeps a client backup in two B-trees (table + unique key) and an idempotency record in one', async () => {
    const filename = fresh()
    const store = sqliteStore({ filename })
    await store.get('warm-up')
    await store.close()
    const db = new Database(filename, { readonly: true })
    try {
      const indexes = (table: string) =>
        (db.prepare(`PRAGMA index_list(${table})`).all() as Array<{ name: string; origin: string }>).map(
          (i) => i.origin,
        )
      expect(indexes('client_backups')).toEqual(['u'])
      expect(indexes('custodian_shares')).toEqual(['u'])
      // WITHOUT ROWID: the primary key is the table's own B-tree.
      expect(indexes('idempotency_keys')).toEqual(['pk'])
      const ddl = db.prepare("SELECT sql FROM sqlite_master WHERE name = 'idempotency_keys'").get() as { sql: string }
      expect(ddl.sql).toMatch(/WITHOUT ROWID/)
    } finally {
      db.close()
    }
  })

  it('lists newest first and gets the newest across replacements (seq is the rowid)', async () => {
    const filename = fresh()
    const store = sqliteStore({ filename })
    await store.put(backup('ordered', 'A'))
    await store.put(backup('ordered', 'B'))
    await store.put(backup('ordered', 'A'))
    expect((await store.list({ clientId: 'ordered' })).map((r) => r.backupMethod)).toEqual(['A', 'B'])
    expect((await store.get('ordered'))?.backupMethod).toBe('A')
    await store.close()
  })

  it('sweeps expired idempotency records periodically, on the writer, without a write', async () => {
    const filename = fresh()
    const store = sqliteStore({ filename, idempotencySweepMs: 50 })
    try {
      const t = Date.now()
      const idem = (key: string, ttl: number) => ({
        clientId: 'swept',
        key,
        fingerprint: 'f',
        status: 200,
        body: '{}',
        expiresAt: new Date(t + ttl),
      })
      await store.put(backup('swept', 'A'), idem('short', 1))
      await store.put(backup('swept', 'B'), idem('long', 60_000))
      const keys = () => {
        const db = new Database(filename, { readonly: true })
        try {
          return (
            db.prepare('SELECT idem_key FROM idempotency_keys ORDER BY idem_key').all() as Array<{
              idem_key: string
            }>
          ).map((r) => r.idem_key)
        } finally {
          db.close()
        }
      }
      const deadline = Date.now() + 5_000
      while (keys().includes('short') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25))
      expect(keys()).toEqual(['long'])
    } finally {
      await store.close()
    }
  })
})
