import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BackupStore } from '../../src/server/index.js'
import { sqliteStore } from '../../src/server/index.js'
import { postWebhook, serveRouter, uniqueClient } from './support/http.js'
import type { TestApi } from './support/http.js'

describe('webhook deadline', () => {
  let api: TestApi
  let store: BackupStore
  // A database that hangs must not make the provider wait past its 10 s window. This one answers only once the test
  // is over, so nothing but the deadline can end the request.
  let unhang = () => {}
  const hung = new Promise<void>((r) => (unhang = r))
  beforeAll(async () => {
    store = sqliteStore({ filename: ':memory:' })
    const slow: BackupStore = {
      ...store,
      putWebhook: (share) => hung.then(() => store.putWebhook(share)),
    }
    api = await serveRouter(slow, { limits: { webhookDeadlineMs: 100 } })
  })
  afterAll(async () => {
    unhang()
    await api?.close()
    await store?.close()
  })

  it('answers 503 timeout when storing takes longer than the deadline', async () => {
    // The store never answers during the test: an answer at all is the deadline's.
    const res = await postWebhook(api.base, '/webhook/backup', { clientId: uniqueClient(), share: 's' })
    expect(res.status).toBe(503)
    expect(await res.json()).toEqual({ error: { code: 'timeout' } })
  })
})
