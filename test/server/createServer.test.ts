import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { devHeaderAuthenticate, sqliteStore, startServer } from '../../src/server/index.js'
import type { RunningServer } from '../../src/server/index.js'

describe('startServer', () => {
  let running: RunningServer
  beforeAll(async () => {
    running = await startServer({
      store: sqliteStore({ filename: ':memory:' }),
      authenticate: devHeaderAuthenticate(),
      webhookSecret: 'secret',
      encryptionKey: randomBytes(32),
      port: 0,
      devInspector: true,
      corsOrigins: ['http://localhost:5173'],
    })
  })
  afterAll(async () => {
    await running?.close()
  })

  it('listens on a free loopback port when given port 0', () => {
    expect(running.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(running.port).toBeGreaterThan(0)
  })

  it('sends COOP same-origin-allow-popups and the basic security headers', async () => {
    const res = await fetch(`${running.url}/api/health`)
    expect(res.headers.get('cross-origin-opener-policy')).toBe('same-origin-allow-popups')
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    expect(res.headers.get('x-frame-options')).toBe('DENY')
    expect(res.headers.get('x-powered-by')).toBeNull()
  })

  it('lists stored rows in the dev inspector without any share content', async () => {
    const clientId = 'inspected'
    await fetch(`${running.url}/api/clients/${clientId}/backup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-client-id': clientId },
      body: JSON.stringify({ backupMethod: 'GDRIVE', cipherText: 'INSPECTOR-MUST-NOT-SHOW', keyVersion: 2 }),
    })
    // Distinct timestamps so newest-first ordering is observable.
    await new Promise((r) => setTimeout(r, 10))
    await fetch(`${running.url}/api/webhook/backup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-webhook-secret': 'secret' },
      body: JSON.stringify({ clientId, share: 'CUSTODIAN-MUST-NOT-SHOW', backupMethod: 'GDRIVE-ED25519' }),
    })
    const res = await fetch(`${running.url}/api/dev/rows?clientId=${clientId}`)
    const text = await res.text()
    expect(text).not.toMatch(/MUST-NOT-SHOW/)
    const { rows } = JSON.parse(text) as { rows: Array<Record<string, unknown>> }
    expect(rows).toEqual([
      expect.objectContaining({
        kind: 'custodian',
        clientId,
        backupMethod: 'GDRIVE-ED25519',
        keyVersion: null,
        bytes: expect.any(Number),
      }),
      expect.objectContaining({
        kind: 'client',
        clientId,
        backupMethod: 'GDRIVE',
        keyVersion: 2,
        storedAt: expect.any(String),
      }),
    ])
  })

  it('answers unknown routes with a JSON 404 route_not_found (not the "no backup yet" code) and no stack', async () => {
    const res = await fetch(`${running.url}/api/nope`)
    expect(res.status).toBe(404)
    expect(await res.json()).toEqual({ error: { code: 'route_not_found' } })
    const wrongBase = await fetch(`${running.url}/wrong/clients/c1/backup`)
    expect(await wrongBase.json()).toEqual({ error: { code: 'route_not_found' } })
  })

  it('answers CORS preflights for configured origins only', async () => {
    const preflight = (origin: string) =>
      fetch(`${running.url}/api/clients/x/backup`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type,idempotency-key',
        },
      })
    const allowed = await preflight('http://localhost:5173')
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://localhost:5173')
    expect(allowed.headers.get('access-control-allow-headers')).toMatch(/Idempotency-Key/)
    expect(allowed.headers.get('access-control-allow-headers')).toMatch(/\bIf-Match\b/)
    expect((await preflight('https://evil.example')).headers.get('access-control-allow-origin')).toBeNull()
  })

  it('lets an allowed origin read the ETag it must send back as If-Match', async () => {
    const clientId = 'cors-etag'
    const request = (origin: string) =>
      fetch(`${running.url}/api/clients/${clientId}/backup`, {
        method: 'POST',
        headers: { origin, 'content-type': 'application/json', 'x-client-id': clientId },
        body: JSON.stringify({ backupMethod: 'GDRIVE', cipherText: 'ct' }),
      })
    const allowed = await request('http://localhost:5173')
    expect(allowed.status).toBe(200)
    expect(allowed.headers.get('etag')).toMatch(/^"[\w-]{22}"$/)
    expect(allowed.headers.get('access-control-expose-headers')?.split(/\s*,\s*/)).toEqual(
      expect.arrayContaining(['ETag', 'Retry-After']),
    )
    const read = await fetch(`${running.url}/api/clients/${clientId}/backup`, {
      headers: { origin: 'http://localhost:5173', 'x-client-id': clientId },
    })
    expect(read.headers.get('etag')).toBe(allowed.headers.get('etag'))
    expect(read.headers.get('access-control-expose-headers')?.split(/\s*,\s*/)).toContain('ETag')
    expect((await request('https://evil.example')).headers.get('access-control-expose-headers')).toBeNull()
  })
})
