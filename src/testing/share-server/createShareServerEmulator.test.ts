import { setupServer } from 'msw/node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createShareServerEmulator } from './createShareServerEmulator.js'

const server = setupServer()
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterAll(() => server.close())

function setup(baseURL: string, now?: () => number) {
  const share = createShareServerEmulator({ baseURL, ...(now ? { now } : {}) })
  server.resetHandlers(...share.handlers)
  return share
}

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer t', ...headers },
    body: JSON.stringify(body),
  })

describe('share server emulator', () => {
  it('post / get / replace / 404, absolute base URL', async () => {
    const share = setup('https://app.test/api')
    const url = 'https://app.test/api/clients/c1/backup'
    expect((await fetch(`${url}?backupMethod=PASSWORD`)).status).toBe(404)
    expect(await (await fetch(`${url}?backupMethod=PASSWORD`)).json()).toEqual({ error: { code: 'backup_not_found' } })

    const first = await post(url, { backupMethod: 'PASSWORD', cipherText: 'ct-1', keyVersion: 'v1' })
    expect(first.status).toBe(200)
    const receipt = (await first.json()) as { backupMethod: string; storedAt: string }
    expect(receipt.backupMethod).toBe('PASSWORD')
    expect(new Date(receipt.storedAt).toISOString()).toBe(receipt.storedAt)

    await post(url, { backupMethod: 'PASSWORD', cipherText: 'ct-2', keyVersion: 'v2' })
    await post(url, { backupMethod: 'GDRIVE', cipherText: 'ct-g' })
    const got = (await (await fetch(`${url}?backupMethod=PASSWORD`)).json()) as Record<string, unknown>
    expect(got).toEqual({
      cipherText: 'ct-2',
      backupMethod: 'PASSWORD',
      keyVersion: 'v2',
      storedAt: expect.any(String),
    })
    expect(share.rows()).toHaveLength(2)

    expect(share.requests.every((r) => !('authorization' in r.headers))).toBe(true)
    expect(share.requests.some((r) => r.url.includes('ct-'))).toBe(false)
    expect(share.requests[2]).toMatchObject({ method: 'POST', hasAuthorization: true, bodyReceived: true })
  })

  it('Idempotency-Key: a replay returns the first answer and stores nothing new', async () => {
    let clock = Date.UTC(2026, 0, 1)
    const share = setup('https://app.test/api', () => clock)
    const url = 'https://app.test/api/clients/c2/backup'
    const body = { backupMethod: 'PASSWORD', cipherText: 'ct-1', keyVersion: 'v1' }
    const a = (await (await post(url, body, { 'Idempotency-Key': 'k1' })).json()) as { storedAt: string }
    expect(a.storedAt).toBe(new Date(clock).toISOString())
    // A write served again (not replayed) would be stamped with the later time.
    clock += 5_000
    const replay = await post(url, body, { 'Idempotency-Key': 'k1' })
    expect(replay.status).toBe(200)
    expect(((await replay.json()) as { storedAt: string }).storedAt).toBe(a.storedAt)
    expect(share.rows()[0]?.storedAt).toBe(a.storedAt)
    expect((await post(url, { ...body, cipherText: 'other' }, { 'Idempotency-Key': 'k1' })).status).toBe(422)
  })

  it('storedAt and the request log read the injected clock; stamps stay strictly increasing when it stands still', async () => {
    const clock = Date.UTC(2026, 0, 1)
    const share = setup('https://app.test/api', () => clock)
    const url = 'https://app.test/api/clients/c4/backup'
    const first = (await (await post(url, { backupMethod: 'A', cipherText: 'x' })).json()) as { storedAt: string }
    const second = (await (await post(url, { backupMethod: 'B', cipherText: 'y' })).json()) as { storedAt: string }
    expect([first.storedAt, second.storedAt]).toEqual([
      new Date(clock).toISOString(),
      new Date(clock + 1).toISOString(),
    ])
    expect(share.requests.map((r) => r.at)).toEqual([clock, clock])
  })

  it('400 on bad bodies; relative base URL matches any origin; faults', async () => {
    const share = setup('/api')
    const url = 'http://localhost:5173/api/clients/c3/backup'
    expect((await post(url, { cipherText: 'x' })).status).toBe(400)
    expect((await post(url, { backupMethod: 'PASSWORD', cipherText: '' })).status).toBe(400)
    expect((await post(url, { backupMethod: 'PASSWORD', cipherText: 1 })).status).toBe(400)
    expect((await fetch(url, { method: 'POST', body: 'nope{' })).status).toBe(400)
    expect(
      (await post('https://elsewhere.example/api/clients/c3/backup', { backupMethod: 'M', cipherText: 'x' })).status,
    ).toBe(200)

    share.faults.set('share.post', { status: 503, retryAfter: 1 }, { times: 1 })
    const faulty = await post(url, { backupMethod: 'M', cipherText: 'y' })
    expect(faulty.status).toBe(503)
    expect(faulty.headers.get('retry-after')).toBe('1')
    expect((await post(url, { backupMethod: 'M', cipherText: 'y' })).status).toBe(200)
    let release!: () => void
    share.faults.set('share.post', { until: new Promise<void>((r) => (release = r)) }, { times: 1 })
    const held = post(url, { backupMethod: 'M', cipherText: 'held' })
    await expect.poll(() => share.inFlight()).toBe(1)
    expect(((await (await fetch(`${url}?backupMethod=M`)).json()) as { cipherText: string }).cipherText).toBe('y')
    expect(share.inFlight()).toBe(1)
    release()
    expect((await held).status).toBe(200)
    expect(share.inFlight()).toBe(0)
    share.faults.set('share.get', { networkError: true }, { times: 1 })
    await expect(fetch(`${url}?backupMethod=M`)).rejects.toThrow(TypeError)
    expect(((await (await fetch(`${url}?backupMethod=M`)).json()) as { cipherText: string }).cipherText).toBe('held')
  })

  it('DELETE erases every method of that client and its Idempotency-Keys, answers 204 even with nothing stored, as the bundled server', async () => {
    let clock = Date.UTC(2026, 0, 1)
    const share = createShareServerEmulator({
      baseURL: 'https://app.test/api',
      now: () => clock,
      authorize: ({ authorization }) => authorization === 'Bearer t',
    })
    server.resetHandlers(...share.handlers)
    const url = (clientId: string) => `https://app.test/api/clients/${clientId}/backup`
    const erase = (clientId: string, headers: Record<string, string> = { authorization: 'Bearer t' }, query = '') =>
      fetch(`${url(clientId)}${query}`, { method: 'DELETE', headers })
    const body = { backupMethod: 'PASSWORD', cipherText: 'ct-1' }
    const first = (await (await post(url('c5'), body, { 'Idempotency-Key': 'k1' })).json()) as { storedAt: string }
    await post(url('c5'), { backupMethod: 'GDRIVE', cipherText: 'ct-g' })
    await post(url('c6'), body, { 'Idempotency-Key': 'k1' })

    expect((await erase('c5', {})).status).toBe(401)
    const refused = await erase('c5', undefined, '?backupMethod=PASSWORD')
    expect([refused.status, await refused.json()]).toEqual([400, { error: { code: 'invalid_query' } }])
    expect(share.rows()).toHaveLength(3)

    const erased = await erase('c5')
    expect([erased.status, await erased.text()]).toEqual([204, ''])
    expect(share.rows().map((r) => r.clientId)).toEqual(['c6'])
    expect(await (await fetch(url('c5'), { headers: { authorization: 'Bearer t' } })).json()).toEqual({
      error: { code: 'backup_not_found' },
    })
    expect((await erase('c5')).status).toBe(204)
    // The erased key is a new request now: stored again, with a new stamp, not the first answer replayed.
    clock += 5_000
    const again = await post(url('c5'), body, { 'Idempotency-Key': 'k1' })
    expect(again.headers.get('idempotent-replayed')).toBeNull()
    expect(((await again.json()) as { storedAt: string }).storedAt).not.toBe(first.storedAt)
    // The other client's key still replays.
    expect((await post(url('c6'), body, { 'Idempotency-Key': 'k1' })).headers.get('idempotent-replayed')).toBe('true')

    share.faults.set('share.delete', { status: 503 }, { times: 1 })
    expect((await erase('c5')).status).toBe(503)
    expect(share.rows().filter((r) => r.clientId === 'c5')).toHaveLength(1)
    expect(share.requests.filter((r) => r.method === 'DELETE')).toHaveLength(5)
  })
})
