import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { StoredBackup } from '../../src/server/index.js'
import { postgresSkipReason, storeCases } from './support/stores.js'
import type { StoreHarness } from './support/stores.js'

const backup = (clientId: string, backupMethod: string, storedAt = new Date()): StoredBackup => ({
  clientId,
  backupMethod,
  keyVersion: 1,
  keyId: 'default',
  data: randomBytes(40),
  storedAt,
})

describe.each(storeCases)('$name store', (storeCase) => {
  if (storeCase.skip) console.warn(`${storeCase.name} store: ${postgresSkipReason}`)

  describe.skipIf(storeCase.skip)('schema and persistence', () => {
    let harness: StoreHarness
    beforeAll(async () => {
      harness = await storeCase.create()
    })
    afterAll(async () => {
      await harness?.dispose()
    })

    it('records its schema in schema_migrations and does not re-apply it when opened again', async () => {
      await harness.store.list()
      expect(await harness.migrationVersions()).toEqual(storeCase.migrations)
      const again = harness.reopen()
      await again.list()
      expect(await harness.migrationVersions()).toEqual(storeCase.migrations)
    })

    it('serves rows written by another instance of the store on the same data', async () => {
      const row = backup(`c-${randomBytes(4).toString('hex')}`, 'GDRIVE')
      await harness.store.put(row)
      const other = harness.reopen()
      const read = await other.get(row.clientId, 'GDRIVE')
      expect(read?.data.equals(row.data)).toBe(true)
      expect(read?.storedAt.getTime()).toBe(row.storedAt.getTime())
      expect(read?.keyVersion).toBe(1)
    })

    it('returns an expired idempotency record as absent and lets the key be claimed again', async () => {
      const clientId = `c-${randomBytes(4).toString('hex')}`
      const t0 = new Date()
      const record = {
        clientId,
        key: 'k',
        fingerprint: 'f1',
        status: 200,
        body: '{}',
        expiresAt: new Date(t0.getTime() + 1000),
      }
      expect(await harness.store.put(backup(clientId, 'GDRIVE', t0), record)).toEqual({ replayed: false })
      expect(await harness.store.getIdempotency(clientId, 'k', t0)).toMatchObject({ fingerprint: 'f1' })
      const replay = await harness.store.put(backup(clientId, 'GDRIVE', new Date(t0.getTime() + 10)), {
        ...record,
        fingerprint: 'f2',
      })
      expect(replay).toMatchObject({ replayed: true, previous: { fingerprint: 'f1' } })

      const later = new Date(t0.getTime() + 2000)
      expect(await harness.store.getIdempotency(clientId, 'k', later)).toBeUndefined()
      const reclaimed = await harness.store.put(backup(clientId, 'GDRIVE', later), {
        ...record,
        fingerprint: 'f3',
        expiresAt: new Date(later.getTime() + 1000),
      })
      expect(reclaimed).toEqual({ replayed: false })
      expect(await harness.store.getIdempotency(clientId, 'k', later)).toMatchObject({ fingerprint: 'f3' })
    })

    it('rolls back a failed write with its idempotency claim and keeps the other concurrent writes', async () => {
      const clientId = `c-${randomBytes(4).toString('hex')}`
      const broken = { ...backup(clientId, 'BROKEN'), keyId: null as unknown as string }
      const claim = {
        clientId,
        key: 'lost',
        fingerprint: 'f',
        status: 200,
        body: '{}',
        expiresAt: new Date(Date.now() + 60_000),
      }
      const results = await Promise.allSettled([
        harness.store.put(backup(clientId, 'M1')),
        harness.store.put(broken, claim),
        harness.store.put(backup(clientId, 'M2')),
      ])
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled'])
      expect((await harness.store.list({ clientId })).map((r) => r.backupMethod).sort()).toEqual(['M1', 'M2'])
      expect(await harness.store.getIdempotency(clientId, 'lost', new Date())).toBeUndefined()
    })

    it('lists custodian shares of one client only, newest first', async () => {
      const a = `a-${randomBytes(4).toString('hex')}`
      const b = `b-${randomBytes(4).toString('hex')}`
      for (const [clientId, backupMethod] of [
        [a, 'M1'],
        [b, 'M1'],
        [a, 'M2'],
      ] as const) {
        await harness.store.putWebhook({
          clientId,
          backupMethod,
          keyId: 'default',
          data: randomBytes(8),
          storedAt: new Date(),
        })
      }
      expect((await harness.store.listWebhook({ clientId: a })).map((s) => s.backupMethod)).toEqual(['M2', 'M1'])
    })
  })
})
