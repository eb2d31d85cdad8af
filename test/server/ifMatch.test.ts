import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { revisionOf } from '../../src/server/index.js'
import type { IdempotencyRecord, StoredBackup } from '../../src/server/index.js'
import { postgresSkipReason, storeCases } from './support/stores.js'
import type { StoreHarness } from './support/stores.js'
import { getBackup, postBackup, uniqueClient } from './support/http.js'
import type { TestApi } from './support/http.js'
import { serveRouterOn } from './support/serveRouterOn.js'

const STRONG_TAG = /^"[A-Za-z0-9_-]{22}"$/
const PRECONDITION_FAILED = { error: { code: 'precondition_failed' } }

describe('revisionOf', () => {
  it('is a quoted strong tag that depends on every byte', () => {
    const data = randomBytes(64)
    const changed = Buffer.from(data)
    changed[63] = changed[63]! ^ 1
    expect(revisionOf(data)).toMatch(STRONG_TAG)
    expect(revisionOf(Buffer.from(data))).toBe(revisionOf(data))
    expect(revisionOf(changed)).not.toBe(revisionOf(data))
  })
})

describe.each(storeCases)('If-Match on $name', (storeCase) => {
  if (storeCase.skip) console.warn(`If-Match on ${storeCase.name}: ${postgresSkipReason}`)

  describe.skipIf(storeCase.skip)('client backup route', () => {
    let harness: StoreHarness
    let api: TestApi

    beforeAll(async () => {
      const served = await serveRouterOn(storeCase)
      ;({ harness, api } = served)
      return served.close
    })

    /** Stores a backup without a condition and answers the ETag its GET now carries. */
    const seed = async (clientId: string, cipherText: string, backupMethod = 'GDRIVE'): Promise<string> => {
      expect((await postBackup(api.base, clientId, { backupMethod, cipherText })).status).toBe(200)
      const etag = (await getBackup(api.base, clientId, backupMethod)).headers.get('etag')
      expect(etag).toMatch(STRONG_TAG)
      return etag!
    }
    const readBack = async (clientId: string, backupMethod = 'GDRIVE') => {
      const res = await getBackup(api.base, clientId, backupMethod)
      expect(res.status).toBe(200)
      return { etag: res.headers.get('etag'), body: (await res.json()) as { cipherText: string } }
    }

    it('sends a quoted strong ETag on GET, stable across reads and new after every POST', async () => {
      const clientId = uniqueClient()
      const first = await seed(clientId, 'ct-1')
      expect((await getBackup(api.base, clientId, 'GDRIVE')).headers.get('etag')).toBe(first)
      // Same cipherText again: a fresh IV still makes it a new revision.
      const second = await seed(clientId, 'ct-1')
      const third = await seed(clientId, 'ct-2')
      expect(new Set([first, second, third]).size).toBe(3)
      expect((await getBackup(api.base, clientId)).headers.get('etag')).toBe(third)
    })

    it('answers a stored POST with the new row’s ETag, the one GET then sends', async () => {
      const clientId = uniqueClient()
      const post = await postBackup(api.base, clientId, { backupMethod: 'GDRIVE', cipherText: 'ct' })
      expect(post.status).toBe(200)
      expect(post.headers.get('etag')).toMatch(STRONG_TAG)
      expect((await readBack(clientId)).etag).toBe(post.headers.get('etag'))
    })

    it('stores a POST whose If-Match is the current ETag and answers the new ETag', async () => {
      const clientId = uniqueClient()
      const etag = await seed(clientId, 'old')
      const post = await postBackup(
        api.base,
        clientId,
        { backupMethod: 'GDRIVE', cipherText: 'new' },
        { 'if-match': etag },
      )
      expect(post.status).toBe(200)
      const fresh = post.headers.get('etag')
      expect(fresh).toMatch(STRONG_TAG)
      expect(fresh).not.toBe(etag)
      expect(await readBack(clientId)).toEqual({ etag: fresh, body: expect.objectContaining({ cipherText: 'new' }) })
      expect(api.events).toContainEqual({ type: 'backup.stored', clientId, method: 'GDRIVE' })
    })

    it('accepts a list of tags when one of them is current', async () => {
      const clientId = uniqueClient()
      const etag = await seed(clientId, 'old')
      const post = await postBackup(
        api.base,
        clientId,
        { backupMethod: 'GDRIVE', cipherText: 'new' },
        { 'if-match': `"AAAAAAAAAAAAAAAAAAAAAA", ${etag}` },
      )
      expect(post.status).toBe(200)
      expect((await readBack(clientId)).body.cipherText).toBe('new')
    })

    it('refuses a stale ETag with 412 precondition_failed and leaves the row as it was', async () => {
      const clientId = uniqueClient()
      const stale = await seed(clientId, 'first')
      const current = await seed(clientId, 'second')
      const post = await postBackup(
        api.base,
        clientId,
        { backupMethod: 'GDRIVE', cipherText: 'late' },
        { 'if-match': stale },
      )
      expect(post.status).toBe(412)
      expect(post.headers.get('etag')).toBeNull()
      expect(await post.json()).toEqual(PRECONDITION_FAILED)
      expect(await readBack(clientId)).toEqual({
        etag: current,
        body: expect.objectContaining({ cipherText: 'second' }),
      })
      expect(await harness.store.list({ clientId })).toHaveLength(1)
      expect(api.events).toContainEqual({ type: 'backup.conflict', clientId, method: 'GDRIVE' })
    })

    it('refuses If-Match on a missing row, with a tag or with *', async () => {
      const clientId = uniqueClient()
      const other = await seed(uniqueClient(), 'someone else')
      for (const ifMatch of [other, '*']) {
        const post = await postBackup(
          api.base,
          clientId,
          { backupMethod: 'GDRIVE', cipherText: 'ct' },
          { 'if-match': ifMatch },
        )
        expect(post.status, ifMatch).toBe(412)
        expect(await post.json()).toEqual(PRECONDITION_FAILED)
      }
      expect(await harness.store.list({ clientId })).toEqual([])
      expect((await getBackup(api.base, clientId, 'GDRIVE')).status).toBe(404)
    })

    it('checks the row of the posted method only', async () => {
      const clientId = uniqueClient()
      const gdrive = await seed(clientId, 'g', 'GDRIVE')
      const post = await postBackup(
        api.base,
        clientId,
        { backupMethod: 'PASSWORD', cipherText: 'p' },
        { 'if-match': gdrive },
      )
      expect(post.status).toBe(412)
      expect(await harness.store.list({ clientId })).toHaveLength(1)
    })

    it('stores with If-Match: * when a row exists', async () => {
      const clientId = uniqueClient()
      await seed(clientId, 'old')
      const post = await postBackup(
        api.base,
        clientId,
        { backupMethod: 'GDRIVE', cipherText: 'new' },
        { 'if-match': '*' },
      )
      expect(post.status).toBe(200)
      expect((await readBack(clientId)).body.cipherText).toBe('new')
    })

    it('never matches a weak tag, even of the current revision', async () => {
      const clientId = uniqueClient()
      const etag = await seed(clientId, 'old')
      for (const ifMatch of [`W/${etag}`, etag.slice(1, -1), 'garbage']) {
        const post = await postBackup(
          api.base,
          clientId,
          { backupMethod: 'GDRIVE', cipherText: 'new' },
          { 'if-match': ifMatch },
        )
        expect(post.status, ifMatch).toBe(412)
      }
      expect(await readBack(clientId)).toEqual({ etag, body: expect.objectContaining({ cipherText: 'old' }) })
    })

    it('lets exactly one of two concurrent POSTs holding the same ETag store', async () => {
      const clientId = uniqueClient()
      const etag = await seed(clientId, 'base')
      const answers = await Promise.all(
        ['left', 'right'].map(async (cipherText) => {
          const res = await postBackup(api.base, clientId, { backupMethod: 'GDRIVE', cipherText }, { 'if-match': etag })
          return { cipherText, status: res.status, etag: res.headers.get('etag'), body: await res.json() }
        }),
      )
      expect(answers.map((a) => a.status).sort()).toEqual([200, 412])
      const winner = answers.find((a) => a.status === 200)!
      expect(answers.find((a) => a.status === 412)!.body).toEqual(PRECONDITION_FAILED)
      expect(await readBack(clientId)).toEqual({
        etag: winner.etag,
        body: expect.objectContaining({ cipherText: winner.cipherText }),
      })
    })

    it('lets exactly one of many concurrent POSTs holding the same ETag store', async () => {
      const clientId = uniqueClient()
      const etag = await seed(clientId, 'base')
      const statuses = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          postBackup(api.base, clientId, { backupMethod: 'GDRIVE', cipherText: `ct-${i}` }, { 'if-match': etag }).then(
            (r) => r.status,
          ),
        ),
      )
      expect(statuses.filter((s) => s === 200)).toHaveLength(1)
      expect(statuses.filter((s) => s === 412)).toHaveLength(11)
      expect((await readBack(clientId)).body.cipherText).toBe(`ct-${statuses.indexOf(200)}`)
    })

    it('replays a repeated Idempotency-Key even though its If-Match is stale by now', async () => {
      const clientId = uniqueClient()
      const etag = await seed(clientId, 'old')
      const body = { backupMethod: 'GDRIVE', cipherText: 'new', keyVersion: 'v2' }
      const headers = { 'if-match': etag, 'idempotency-key': `${clientId}:v2` }
      const first = await postBackup(api.base, clientId, body, headers)
      expect(first.status).toBe(200)
      const stored = await readBack(clientId)
      const again = await postBackup(api.base, clientId, body, headers)
      expect(again.status).toBe(200)
      expect(again.headers.get('idempotent-replayed')).toBe('true')
      expect(await again.json()).toEqual(await first.json())
      expect(await readBack(clientId)).toEqual(stored)
    })

    it('does not spend the Idempotency-Key on a 412: the same key with the fresh ETag then stores', async () => {
      const clientId = uniqueClient()
      const stale = await seed(clientId, 'first')
      const current = await seed(clientId, 'second')
      const body = { backupMethod: 'GDRIVE', cipherText: 'third' }
      const refused = await postBackup(api.base, clientId, body, { 'if-match': stale, 'idempotency-key': 'k-412' })
      expect(refused.status).toBe(412)
      expect(await harness.store.getIdempotency(clientId, 'k-412', new Date())).toBeUndefined()
      const stored = await postBackup(api.base, clientId, body, { 'if-match': current, 'idempotency-key': 'k-412' })
      expect(stored.status).toBe(200)
      expect(stored.headers.get('idempotent-replayed')).toBeNull()
      expect((await readBack(clientId)).body.cipherText).toBe('third')
    })
  })

  describe.skipIf(storeCase.skip)('store.put with a condition', () => {
    let harness: StoreHarness

    beforeAll(async () => {
      harness = await storeCase.create()
    })
    afterAll(async () => {
      await harness?.dispose()
    })

    const backup = (clientId: string, data: Buffer): StoredBackup => ({
      clientId,
      backupMethod: 'GDRIVE',
      keyVersion: null,
      keyId: 'default',
      data,
      storedAt: new Date(),
    })
    const idem = (clientId: string, key: string): IdempotencyRecord => ({
      clientId,
      key,
      fingerprint: 'fp',
      status: 200,
      body: '{}',
      expiresAt: new Date(Date.now() + 60_000),
    })

    it('writes when the current revision is listed and refuses otherwise, writing nothing', async () => {
      const clientId = uniqueClient()
      const one = randomBytes(32)
      const two = randomBytes(32)
      expect(await harness.store.put(backup(clientId, one))).toEqual({ replayed: false })
      expect(await harness.store.put(backup(clientId, two), undefined, { ifMatch: [revisionOf(one)] })).toEqual({
        replayed: false,
      })
      expect(
        await harness.store.put(backup(clientId, randomBytes(32)), undefined, { ifMatch: [revisionOf(one)] }),
      ).toEqual({
        replayed: false,
        preconditionFailed: true,
      })
      expect((await harness.store.get(clientId, 'GDRIVE'))?.data).toEqual(two)
    })

    it('lets one of two writers racing on the same revision win, round after round', async () => {
      const clientId = uniqueClient()
      let current = randomBytes(32)
      await harness.store.put(backup(clientId, current))
      for (let round = 0; round < 10; round++) {
        const candidates = [randomBytes(32), randomBytes(32)]
        const results = await Promise.all(
          candidates.map((data) =>
            harness.store.put(backup(clientId, data), undefined, { ifMatch: [revisionOf(current)] }),
          ),
        )
        const won = results.map((r) => !r.replayed && !r.preconditionFailed)
        expect(won.filter(Boolean), `round ${round}`).toHaveLength(1)
        current = candidates[won.indexOf(true)]!
        expect((await harness.store.get(clientId, 'GDRIVE'))?.data).toEqual(current)
      }
    })

    it('answers a live idempotency record before checking the condition', async () => {
      const clientId = uniqueClient()
      const data = randomBytes(32)
      expect(await harness.store.put(backup(clientId, data), idem(clientId, 'k'))).toEqual({ replayed: false })
      const again = await harness.store.put(backup(clientId, randomBytes(32)), idem(clientId, 'k'), {
        ifMatch: ['"stale"'],
      })
      expect(again).toEqual({ replayed: true, previous: expect.objectContaining({ key: 'k', fingerprint: 'fp' }) })
      expect((await harness.store.get(clientId, 'GDRIVE'))?.data).toEqual(data)
    })

    it('rolls the idempotency claim back with a failed condition', async () => {
      const clientId = uniqueClient()
      const data = randomBytes(32)
      await harness.store.put(backup(clientId, data))
      const refused = await harness.store.put(backup(clientId, randomBytes(32)), idem(clientId, 'k'), {
        ifMatch: ['"stale"'],
      })
      expect(refused).toEqual({ replayed: false, preconditionFailed: true })
      expect(await harness.store.getIdempotency(clientId, 'k', new Date())).toBeUndefined()
      expect((await harness.store.get(clientId, 'GDRIVE'))?.data).toEqual(data)
    })

    it('keeps unrelated writes of the same batch when one condition fails', async () => {
      const a = uniqueClient()
      const b = uniqueClient()
      const [refused, stored] = await Promise.all([
        harness.store.put(backup(a, randomBytes(32)), idem(a, 'k'), { ifMatch: '*' }),
        harness.store.put(backup(b, randomBytes(32)), idem(b, 'k')),
      ])
      expect(refused).toEqual({ replayed: false, preconditionFailed: true })
      expect(stored).toEqual({ replayed: false })
      expect(await harness.store.list({ clientId: a })).toEqual([])
      expect(await harness.store.list({ clientId: b })).toHaveLength(1)
      expect(await harness.store.getIdempotency(b, 'k', new Date())).toBeDefined()
    })
  })
})
