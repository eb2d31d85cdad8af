// What each host adapter adds around the core (issue #26): HEAD, the answer to a path the kit does not serve, and the
// web-standard handler's own promises: built at module load with options that are not there yet (a Next.js route
// file under `next build`) it never throws, and answers 503 `not_ready` with the reason logged until they are; its
// base path; the caller's address it cannot know by itself.
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BackupRouterOptions, BackupStore } from '../../src/server/index.js'
import { createWebHandler, devHeaderAuthenticate, jwtAuthenticate, sqliteStore } from '../../src/server/index.js'
import { HOSTS } from './support/hosts.js'
import { KEY_A, WEBHOOK_SECRET, getBackup, postBackup, serveRouter, signJwt, uniqueClient } from './support/http.js'
import type { TestApi } from './support/http.js'

/** The headers every answer of the kit carries (openapi/share-server.yaml: no-store on every answer). */
const expectKitHeaders = (res: Response) => {
  expect(res.headers.get('cache-control')).toBe('no-store')
  expect(res.headers.get('x-content-type-options')).toBe('nosniff')
  expect(res.headers.get('x-frame-options')).toBe('DENY')
  expect(res.headers.get('referrer-policy')).toBe('no-referrer')
  expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'")
}

describe.each(HOSTS)('the $name adapter', (host) => {
  let store: BackupStore
  let api: TestApi
  beforeAll(async () => {
    store = sqliteStore({ filename: ':memory:' })
    api = await serveRouter(store, {}, host)
  })
  afterAll(async () => {
    await api?.close()
    await store?.close()
  })

  it('answers HEAD on a backup like GET, without the body', async () => {
    const clientId = uniqueClient('head')
    expect((await postBackup(api.base, clientId, { backupMethod: 'GDRIVE', cipherText: 'head-ct' })).status).toBe(200)
    const get = await getBackup(api.base, clientId)
    const head = await fetch(`${api.base}/clients/${clientId}/backup`, {
      method: 'HEAD',
      headers: { 'x-client-id': clientId },
    })
    expect(head.status).toBe(200)
    expect(head.headers.get('etag')).toBe(get.headers.get('etag'))
    expect(head.headers.get('content-type')).toBe(get.headers.get('content-type'))
    expectKitHeaders(head)
    expect(await head.text()).toBe('')
    const missing = await fetch(`${api.base}/clients/${uniqueClient()}/backup`, {
      method: 'HEAD',
      headers: { 'x-client-id': 'x' },
    })
    expect(missing.status).toBe(403)
    expect(await missing.text()).toBe('')
  })

  // express hands the paths the kit does not serve to the app (the router calls next): the 404 is the app's.
  it.skipIf(host.name === 'express')(
    'answers a path it does not serve, inside or outside its base path, 404 route_not_found with the kit headers',
    async () => {
      const root = api.base.replace(/\/api$/, '')
      for (const [method, url] of [
        ['GET', `${api.base}/nope`],
        ['POST', `${api.base}/clients/x/backups`],
        ['PUT', `${api.base}/clients/x/backup`],
        ['GET', `${api.base}/webhook/backup`],
        ['GET', `${root}/elsewhere/clients/x/backup`],
        ['GET', `${root}/apix/clients/x/backup`],
        ['GET', api.base],
      ] as const) {
        const res = await fetch(url, { method, headers: { 'x-client-id': 'x' } })
        expect([method, url, res.status]).toEqual([method, url, 404])
        expectKitHeaders(res)
        expect(await res.json()).toEqual({ error: { code: 'route_not_found' } })
      }
    },
  )
  if (host.name === 'express')
    console.warn("the express adapter: a path the kit does not serve is the app's (next()), so is its 404: not checked")
})

describe('createWebHandler on its own', () => {
  let store: BackupStore
  beforeAll(() => {
    store = sqliteStore({ filename: ':memory:' })
  })
  afterAll(async () => {
    await store?.close()
  })

  const JWT_SECRET = randomBytes(32).toString('hex')
  const options = (overrides: Partial<BackupRouterOptions> = {}, logged: string[] = []): BackupRouterOptions => ({
    store,
    authenticate: devHeaderAuthenticate(),
    webhookSecret: WEBHOOK_SECRET,
    encryptionKey: KEY_A,
    logger: { error: (m) => logged.push(m) },
    limits: { rate: false },
    ...overrides,
  })
  const at = (path: string, init: RequestInit = {}) => new Request(`http://app.example${path}`, init)
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    at(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    })

  // A Next.js route file builds its handler at module load, where `next build` has no secrets: read from the
  // environment, they are undefined or empty there.
  const unset = process.env.RMB_TEST_NEVER_SET_ANYWHERE
  it.each<[string, (logged: string[]) => BackupRouterOptions, RegExp, { webhookServed: boolean }]>([
    [
      'jwtAuthenticate without a secret',
      (logged) => options({ authenticate: jwtAuthenticate({ secret: unset }) }, logged),
      /jwtAuthenticate: secret/,
      // The custodian webhook does not sign users in: it is served meanwhile.
      { webhookServed: true },
    ],
    [
      'an empty webhookSecret',
      (logged) => options({ webhookSecret: unset ?? '' }, logged),
      /webhookSecret/,
      { webhookServed: false },
    ],
    [
      'no encryptionKey',
      (logged) => options({ encryptionKey: unset as unknown as BackupRouterOptions['encryptionKey'] }, logged),
      /encryptionKey is missing/,
      { webhookServed: false },
    ],
    [
      'a webhookAllowlist without the address option',
      (logged) => options({ webhookAllowlist: ['10.0.0.0/8'] }, logged),
      /webhookAllowlist needs the address option/,
      { webhookServed: false },
    ],
  ])(
    'with %s: is built without throwing, then answers 503 not_ready and logs why',
    async (_what, make, reason, { webhookServed }) => {
      const logged: string[] = []
      const handler = createWebHandler({ ...make(logged), basePath: '/api' })
      const clientId = uniqueClient('early')
      const token = signJwt({ sub: clientId, exp: Math.floor(Date.now() / 1000) + 600 }, JWT_SECRET)
      const headers = { 'x-client-id': clientId, authorization: `Bearer ${token}`, 'x-webhook-secret': WEBHOOK_SECRET }
      const clientAnswers = [
        await handler(
          post(`/api/clients/${clientId}/backup`, { backupMethod: 'GDRIVE', cipherText: 'early-ct' }, headers),
        ),
        await handler(at(`/api/clients/${clientId}/backup`, { headers })),
      ]
      const webhook = await handler(post('/api/webhook/backup', { clientId, share: 'early-share' }, headers))
      for (const res of webhookServed ? clientAnswers : [...clientAnswers, webhook]) {
        expect(res.status).toBe(503)
        expect(await res.json()).toEqual({ error: { code: 'not_ready' } })
        expectKitHeaders(res)
      }
      if (webhookServed) expect(webhook.status).toBe(200)
      expect(logged.length).toBeGreaterThanOrEqual(1)
      for (const line of logged) expect(line).toMatch(/^\[react-mpc-backup\] not_ready: /)
      expect(logged.join('\n')).toMatch(reason)
      expect(logged.join('\n')).not.toMatch(/early-ct|early-share|Bearer|test-webhook-secret/)
      expect(await store.list({ clientId })).toEqual([])
    },
  )

  it('serves the webhook allowlist from the address option', async () => {
    const clientId = uniqueClient('fenced')
    const body = { clientId, share: 's' }
    const headers = { 'x-webhook-secret': WEBHOOK_SECRET }
    const fenced = createWebHandler({ ...options({ webhookAllowlist: ['10.0.0.0/8'] }), address: () => '192.0.2.1' })
    expect((await fenced(post('/webhook/backup', body, headers))).status).toBe(403)
    const inside = createWebHandler({ ...options({ webhookAllowlist: ['10.0.0.0/8'] }), address: () => '10.1.2.3' })
    expect((await inside(post('/webhook/backup', body, headers))).status).toBe(200)
  })

  it('serves below its base path only: whole segments, any case, a trailing slash, the query kept', async () => {
    const clientId = uniqueClient('base')
    const me = { 'x-client-id': clientId }
    for (const basePath of ['/api/backup', '/api/backup/']) {
      const handler = createWebHandler({ ...options(), basePath })
      const stored = await handler(
        post(`/api/backup/clients/${clientId}/backup`, { backupMethod: 'M1', cipherText: 'b' }, me),
      )
      expect(stored.status).toBe(200)
      const read = await handler(at(`/API/Backup/clients/${clientId}/backup?backupMethod=M1`, { headers: me }))
      expect([read.status, await read.json()]).toEqual([200, expect.objectContaining({ backupMethod: 'M1' })])
      const other = await handler(at(`/api/backup/clients/${clientId}/backup?backupMethod=NONE`, { headers: me }))
      expect(other.status).toBe(404)
      expect(await other.json()).toEqual({ error: { code: 'backup_not_found' } })
      for (const outside of [
        `/api/backupx/clients/${clientId}/backup`,
        `/api/clients/${clientId}/backup`,
        `/clients/${clientId}/backup`,
        '/api/backup',
        '/api',
      ]) {
        const res = await handler(at(outside, { headers: me }))
        expect([outside, res.status]).toEqual([outside, 404])
        expect(await res.json()).toEqual({ error: { code: 'route_not_found' } })
        expectKitHeaders(res)
      }
    }
  })

  it('answers HEAD with the headers of GET and no body', async () => {
    const clientId = uniqueClient('whead')
    const handler = createWebHandler(options())
    const me = { 'x-client-id': clientId }
    await handler(post(`/clients/${clientId}/backup`, { backupMethod: 'GDRIVE', cipherText: 'h' }, me))
    const get = await handler(at(`/clients/${clientId}/backup`, { headers: me }))
    const head = await handler(at(`/clients/${clientId}/backup`, { method: 'HEAD', headers: me }))
    expect(head.status).toBe(200)
    expect(head.body).toBeNull()
    expect(head.headers.get('etag')).toBe(get.headers.get('etag'))
    const unknown = await handler(at('/nowhere', { method: 'HEAD' }))
    expect([unknown.status, unknown.body]).toEqual([404, null])
  })

  it('answers a body stream that errors halfway 400 invalid_body, stores nothing and logs nothing of it', async () => {
    const logged: string[] = []
    const handler = createWebHandler(options({}, logged))
    const clientId = uniqueClient('werr')
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(`{"backupMethod":"GDRIVE","cipherText":"half-`))
        controller.error(new Error('stream-broke-halfway'))
      },
    })
    const res = await handler(
      at(`/clients/${clientId}/backup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-client-id': clientId },
        body,
        duplex: 'half',
      } as RequestInit),
    )
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual({ error: { code: 'invalid_body' } })
    expect(await store.list({ clientId })).toEqual([])
    expect(logged).toEqual([])
  })

  it('answers a POST whose Request has no body at all 400 invalid_body', async () => {
    const handler = createWebHandler(options())
    const clientId = uniqueClient('wnone')
    const res = await handler(
      at(`/clients/${clientId}/backup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-client-id': clientId },
      }),
    )
    expect(res.status).toBe(400)
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid_body')
  })
})
