// The node:http host reads a request body with nodeBodyChunks (issue #26's bench: Node's own `req.iterator()` cost
// more than the rest of reading the body). Every case runs against both, over real sockets on loopback, so the
// replacement is held to what Node's iterator (with `destroyOnReturn: false`) does: a whole body, a trickling one, a
// client gone halfway or before the read, a reader that stops at its limit and still answers, a body already read.
// No assertion depends on time: each step waits for the event it needs.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { connect } from 'node:net'
import type { Socket } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { nodeBodyChunks } from '../../src/server/hosts/nodeBodyChunks.js'
import { listenOnLoopback } from './support/http.js'

type Outcome = { kind: 'done'; body: string } | { kind: 'threw' } | { kind: 'stopped'; bytes: number }
type Chunks = (req: IncomingMessage) => AsyncIterable<Uint8Array>

const implementations: [string, Chunks][] = [
  ['req.iterator({ destroyOnReturn: false }) (Node)', (req) => req.iterator({ destroyOnReturn: false })],
  ['nodeBodyChunks', nodeBodyChunks],
]

function deferred<T = void>(): { promise: Promise<T>; resolve(value: T): void } {
  let resolve!: (value: T) => void
  const promise = new Promise<T>((r) => {
    resolve = r
  })
  return { promise, resolve }
}

/** Reads the body as readJsonBody does: stops past `limit`; `onChunk` hears each chunk. */
async function consume(chunks: AsyncIterable<Uint8Array>, limit: number, onChunk: () => void): Promise<Outcome> {
  const parts: Buffer[] = []
  let size = 0
  try {
    for await (const chunk of chunks) {
      size += chunk.length
      if (size > limit) return { kind: 'stopped', bytes: size }
      parts.push(Buffer.from(chunk))
      onChunk()
    }
  } catch {
    return { kind: 'threw' }
  }
  return { kind: 'done', body: Buffer.concat(parts).toString('utf8') }
}

/** A raw loopback client: what it received, and a promise of the connection's close. */
function client(port: number): { socket: Socket; received: () => string; closed: Promise<void> } {
  const socket = connect(port, '127.0.0.1')
  let received = ''
  socket.setEncoding('latin1')
  socket.on('data', (d: string) => {
    received += d
  })
  socket.on('error', () => {})
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()))
  return { socket, received: () => received, closed }
}

const head = (length: number) => `POST /x HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: ${length}\r\n\r\n`

describe.each(implementations)('reading a node:http body with %s', (_name, chunksOf) => {
  let onRequest: (req: IncomingMessage, res: ServerResponse) => void = () => {}
  let server: Awaited<ReturnType<typeof listenOnLoopback>>

  beforeAll(async () => {
    server = await listenOnLoopback((req, res) => onRequest(req, res))
  })
  afterAll(async () => {
    await server?.close()
  })

  /** The next request's outcome; `read` decides when the body is read (default: at once). */
  function nextRequest(
    limit = 64 * 1024,
    read: (req: IncomingMessage, start: () => void) => void = (_req, start) => start(),
  ) {
    const seen = deferred()
    const firstChunk = deferred()
    const outcome = deferred<Outcome>()
    onRequest = (req, res) => {
      seen.resolve()
      read(req, () => {
        consume(chunksOf(req), limit, () => firstChunk.resolve()).then((result) => {
          outcome.resolve(result)
          if (res.destroyed) return
          const status = result.kind === 'done' ? 200 : result.kind === 'stopped' ? 413 : 400
          res.writeHead(status, result.kind === 'done' ? {} : { Connection: 'close' })
          res.end(result.kind === 'done' ? result.body : '')
        })
      })
    }
    return { seen: seen.promise, firstChunk: firstChunk.promise, outcome: outcome.promise }
  }

  it('reads a body that came with its headers, whole', async () => {
    const request = nextRequest()
    const { socket, received, closed } = client(server.port)
    const body = JSON.stringify({ cipherText: 'x'.repeat(1500) })
    socket.write(head(body.length) + body)
    expect(await request.outcome).toEqual({ kind: 'done', body })
    socket.end()
    await closed
    expect(received()).toMatch(/^HTTP\/1\.1 200 /)
  }, 20_000)

  it('waits for a body that trickles in, and reads it whole', async () => {
    const request = nextRequest()
    const { socket, closed } = client(server.port)
    socket.write(`${head(9)}{"a":`)
    await request.firstChunk
    socket.write('"b"}')
    expect(await request.outcome).toEqual({ kind: 'done', body: '{"a":"b"}' })
    socket.end()
    await closed
  }, 20_000)

  it('throws when the client goes away halfway through the body', async () => {
    const request = nextRequest()
    const { socket } = client(server.port)
    socket.write(`${head(2000)}${'y'.repeat(500)}`)
    await request.firstChunk
    socket.destroy()
    expect(await request.outcome).toEqual({ kind: 'threw' })
  }, 20_000)

  it('throws when the client went away before the body was asked for', async () => {
    const request = nextRequest(64 * 1024, (req, start) => req.once('close', start))
    const { socket } = client(server.port)
    socket.write(`${head(2000)}${'y'.repeat(500)}`)
    await request.seen
    socket.destroy()
    expect(await request.outcome).toEqual({ kind: 'threw' })
  }, 20_000)

  it('stops at the limit without destroying the socket: the answer still goes out, the rest is never read', async () => {
    const request = nextRequest(1000)
    const { socket, received, closed } = client(server.port)
    // Chunked, so nothing declares the size up front; the body never ends from the client's side.
    socket.write(
      `POST /x HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n7d0\r\n${'z'.repeat(2000)}\r\n`,
    )
    expect(await request.outcome).toEqual({ kind: 'stopped', bytes: 2000 })
    await closed
    expect(received()).toMatch(/^HTTP\/1\.1 413 /)
    expect(received()).toMatch(/\r\nConnection: close\r\n/i)
  }, 20_000)

  it('ends at once for a body someone else already read', async () => {
    const request = nextRequest(64 * 1024, (req, start) => {
      req.resume()
      req.once('end', start)
    })
    const { socket, closed } = client(server.port)
    socket.write(`${head(5)}hello`)
    expect(await request.outcome).toEqual({ kind: 'done', body: '' })
    socket.end()
    await closed
  }, 20_000)
})
