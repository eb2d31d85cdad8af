// Issue #14, point 4: a malformed path is the caller's fault: 4xx, never a 500, and never a log line.
import { request } from 'node:http'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { devHeaderAuthenticate, sqliteStore, startServer } from '../../src/server/index.js'
import type { BackupStore, RunningServer } from '../../src/server/index.js'
import { HOSTS } from './support/hosts.js'
import { KEY_A, WEBHOOK_SECRET, serveRouter, type TestApi } from './support/http.js'

const BAD_SEGMENTS = [
  '%',
  '%%',
  '%ZZ',
  '%C0%AF',
  '%E0%A4%A',
  '%FF',
  '%F0%9F%98',
  '%ED%A0%80',
  '%C3%28',
  'a%',
  'a%2',
  '%u0041',
  '%%41',
  '%0',
]
const PATHS = [
  ...BAD_SEGMENTS.map((seg) => `/clients/${seg}/backup`),
  ...BAD_SEGMENTS.map((seg) => `/clients/${seg}/backup?backupMethod=GDRIVE`),
  ...BAD_SEGMENTS.map((seg) => `/webhook/backup${seg}`),
  ...BAD_SEGMENTS.map((seg) => `/${seg}`),
]
// A query only matters to GET and DELETE (a POST with a valid body ignores it and may rightly store).
const GET_ONLY = BAD_SEGMENTS.map((seg) => `/clients/ok/backup?backupMethod=${seg}`)
const REQUESTS = [
  ...PATHS.flatMap(
    (p) =>
      [
        ['GET', p],
        ['POST', p],
        ['DELETE', p],
      ] as const,
  ),
  ...GET_ONLY.flatMap(
    (p) =>
      [
        ['GET', p],
        ['DELETE', p],
      ] as const,
  ),
]

/** Sends the path byte for byte (fetch would normalise some of it). */
function send(base: URL, method: string, path: string, clientId: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: base.hostname,
        port: base.port,
        method,
        path: `${base.pathname}${path}`,
        headers: { 'content-type': 'application/json', 'x-client-id': clientId, 'x-webhook-secret': WEBHOOK_SECRET },
      },
      (res) => {
        res.resume()
        res.on('end', () => resolve(res.statusCode ?? 0))
      },
    )
    req.on('error', reject)
    req.end(
      method === 'POST' ? JSON.stringify({ backupMethod: 'GDRIVE', cipherText: 'x', clientId, share: 'x' }) : undefined,
    )
  })
}

// The path is refused before any store is touched: SQLite in memory is enough, on every host.
describe.each(HOSTS)('malformed paths through $name', (host) => {
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

  it(`answers every one of ${REQUESTS.length} malformed requests with a 4xx and logs nothing`, async () => {
    const answers: Array<[string, number]> = []
    for (const [method, path] of REQUESTS)
      answers.push([`${method} ${path}`, await send(new URL(api.base), method, path, 'ok')])
    expect(answers.filter(([, status]) => status < 400 || status >= 500)).toEqual([])
    expect(answers.filter(([what, status]) => what.includes('/clients/%') && status !== 400)).toEqual([])
    expect(api.logged).toEqual([])
  })
})

describe('malformed paths through the bundled server', () => {
  let store: BackupStore
  let running: RunningServer
  const consoleErrors: unknown[] = []
  beforeAll(async () => {
    store = sqliteStore({ filename: ':memory:' })
    vi.spyOn(console, 'error').mockImplementation((...args) => void consoleErrors.push(args))
    running = await startServer({
      store: { ...store, close: async () => {} },
      authenticate: devHeaderAuthenticate(),
      webhookSecret: WEBHOOK_SECRET,
      encryptionKey: KEY_A,
      port: 0,
      limits: { rate: false },
    })
  })
  afterAll(async () => {
    vi.restoreAllMocks()
    await running?.close()
    await store?.close()
  })

  it('answers them with a 4xx and logs nothing', async () => {
    const answers: Array<[string, number]> = []
    for (const [method, path] of REQUESTS)
      answers.push([`${method} ${path}`, await send(new URL(`${running.url}/api`), method, path, 'ok')])
    expect(answers.filter(([, status]) => status < 400 || status >= 500)).toEqual([])
    expect(consoleErrors).toEqual([])
  })
})
