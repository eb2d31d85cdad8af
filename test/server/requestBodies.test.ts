// Issue #26, point 4: the attacks on a request body, through every host adapter (express, the web-standard handler on
// a node->web bridge, node:http), on SQLite and PostgreSQL: a body too large (declared, or chunked with no length) is
// refused with 413 and the connection closed without the server reading the rest; a body whose client goes away or
// whose framing breaks halfway stores nothing, crashes nothing, and the next request is served; a wrong content type
// is 415; a missing body is 400.
import { connect } from 'node:net'
import { beforeAll, describe, expect, it } from 'vitest'
import { HOSTS } from './support/hosts.js'
import { WEBHOOK_SECRET, getBackup, postBackup, uniqueClient } from './support/http.js'
import type { TestApi } from './support/http.js'
import { serveRouterOn } from './support/serveRouterOn.js'
import { postgresSkipReason, storeCases } from './support/stores.js'
import type { StoreHarness } from './support/stores.js'

const LIMIT = 4096
/** What a client offers past the limit: far more than loopback's socket buffers hold, so a server that keeps reading shows. */
const OFFERED = 64 * 1024 * 1024
/** What the server may read of it: the limit plus the socket and stream buffers between the wire and the core. */
const READ_BOUND = 1024 * 1024
const CHUNK = Buffer.alloc(64 * 1024, 'x')

interface Streamed {
  response: string
  status: number
  /** Body bytes the client got onto the wire before the server cut it off. */
  sent: number
}

/**
 * Writes `head`, then streams `x` bytes as the body (chunked when `chunked`), with backpressure, until `OFFERED` bytes
 * are sent or the server closes the connection; resolves with what the server answered once the socket is closed.
 */
function streamBody(port: number, head: string, chunked: boolean): Promise<Streamed> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    const received: Buffer[] = []
    let closed = false
    let sent = 0
    socket.on('data', (chunk: Buffer) => received.push(chunk))
    // The server hangs up while the client still writes: EPIPE or ECONNRESET, the cut this test looks for.
    socket.on('error', () => {})
    socket.on('close', () => {
      closed = true
      const response = Buffer.concat(received).toString('latin1')
      resolve({ response, status: Number(/^HTTP\/1\.1 (\d{3})/.exec(response)?.[1] ?? 0), sent })
    })
    socket.on('connect', async () => {
      socket.write(head)
      const frame = chunked
        ? Buffer.concat([Buffer.from(`${CHUNK.length.toString(16)}\r\n`), CHUNK, Buffer.from('\r\n')])
        : CHUNK
      while (!closed && sent < OFFERED) {
        const more = socket.write(frame)
        sent += CHUNK.length
        if (!more) await new Promise((next) => (socket.once('drain', next), socket.once('close', next)))
      }
      if (!closed && chunked) socket.end('0\r\n\r\n')
    })
  })
}

/** Resolves once the server has taken `bytes` more off its sockets than `from` (it has read what was sent). */
async function serverRead(api: TestApi, from: number, bytes: number): Promise<void> {
  while (api.bytesRead() < from + bytes) await new Promise((r) => setTimeout(r, 5))
}

const ROUTES = [
  { route: 'POST /clients/:clientId/backup', path: (id: string) => `/clients/${id}/backup` },
  { route: 'POST /webhook/backup', path: () => '/webhook/backup' },
  { route: 'POST /webhook/backup/fetch', path: () => '/webhook/backup/fetch' },
] as const

const headOf = (path: string, clientId: string, extra: string[]) =>
  `${[
    `POST /api${path} HTTP/1.1`,
    'Host: 127.0.0.1',
    'Content-Type: application/json',
    `X-Client-Id: ${clientId}`,
    `X-Webhook-Secret: ${WEBHOOK_SECRET}`,
    ...extra,
  ].join('\r\n')}\r\n\r\n`

describe.each(HOSTS)('request bodies through $name', (host) => {
  describe.each(storeCases)('on $name', (storeCase) => {
    if (storeCase.skip) console.warn(`request bodies through ${host.name} on ${storeCase.name}: ${postgresSkipReason}`)

    describe.skipIf(storeCase.skip)('attacks', () => {
      let harness: StoreHarness
      let api: TestApi

      beforeAll(async () => {
        const served = await serveRouterOn(storeCase, { limits: { rate: false, bodyBytes: LIMIT } }, host)
        ;({ harness, api } = served)
        return served.close
      })

      /** Nothing of `clientId` is kept, and the server still stores and reads a backup. */
      const storedNothingAndServes = async (clientId: string) => {
        expect(await harness.store.list({ clientId })).toEqual([])
        expect(await harness.store.listWebhook({ clientId })).toEqual([])
        const next = uniqueClient('next')
        expect((await postBackup(api.base, next, { backupMethod: 'GDRIVE', cipherText: 'after' })).status).toBe(200)
        expect(await (await getBackup(api.base, next)).json()).toMatchObject({ cipherText: 'after' })
      }

      it.each([
        ['declared larger than the limit (Content-Length)', false],
        ['chunked with no length, streaming past the limit', true],
      ])('refuses a body %s with 413 and closes the connection without reading the rest', async (_what, chunked) => {
        for (const { path } of ROUTES) {
          const clientId = uniqueClient('big')
          const before = api.bytesRead()
          const head = headOf(path(clientId), clientId, [
            chunked ? 'Transfer-Encoding: chunked' : `Content-Length: ${OFFERED}`,
          ])
          const { response, status, sent } = await streamBody(api.port, head, chunked)
          expect([path(clientId), status], response.slice(0, 300)).toEqual([path(clientId), 413])
          expect(response).toContain('{"error":{"code":"payload_too_large"}}')
          // The socket closed (streamBody resolved) before the client could send all it offered: the server hung up.
          expect(sent).toBeLessThan(OFFERED)
          expect(api.bytesRead() - before).toBeLessThan(READ_BOUND)
          expect(response).toMatch(/\r\nconnection: close\r\n/i)
          await storedNothingAndServes(clientId)
        }
        expect(api.logged).toEqual([])
      })

      it.each([
        ['its client goes away halfway', 'abort'],
        ['its framing breaks halfway (a bad chunk size)', 'broken'],
      ])('answers a body whose %s with 400, stores nothing, and serves the next request', async (_what, how) => {
        for (const { path } of ROUTES) {
          const clientId = uniqueClient('cut')
          const part = `{"backupMethod":"GDRIVE","clientId":"${clientId}","share":"s","cipherText":"${'c'.repeat(600)}`
          const head = headOf(path(clientId), clientId, [
            how === 'abort' ? `Content-Length: ${part.length * 2}` : 'Transfer-Encoding: chunked',
          ])
          const first = how === 'abort' ? part : `${part.length.toString(16)}\r\n${part}\r\n`
          const answeredBefore = api.answers.length
          const readBefore = api.bytesRead()
          const socket = connect(api.port, '127.0.0.1')
          socket.on('error', () => {})
          await new Promise<void>((r) => socket.once('connect', () => r()))
          socket.write(head + first)
          // Halfway for real: the server has the head and the first half of the body before it breaks.
          await serverRead(api, readBefore, head.length + first.length)
          if (how === 'abort') socket.destroy()
          else socket.write('zz\r\nnot a chunk\r\n')
          // The event that says the server is done with it: its answer was ended (to a socket that may be gone).
          await api.answered(answeredBefore + 1)
          socket.destroy()
          expect(api.answers[answeredBefore]).toMatchObject({
            method: 'POST',
            url: `/api${path(clientId)}`,
            status: 400,
          })
          await storedNothingAndServes(clientId)
        }
        expect(api.logged).toEqual([])
      })

      it('answers 415 unsupported_media_type to a body that is not UTF-8 JSON, and stores nothing', async () => {
        const clientId = uniqueClient('type')
        const body = JSON.stringify({ backupMethod: 'GDRIVE', cipherText: 'typed', clientId, share: 's' })
        const send = (path: string, headers: Record<string, string>) =>
          fetch(`${api.base}${path}`, {
            method: 'POST',
            headers: { 'x-client-id': clientId, 'x-webhook-secret': WEBHOOK_SECRET, ...headers },
            body,
          })
        const answers: Array<[string, number, unknown]> = []
        const note = async (what: string, res: Response) => answers.push([what, res.status, await res.json()])
        // The client routes insist on a JSON type (a form post cannot reach them cross-site without a preflight).
        for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x'])
          await note(`client ${type}`, await send(`/clients/${clientId}/backup`, { 'content-type': type }))
        await note('client without a type', await send(`/clients/${clientId}/backup`, {}))
        // Every route: a charset other than UTF-8, or an encoding (never inflated: no zip bombs).
        for (const { route, path } of ROUTES) {
          const to = path(clientId)
          await note(`${route} latin1`, await send(to, { 'content-type': 'application/json; charset=latin1' }))
          await note(
            `${route} gzip`,
            await send(to, { 'content-type': 'application/json', 'content-encoding': 'gzip' }),
          )
        }
        expect(
          answers.filter(
            ([, status, json]) =>
              status !== 415 || JSON.stringify(json) !== '{"error":{"code":"unsupported_media_type"}}',
          ),
        ).toEqual([])
        expect(answers).toHaveLength(10)
        await storedNothingAndServes(clientId)
      })

      it('answers 400 invalid_body to a POST without a body (empty, or no length at all), and stores nothing', async () => {
        const clientId = uniqueClient('empty')
        const answers: Array<[string, number, unknown]> = []
        for (const { route, path } of ROUTES) {
          const empty = await fetch(`${api.base}${path(clientId)}`, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              'x-client-id': clientId,
              'x-webhook-secret': WEBHOOK_SECRET,
            },
          })
          answers.push([`${route} empty`, empty.status, await empty.json()])
          // No Content-Length and no Transfer-Encoding: HTTP/1.1 says there is no body.
          const bare = await new Promise<string>((resolve) => {
            const socket = connect(api.port, '127.0.0.1', () =>
              socket.end(headOf(path(clientId), clientId, ['Connection: close'])),
            )
            let raw = ''
            socket.setEncoding('latin1')
            socket.on('data', (d: string) => (raw += d))
            socket.on('close', () => resolve(raw))
          })
          answers.push([
            `${route} without a length`,
            Number(/^HTTP\/1\.1 (\d{3})/.exec(bare)?.[1]),
            JSON.parse(bare.slice(bare.indexOf('\r\n\r\n') + 4)),
          ])
        }
        expect(
          answers.filter(
            ([, status, json]) =>
              status !== 400 || (json as { error?: { code?: string } }).error?.code !== 'invalid_body',
          ),
        ).toEqual([])
        expect(answers).toHaveLength(6)
        await storedNothingAndServes(clientId)
      })
    })
  })
})
