// Issue #25, item 4: the Idempotency-Key fingerprint covers every field the row stores, so the same key with another
// keyFileId or googleAccount is 422 and leaves the row as it was; records written under the old fingerprint (method,
// key version and cipherText only) are still honoured until their TTL ends.
import { beforeAll, describe, expect, it } from 'vitest'
import { encryptAtRest } from '../../src/server/index.js'
import { KEY_A, getBackup, postBackup, uniqueClient } from './support/http.js'
import type { TestApi } from './support/http.js'
import { serveRouterOn } from './support/serveRouterOn.js'
import { postgresSkipReason, storeCases } from './support/stores.js'
import type { StoreHarness } from './support/stores.js'

const account = { permissionId: 'perm_1', email: 'alice@example.com' }
const body = {
  backupMethod: 'PASSWORD',
  cipherText: 'ct-fp',
  keyVersion: 'v1',
  keyFileId: 'file_1',
  googleAccount: account,
}
const errorCode = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code

describe.each(storeCases)('the idempotency fingerprint on $name', (storeCase) => {
  if (storeCase.skip) console.warn(`idempotency fingerprint on ${storeCase.name}: ${postgresSkipReason}`)

  describe.skipIf(storeCase.skip)('POST /clients/:clientId/backup with an Idempotency-Key', () => {
    let harness: StoreHarness
    let api: TestApi
    beforeAll(async () => {
      const served = await serveRouterOn(storeCase)
      ;({ harness, api } = served)
      return served.close
    })

    it('the same key with another keyFileId is 422 idempotency_key_reused, and the row keeps its keyFileId', async () => {
      const clientId = uniqueClient()
      const key = { 'idempotency-key': 'fp-file' }
      expect((await postBackup(api.base, clientId, body, key)).status).toBe(200)
      const other = await postBackup(api.base, clientId, { ...body, keyFileId: 'file_2' }, key)
      expect(other.status).toBe(422)
      expect(other.headers.get('idempotent-replayed')).toBeNull()
      expect(await errorCode(other)).toBe('idempotency_key_reused')
      const row = await getBackup(api.base, clientId, 'PASSWORD')
      expect(await row.json()).toMatchObject({ cipherText: 'ct-fp', keyFileId: 'file_1' })
      // A keyFileId where the first request had none is another request too.
      const { keyFileId: _, ...withoutFile } = body
      expect((await postBackup(api.base, clientId, withoutFile, key)).status).toBe(422)
    })

    it('the same key with another googleAccount is 422, and the row keeps its account', async () => {
      const clientId = uniqueClient()
      const key = { 'idempotency-key': 'fp-account' }
      expect((await postBackup(api.base, clientId, body, key)).status).toBe(200)
      const other = { ...body, googleAccount: { ...account, email: 'mallory@example.com' } }
      const res = await postBackup(api.base, clientId, other, key)
      expect(res.status).toBe(422)
      expect(await errorCode(res)).toBe('idempotency_key_reused')
      const row = await getBackup(api.base, clientId, 'PASSWORD')
      expect(await row.json()).toMatchObject({ googleAccount: account })
    })

    it('the same key with another walletBackupId is 422, and the row keeps its id (every stored field counts)', async () => {
      const clientId = uniqueClient()
      const key = { 'idempotency-key': 'fp-pair' }
      expect((await postBackup(api.base, clientId, { ...body, walletBackupId: 'bsp_1' }, key)).status).toBe(200)
      const res = await postBackup(api.base, clientId, { ...body, walletBackupId: 'bsp_2' }, key)
      expect(res.status).toBe(422)
      expect(await errorCode(res)).toBe('idempotency_key_reused')
      const row = await getBackup(api.base, clientId, 'PASSWORD')
      expect(await row.json()).toMatchObject({ walletBackupId: 'bsp_1' })
    })

    it('an identical request replays (200, Idempotent-Replayed), whatever the order of its keys; null and absent are one', async () => {
      const clientId = uniqueClient()
      const key = { 'idempotency-key': 'fp-same' }
      const first = await postBackup(api.base, clientId, { ...body, keyVersion: null }, key)
      expect(first.status).toBe(200)
      const reordered = {
        googleAccount: { email: account.email, permissionId: account.permissionId },
        keyFileId: body.keyFileId,
        cipherText: body.cipherText,
        backupMethod: body.backupMethod,
      }
      const again = await postBackup(api.base, clientId, reordered, key)
      expect(again.status).toBe(200)
      expect(again.headers.get('idempotent-replayed')).toBe('true')
      expect(await again.json()).toEqual(await first.json())
      const record = (await harness.store.getIdempotency(clientId, 'fp-same', new Date()))!
      // Versioned, keyed: `v2:` then the keyed MAC of the canonical body.
      expect(record.fingerprint).toMatch(/^v2:h1:[A-Za-z0-9_-]{43}$/)
    })

    it('a record written with the old fingerprint (method, key version, cipherText) replays until its TTL ends', async () => {
      const clientId = uniqueClient()
      const old = encryptAtRest(KEY_A).mac(JSON.stringify([body.backupMethod, body.keyVersion, body.cipherText]))[0]!
      const answer = JSON.stringify({ backupMethod: body.backupMethod, storedAt: '2026-01-01T00:00:00.000Z' })
      const row = {
        clientId,
        backupMethod: body.backupMethod,
        keyVersion: body.keyVersion,
        keyFileId: body.keyFileId,
        googleAccount: account,
        keyId: 'old',
        data: Buffer.from('sealed before the upgrade'),
        storedAt: new Date(),
      }
      const record = (key: string, expiresAt: Date) => ({
        clientId,
        key,
        fingerprint: old,
        status: 200,
        body: answer,
        expiresAt,
      })
      await harness.store.put(row, record('old-live', new Date(Date.now() + 60 * 60_000)))
      const replayed = await postBackup(api.base, clientId, body, { 'idempotency-key': 'old-live' })
      expect(replayed.status).toBe(200)
      expect(replayed.headers.get('idempotent-replayed')).toBe('true')
      expect(await replayed.text()).toBe(answer)
      // Compared the old way: another cipherText under that key is still refused.
      const refused = await postBackup(
        api.base,
        clientId,
        { ...body, cipherText: 'ct-other' },
        { 'idempotency-key': 'old-live' },
      )
      expect(refused.status).toBe(422)

      // Once expired, the key is taken over by the next request, which stores and gets a current fingerprint.
      await harness.store.put(row, record('old-expired', new Date(Date.now() - 1)))
      const fresh = await postBackup(api.base, clientId, body, { 'idempotency-key': 'old-expired' })
      expect(fresh.status).toBe(200)
      expect(fresh.headers.get('idempotent-replayed')).toBeNull()
      const taken = (await harness.store.getIdempotency(clientId, 'old-expired', new Date()))!
      expect(taken.fingerprint).toMatch(/^v2:/)
    })
  })
})
