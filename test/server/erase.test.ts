// Erasure (issue 27, part 6): `BackupStore.erase` on both stores. After it, the database holds no row of the client (its Google account email included) and
// no idempotency record of it, other clients keep theirs, the custodian shares stay unless the app asks, and a new
// backup works. The database is read directly, not through the store.
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { StoredBackup } from '../../src/server/index.js'
import { uniqueClient } from './support/http.js'
import { postgresSkipReason, storeCases } from './support/stores.js'
import type { StoreHarness } from './support/stores.js'

const emailOf = (clientId: string) => `${clientId}@example.com`
const account = (clientId: string) => ({
  permissionId: `perm${randomBytes(6).toString('hex')}`,
  email: emailOf(clientId),
})

const backup = (clientId: string, backupMethod: string): StoredBackup => ({
  clientId,
  backupMethod,
  keyVersion: 1,
  keyFileId: 'file_1',
  googleAccount: account(clientId),
  keyId: 'default',
  data: randomBytes(40),
  storedAt: new Date(),
})

describe.each(storeCases)('erasure on $name', (storeCase) => {
  if (storeCase.skip) console.warn(`erasure on ${storeCase.name}: ${postgresSkipReason}`)

  describe.skipIf(storeCase.skip)('store', () => {
    let harness: StoreHarness

    beforeAll(async () => {
      harness = await storeCase.create()
    })
    afterAll(async () => {
      await harness?.dispose()
    })

    /** The client's rows in each table, and every row of the three tables, read from the database directly. */
    const database = async (clientId: string) => {
      const tables = ['client_backups', 'idempotency_keys', 'custodian_shares'] as const
      const all = Object.fromEntries(
        await Promise.all(tables.map(async (t) => [t, await harness.tableRows(t)] as const)),
      ) as Record<(typeof tables)[number], string[]>
      const of = (rows: string[]) => rows.filter((r) => (JSON.parse(r) as { client_id: string }).client_id === clientId)
      return {
        backups: of(all.client_backups),
        idempotency: of(all.idempotency_keys),
        custodian: of(all.custodian_shares),
        text: [...all.client_backups, ...all.idempotency_keys, ...all.custodian_shares].join('\n'),
      }
    }

    it('store.erase removes the rows of every method with their account email and the idempotency records, in one call; other clients and the custodian shares stay', async () => {
      const a = uniqueClient('erase-a')
      // An id that begins with the other's: only exact ids may match.
      const b = `${a}-b`
      const record = (clientId: string) => ({
        clientId,
        key: 'k-1',
        fingerprint: 'f',
        status: 200,
        body: '{}',
        expiresAt: new Date(Date.now() + 60_000),
      })
      const share = (clientId: string) => ({
        clientId,
        backupMethod: 'GDRIVE-SECP256K1',
        keyId: 'default',
        data: randomBytes(16),
        storedAt: new Date(),
      })
      for (const clientId of [a, b]) {
        await harness.store.put(backup(clientId, 'GDRIVE'))
        await harness.store.put(backup(clientId, 'PASSWORD'), record(clientId))
        await harness.store.putWebhook(share(clientId))
      }
      const before = await database(a)
      expect([before.backups.length, before.idempotency.length, before.custodian.length]).toEqual([2, 1, 1])
      expect(before.text).toContain(emailOf(a))

      expect(await harness.store.erase(a)).toEqual({ backups: 2, idempotencyRecords: 1, custodianShares: 0 })

      const after = await database(a)
      expect([after.backups, after.idempotency]).toEqual([[], []])
      expect(after.custodian).toHaveLength(1)
      expect(after.text).not.toContain(emailOf(a))
      expect(await harness.store.get(a)).toBeUndefined()
      expect(await harness.store.list({ clientId: a })).toEqual([])
      expect(await harness.store.getIdempotency(a, 'k-1', new Date())).toBeUndefined()
      const other = await database(b)
      expect([other.backups.length, other.idempotency.length, other.custodian.length]).toEqual([2, 1, 1])
      expect(other.text).toContain(emailOf(b))

      // Nothing left: nothing removed, no error.
      expect(await harness.store.erase(a)).toEqual({ backups: 0, idempotencyRecords: 0, custodianShares: 0 })
      // The app's own call also removes the custodian shares, still of this client only.
      expect(await harness.store.erase(a, { custodian: true })).toEqual({
        backups: 0,
        idempotencyRecords: 0,
        custodianShares: 1,
      })
      expect(await harness.store.listWebhook({ clientId: a })).toEqual([])
      expect(await harness.store.listWebhook({ clientId: b })).toHaveLength(1)

      // A new backup works, and its idempotency key is a new request.
      expect(await harness.store.put(backup(a, 'PASSWORD'), record(a))).toEqual({ replayed: false })
      expect((await harness.store.get(a, 'PASSWORD'))?.googleAccount?.email).toBe(emailOf(a))
    })
  })
})
