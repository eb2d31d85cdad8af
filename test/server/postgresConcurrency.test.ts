import { beforeAll, describe, expect, it } from 'vitest'
import { postgresSkipReason, storeCases } from './support/stores.js'
import type { StoreHarness } from './support/stores.js'
import { postBackup, postWebhook, uniqueClient } from './support/http.js'
import type { TestApi } from './support/http.js'
import { serveRouterOn } from './support/serveRouterOn.js'

const postgres = storeCases.find((c) => c.name === 'postgres')!
if (postgres.skip) console.warn(`PostgreSQL concurrency: ${postgresSkipReason}`)

describe.skipIf(postgres.skip)('PostgreSQL under concurrent writes', () => {
  let harness: StoreHarness
  let api: TestApi
  beforeAll(async () => {
    const served = await serveRouterOn(postgres)
    ;({ harness, api } = served)
    return served.close
  })

  it('leaves exactly one row, holding one of the written shares, after 50 concurrent webhook writes for one client and method', async () => {
    const clientId = uniqueClient()
    const shares = Array.from({ length: 50 }, (_, i) => `share-${i}`)
    const statuses = await Promise.all(
      shares.map((share) =>
        postWebhook(api.base, '/webhook/backup', { clientId, share, backupMethod: 'GDRIVE-SECP256K1' }).then(
          (r) => r.status,
        ),
      ),
    )
    expect(statuses.every((s) => s === 200)).toBe(true)
    expect(await harness.store.listWebhook({ clientId })).toHaveLength(1)
    const body = (await (await postWebhook(api.base, '/webhook/backup/fetch', { clientId })).json()) as {
      backupShares: string[]
    }
    expect(body.backupShares).toHaveLength(1)
    expect(shares).toContain(body.backupShares[0])
  })

  it('stores all of 50 different clients written in parallel', async () => {
    const clients = Array.from({ length: 50 }, () => uniqueClient('par'))
    const statuses = await Promise.all(
      clients.map((clientId) =>
        postWebhook(api.base, '/webhook/backup', { clientId, share: `share-of-${clientId}` }).then((r) => r.status),
      ),
    )
    expect(statuses.every((s) => s === 200)).toBe(true)
    const fetched = await Promise.all(
      clients.map((clientId) =>
        postWebhook(api.base, '/webhook/backup/fetch', { clientId }).then(
          (r) => r.json() as Promise<{ backupShare: string }>,
        ),
      ),
    )
    expect(fetched.map((f) => f.backupShare)).toEqual(clients.map((c) => `share-of-${c}`))
  })

  it('leaves one client backup row after 50 concurrent POSTs of one method', async () => {
    const clientId = uniqueClient()
    const texts = Array.from({ length: 50 }, (_, i) => `ct-${i}`)
    const statuses = await Promise.all(
      texts.map((cipherText) =>
        postBackup(api.base, clientId, { backupMethod: 'GDRIVE', cipherText }).then((r) => r.status),
      ),
    )
    expect(statuses.every((s) => s === 200)).toBe(true)
    expect(await harness.store.list({ clientId })).toHaveLength(1)
  })
})
