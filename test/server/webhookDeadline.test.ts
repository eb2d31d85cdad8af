import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BackupStore } from '../../src/server/index.js'
import { sqliteStore } from '../../src/server/index.js'
import { postWebhook, serveRouter, uniqueClient } from './support/http.js'
import type { TestApi } from './support/http.js'

describe('webhook deadline', () => {
  let api: TestApi
  let store: BackupStore
  beforeAll(async () => {
    store = sqliteStore({ filename: ':memory:' })
    // A database that hangs must not make the provider wait past its 10 s window.
    const slow: BackupStore = {
      ...store,
      putWebhook: (share) => new Promise((r) => setTimeout(r, 1_000)).then(() => store.putWebhook(share)),
    }
    api = await serveRouter(slow, { limits: { webhookDeadlineMs: 100 } })
  })
  afterAll(async () => {
    await api?.close()
    await store?.close()
  })

  it('answers 503 timeout when storing takes longer than the deadline', async () => {
    const started = Date.now()
    const res = await postWebhook(api.base, '/webhook/backup', { clientId: uniqueClient(), share: 's' })
    expect(res.status).toBe(503)
    expect(await res.json()).toEqual({ error: { code: 'timeout' } })
    expect(Date.now() - started).toBeLessThan(900)
  })
})
