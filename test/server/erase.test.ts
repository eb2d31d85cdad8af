// Erasure (issue 27, part 6): `BackupStore.erase` on both stores and `DELETE /clients/:clientId/backup`. After it,
// GET answers 404 backup_not_found, the database holds no row of the client (its Google account email included) and
// no idempotency record of it, other clients keep theirs, the custodian shares stay unless the app asks, and a new
// backup works. The database is read directly, not through the store.
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BackupEvent, RunningServer, StoredBackup } from '../../src/server/index.js'
import { devHeaderAuthenticate, sqliteStore, startServer } from '../../src/server/index.js'
import {
  KEY_A,
  WEBHOOK_SECRET,
  deleteBackup,
  getBackup,
  postBackup,
  postWebhook,
  serveRouter,
  uniqueClient,
} from './support/http.js'
import type { TestApi } from './support/http.js'
import { serveRouterOn } from './support/serveRouterOn.js'
import { postgresSkipReason, storeCases } from './support/stores.js'
import type { StoreHarness } from './support/stores.js'

const emailOf = (clientId: string) => `${clientId}@example.com`
const account = (clientId: string) => ({
  permissionId: `perm${randomBytes(6).toString('hex')}`,
  email: emailOf(clientId),
})
const errorCode = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code

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

  describe.skipIf(storeCase.skip)('store and route', () => {
    let harness: StoreHarness
    let api: TestApi

    beforeAll(async () => {
      const served = await serveRouterOn(storeCase)
      ;({ harness, api } = served)
      return served.close
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
        expiresAt: new Date(Date.now() + 24 * 60 * 60_000),
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

    it('DELETE answers 204 with no body; then GET answers 404 backup_not_found, and the database holds neither the email nor an idempotency record of the client', async () => {
      const a = uniqueClient('erase-http')
      const b = uniqueClient('erase-keep')
      const body = (clientId: string) => ({
        backupMethod: 'PASSWORD',
        cipherText: `ct-${randomBytes(8).toString('hex')}`,
        keyVersion: 'v1',
        keyFileId: 'file_1',
        googleAccount: account(clientId),
      })
      const first = body(a)
      expect((await postBackup(api.base, a, first, { 'idempotency-key': 'idem-1' })).status).toBe(200)
      expect((await postBackup(api.base, a, { ...body(a), backupMethod: 'GDRIVE' })).status).toBe(200)
      expect((await postWebhook(api.base, '/webhook/backup', { clientId: a, share: 'custodian-a' })).status).toBe(200)
      expect((await postBackup(api.base, b, body(b), { 'idempotency-key': 'idem-1' })).status).toBe(200)
      expect((await database(a)).text).toContain(emailOf(a))

      const erased = await deleteBackup(api.base, a)
      expect(erased.status).toBe(204)
      expect(await erased.text()).toBe('')
      expect(erased.headers.get('cache-control')).toBe('no-store')
      expect(api.events.filter((e) => e.type === 'backup.erased')).toEqual([
        { type: 'backup.erased', clientId: a, method: null },
      ])

      for (const method of [undefined, 'PASSWORD', 'GDRIVE']) {
        const res = await getBackup(api.base, a, method)
        expect([res.status, await errorCode(res)]).toEqual([404, 'backup_not_found'])
      }
      const rows = await database(a)
      expect([rows.backups, rows.idempotency]).toEqual([[], []])
      expect(rows.text).not.toContain(emailOf(a))
      // The owner's route never erases the provider's custodian share: Portal fetches it back for recovery.
      expect(rows.custodian).toHaveLength(1)
      expect((await postWebhook(api.base, '/webhook/backup/fetch', { clientId: a })).status).toBe(200)
      // The other client keeps its backup, its email and its idempotency record (the same key, another client).
      const kept = await database(b)
      expect([kept.backups.length, kept.idempotency.length]).toEqual([1, 1])
      expect(kept.text).toContain(emailOf(b))
      expect((await getBackup(api.base, b, 'PASSWORD')).status).toBe(200)

      // A new backup works; the erased Idempotency-Key is a new request now, stored, not replayed.
      const again = await postBackup(api.base, a, first, { 'idempotency-key': 'idem-1' })
      expect(again.status).toBe(200)
      expect(again.headers.get('idempotent-replayed')).toBeNull()
      const read = await getBackup(api.base, a, 'PASSWORD')
      expect(read.status).toBe(200)
      expect(await read.json()).toMatchObject({ cipherText: first.cipherText, googleAccount: first.googleAccount })
    })

    it('DELETE is idempotent: a client with nothing stored, or erased already, gets 204 too (a retry after a lost answer is safe)', async () => {
      const a = uniqueClient('erase-twice')
      expect((await deleteBackup(api.base, a)).status).toBe(204)
      expect((await postBackup(api.base, a, { backupMethod: 'PASSWORD', cipherText: 'ct' })).status).toBe(200)
      expect((await deleteBackup(api.base, a)).status).toBe(204)
      expect((await deleteBackup(api.base, a)).status).toBe(204)
      expect((await getBackup(api.base, a)).status).toBe(404)
    })

    it('DELETE is the owner’s only: 401 without credentials, 403 for another client, 400 with a backupMethod query; each erases nothing', async () => {
      const a = uniqueClient('erase-owner')
      expect((await postBackup(api.base, a, { backupMethod: 'PASSWORD', cipherText: 'ct-owner' })).status).toBe(200)
      const refusals = [
        [await deleteBackup(api.base, a, null), 401, 'unauthorized'],
        [await deleteBackup(api.base, a, `${a}-intruder`), 403, 'forbidden'],
        // The route erases every method: a caller asking for one method must not lose the others unawares.
        [await deleteBackup(api.base, a, a, '?backupMethod=PASSWORD'), 400, 'invalid_query'],
        [await deleteBackup(api.base, 'bad id!', 'bad id!'), 400, 'invalid_client_id'],
      ] as const
      for (const [res, status, code] of refusals) expect([res.status, await errorCode(res)]).toEqual([status, code])
      expect((await database(a)).backups).toHaveLength(1)
      expect((await getBackup(api.base, a)).status).toBe(200)
    })

    it('DELETE spends the same per-client budget as GET and POST: past it, 429 rate_limited with Retry-After, nothing erased', async () => {
      const a = uniqueClient('erase-limit')
      // Two tokens, one more a minute: the third request of the caller is over budget however slow the machine.
      const limited = await serveRouter(harness.store, { limits: { rate: { perMinute: 1, burst: 2 } } })
      try {
        expect((await postBackup(limited.base, a, { backupMethod: 'PASSWORD', cipherText: 'ct' })).status).toBe(200)
        expect((await getBackup(limited.base, a)).status).toBe(200)
        const refused = await deleteBackup(limited.base, a)
        expect([refused.status, await errorCode(refused)]).toEqual([429, 'rate_limited'])
        expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0)
        expect((await database(a)).backups).toHaveLength(1)
      } finally {
        await limited.close()
      }
    })
  })
})

describe('DELETE in the bundled server: CORS, unknown methods, metrics', () => {
  const ORIGIN = 'http://app.example'
  const METRICS_TOKEN = `metrics-${randomBytes(12).toString('hex')}`
  const events: BackupEvent[] = []
  let running: RunningServer
  beforeAll(async () => {
    running = await startServer({
      store: sqliteStore({ filename: ':memory:' }),
      authenticate: devHeaderAuthenticate(),
      webhookSecret: WEBHOOK_SECRET,
      encryptionKey: KEY_A,
      port: 0,
      corsOrigins: [ORIGIN],
      metricsToken: METRICS_TOKEN,
      onEvent: (e) => events.push(e),
      logger: { error: () => {} },
    })
  })
  afterAll(async () => {
    await running?.close()
  })

  it("lets an allowed origin's preflight ask for DELETE; any other OPTIONS stays a 404", async () => {
    const preflight = (origin: string) =>
      fetch(`${running.url}/api/clients/c1/backup`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'DELETE' },
      })
    const allowed = await preflight(ORIGIN)
    expect(allowed.status).toBe(204)
    expect(allowed.headers.get('access-control-allow-methods')?.split(/\s*,\s*/)).toEqual(['GET', 'POST', 'DELETE'])
    const other = await preflight('https://elsewhere.example')
    expect([other.status, await errorCode(other)]).toEqual([404, 'route_not_found'])
    expect(other.headers.get('access-control-allow-methods')).toBeNull()
  })

  it('answers the methods it does not serve with 404 route_not_found, as before (DELETE on the webhook routes too)', async () => {
    const headers = { 'x-client-id': 'c1', 'x-webhook-secret': WEBHOOK_SECRET }
    for (const [method, path] of [
      ['PUT', '/api/clients/c1/backup'],
      ['PATCH', '/api/clients/c1/backup'],
      ['DELETE', '/api/webhook/backup'],
      ['DELETE', '/api/webhook/backup/fetch'],
      ['DELETE', '/api/clients/c1/backups'],
    ] as const) {
      const res = await fetch(`${running.url}${path}`, { method, headers })
      expect([method, path, res.status, await errorCode(res)]).toEqual([method, path, 404, 'route_not_found'])
    }
  })

  it("counts the DELETE in /metrics under the route's template and the store's erase operation, naming no client", async () => {
    const clientId = uniqueClient('erase-metrics')
    await postBackup(`${running.url}/api`, clientId, { backupMethod: 'PASSWORD', cipherText: 'ct-metrics' })
    expect((await deleteBackup(`${running.url}/api`, clientId)).status).toBe(204)
    const text = await (
      await fetch(`${running.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
    ).text()
    expect(text).toContain(
      'rmb_http_requests_total{route="/api/clients/:clientId/backup",method="DELETE",status="204"} 1',
    )
    expect(text).toMatch(/^rmb_store_operation_duration_seconds_count\{operation="erase"\} 1$/m)
    expect(text).toMatch(/^rmb_backup_events_total\{type="backup\.erased"\} 1$/m)
    expect(text).not.toContain(clientId)
    expect(events).toContainEqual({ type: 'backup.erased', clientId, method: null })
  })
})
