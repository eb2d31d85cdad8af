// /healthz and /metrics of the bundled server. After a soak-like load (many clients, every kind of answer, rate limits
// hit), the metrics text holds request counts, latencies, store timings and rate-limit hits, and no clientId, share,
// cipherText, secret or token.
import { randomBytes } from 'node:crypto'
import { afterAll, describe, expect, it } from 'vitest'
import type { ServerConfig } from '../../src/server/index.js'
import {
  ServerConfigError,
  createServer,
  devHeaderAuthenticate,
  loadServerConfig,
  postgresStore,
  sqliteStore,
} from '../../src/server/index.js'
import { getBackup, listenOnLoopback, postBackup, postWebhook, WEBHOOK_SECRET } from './support/http.js'
import { postgresSkipReason, storeCases } from './support/stores.js'

const METRICS_TOKEN = `metrics-${randomBytes(12).toString('hex')}`
const servers: Array<() => Promise<void>> = []
afterAll(async () => {
  for (const close of servers) await close()
})

async function serve(overrides: Partial<ServerConfig> = {}, withMetrics = true) {
  const config: ServerConfig = {
    store: sqliteStore({ filename: ':memory:' }),
    authenticate: devHeaderAuthenticate(),
    webhookSecret: WEBHOOK_SECRET,
    encryptionKey: randomBytes(32),
    logger: { error: () => {} },
    ...(withMetrics ? { metricsToken: METRICS_TOKEN } : {}),
    ...overrides,
  }
  const { handler, close } = createServer(config)
  const listener = await listenOnLoopback(handler)
  servers.push(async () => {
    await listener.close()
    await close()
  })
  const url = `http://127.0.0.1:${listener.port}`
  return { url, api: `${url}/api` }
}

const scrape = (url: string, token: string | null = METRICS_TOKEN) =>
  fetch(`${url}/metrics`, { headers: token === null ? {} : { authorization: `Bearer ${token}` } })

describe('/metrics', () => {
  it('after a soak-like load, counts requests, latencies, store calls and rate-limit hits, and names no client or secret', async () => {
    // One token a minute after a burst of 10: phase one (7 a client) stays inside the burst and phase two's 12 at once
    // go past it however slow the machine (a refill of 1 a second could refill a slow burst).
    const { url, api } = await serve({ limits: { rate: { perMinute: 1, burst: 10 } } })
    const clients = Array.from({ length: 40 }, (_, i) => `soak-${i}-${randomBytes(4).toString('hex')}`)
    const secrets: string[] = [WEBHOOK_SECRET, METRICS_TOKEN]
    // Phase one: six requests per caller, within its burst of ten, so every answer's status is known.
    await Promise.all(
      clients.map(async (clientId, i) => {
        const cipherText = `soak-cipher-${randomBytes(10).toString('hex')}`
        const share = `soak-share-${randomBytes(10).toString('hex')}`
        secrets.push(cipherText, share)
        await getBackup(api, clientId) // 404 backup_not_found
        await postBackup(api, clientId, { backupMethod: 'GDRIVE', cipherText }, { 'idempotency-key': `k-${i}` })
        await postBackup(api, clientId, { backupMethod: 'GDRIVE', cipherText }, { 'idempotency-key': `k-${i}` })
        await getBackup(api, clientId)
        await getBackup(api, clientId, undefined, clients[(i + 1) % clients.length]) // 403, charged to the prober
        await postBackup(api, clientId, '{"backupMethod":') // 400
        await postWebhook(api, '/webhook/backup', { clientId, share, backupMethod: 'GDRIVE-SECP256K1' })
        await postWebhook(api, '/webhook/backup/fetch', { clientId })
      }),
    )
    // Phase two: bursts past the limit, so some are refused with 429.
    await Promise.all(
      clients.map((clientId) => Promise.all(Array.from({ length: 12 }, () => getBackup(api, clientId)))),
    )
    await fetch(`${api}/clients/${clients[0]}/nowhere`) // route_not_found

    const res = await scrape(url)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
    const text = await res.text()
    const route = 'route="/api/clients/:clientId/backup"'
    expect(text).toContain(`rmb_http_requests_total{${route},method="POST",status="200"} 80`)
    expect(text).toContain(`rmb_http_requests_total{${route},method="GET",status="404"} 40`)
    expect(text).toContain(`rmb_http_requests_total{${route},method="GET",status="403"} 40`)
    expect(text).toContain('rmb_http_requests_total{route="/api/webhook/backup/fetch",method="POST",status="200"} 40')
    expect(text).toContain('rmb_http_requests_total{route="other",method="GET",status="404"} 1')
    expect(text).toMatch(
      /rmb_http_request_duration_seconds_count\{route="\/api\/clients\/:clientId\/backup",method="POST",status="200"\} 80/,
    )
    // Every POST that reached the store, replays included (the store answers a live Idempotency-Key as a replay).
    expect(text).toMatch(/rmb_store_operation_duration_seconds_count\{operation="put"\} 80/)
    const limited = Number(/rmb_rate_limited_total\{scope="client"\} (\d+)/.exec(text)?.[1])
    expect(limited).toBeGreaterThan(0)
    expect(text).toContain(`rmb_http_requests_total{${route},method="GET",status="429"} ${limited}`)
    expect(text).toContain('rmb_backup_events_total{type="backup.replayed"} 40')

    const leaked = [...clients, ...secrets].filter((value) => text.includes(value))
    expect(leaked).toEqual([])
    // Every label value is one of a fixed vocabulary.
    for (const [, name, value] of text.matchAll(/(\w+)="([^"]*)"/g)) {
      expect(['route', 'method', 'status', 'le', 'operation', 'scope', 'type']).toContain(name)
      expect(value).toMatch(/^[\w/:.+-]{1,40}$/)
    }
  }, 60_000)

  it('answers 401 without the token, and is not served at all without a configured token', async () => {
    const withToken = await serve()
    expect((await scrape(withToken.url, null)).status).toBe(401)
    expect((await scrape(withToken.url, `${METRICS_TOKEN}x`)).status).toBe(401)
    const without = await serve({}, false)
    const res = await scrape(without.url)
    expect(res.status).toBe(404)
    expect(await res.json()).toEqual({ error: { code: 'route_not_found' } })
  })
})

// Issue #25, item 6: wrong tokens are limited per address by the limiter (and the settings) of wrong webhook secrets.
describe.each(storeCases)('wrong /metrics tokens on $name', ({ name, skip, create }) => {
  if (skip) console.warn(`wrong /metrics tokens on ${name}: ${postgresSkipReason}`)

  it.skipIf(skip)(
    'are limited per address: 429 with Retry-After once spent, even for the right token; other addresses unaffected',
    async () => {
      const harness = await create()
      servers.push(() => harness.dispose())
      const { url } = await serve({
        store: harness.store,
        // One trusted hop lets the test speak for several addresses through X-Forwarded-For.
        trustProxy: 1,
        limits: { webhookFailures: { perMinute: 1, burst: 5 } },
      })
      const call = (from: string, token: string) =>
        fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${token}`, 'x-forwarded-for': from } })
      const statuses: number[] = []
      for (let i = 0; i < 8; i++) statuses.push((await call('10.0.0.7', `guess-${i}`)).status)
      expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429, 429])
      const blocked = await call('10.0.0.7', METRICS_TOKEN)
      expect(blocked.status).toBe(429)
      expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0)
      expect(blocked.headers.get('cache-control')).toBe('no-store')
      expect(await blocked.json()).toEqual({ error: { code: 'rate_limited' } })
      expect((await call('10.0.0.8', METRICS_TOKEN)).status).toBe(200)
    },
  )
})

describe('METRICS_TOKEN', () => {
  const production = {
    NODE_ENV: 'production',
    WEBHOOK_SECRET: 'w'.repeat(32),
    AUTH_JWT_SECRET: 'j'.repeat(32),
    BACKUP_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none',
  }

  it('in production must be at least 32 bytes, like every other secret (a ServerConfigError, the token not echoed)', async () => {
    const short = 'sixteen-chars-ok'
    let thrown: unknown
    try {
      loadServerConfig({ ...production, METRICS_TOKEN: short })
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(ServerConfigError)
    expect((thrown as Error).message).toMatch(
      /METRICS_TOKEN must be at least 32 bytes when NODE_ENV=production \(got 16\)/,
    )
    expect((thrown as Error).message).not.toContain(short)
    const { config } = loadServerConfig({ ...production, METRICS_TOKEN: 'm'.repeat(32) })
    expect(config.metricsToken).toBe('m'.repeat(32))
    await config.store.close()
  })
})

describe('/healthz', () => {
  it('is 200 with the database reachable', async () => {
    const { url } = await serve()
    const res = await fetch(`${url}/healthz`)
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ status: 'ok', database: 'ok' })
  })

  it('is 503 when the database cannot be reached, without the driver message', async () => {
    // Nothing listens on port 1: the pool's connection is refused.
    const store = postgresStore({ connectionString: 'postgres://postgres@127.0.0.1:1/none' })
    const { url } = await serve({ store })
    const res = await fetch(`${url}/healthz`)
    expect(res.status).toBe(503)
    expect(await res.json()).toEqual({ status: 'unavailable', database: 'unreachable' })
  })
})
