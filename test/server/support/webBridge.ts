import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http'
import { Readable } from 'node:stream'

/**
 * A web-standard handler served by `node:http`, the way Node hosts of such handlers do it (@hono/node-server's
 * listener, the shape Next.js and React Router servers share): the request becomes a web `Request` whose body is the
 * socket's stream (`Readable.toWeb`, `duplex: 'half'`), aborted when the connection goes away; the `Response` is
 * written back as it comes, its body streamed with backpressure. Nothing here knows the kit: it is the test's host.
 */
export function webBridge(handle: (request: Request) => Promise<Response>): {
  listener: RequestListener
  /** The caller's address of a request this bridge made (a web `Request` does not carry it): the socket's peer. */
  addressOf(request: Request): string | undefined
} {
  const incomingOf = new WeakMap<Request, IncomingMessage>()

  const listener: RequestListener = (incoming, outgoing) => {
    let request: Request
    const aborted = new AbortController()
    try {
      request = toWebRequest(incoming, aborted.signal)
    } catch {
      // A request target that is no URL: the host's own 400, as @hono/node-server answers it.
      outgoing.writeHead(400, { 'content-length': '0' }).end()
      return
    }
    incomingOf.set(request, incoming)
    let ended = incoming.readableEnded
    incoming.once('end', () => {
      ended = true
    })
    outgoing.once('close', () => {
      if (!outgoing.writableFinished) aborted.abort(new Error('client connection closed'))
      // A body nobody read to its end: let go of it once the answer is out (two ticks, as @hono/node-server).
      if (!ended) setTimeout(() => setTimeout(() => ended || incoming.destroy()))
    })
    handle(request)
      .catch(() => new Response(null, { status: 500 }))
      .then((response) => writeWebResponse(response, outgoing))
      .catch(() => outgoing.destroy())
  }

  return { listener, addressOf: (request) => incomingOf.get(request)?.socket.remoteAddress }
}

function toWebRequest(incoming: IncomingMessage, signal: AbortSignal): Request {
  const url = new URL(incoming.url ?? '/', `http://${incoming.headers.host ?? '127.0.0.1'}`)
  const headers = new Headers()
  for (let i = 0; i < incoming.rawHeaders.length; i += 2)
    headers.append(incoming.rawHeaders[i]!, incoming.rawHeaders[i + 1]!)
  const method = incoming.method ?? 'GET'
  const init: RequestInit & { duplex?: 'half' } = { method, headers, signal }
  if (method !== 'GET' && method !== 'HEAD') {
    init.body = Readable.toWeb(incoming) as ReadableStream<Uint8Array>
    init.duplex = 'half'
  }
  return new Request(url, init)
}

async function writeWebResponse(response: Response, outgoing: ServerResponse): Promise<void> {
  const headers: Record<string, string | string[] | number> = {}
  response.headers.forEach((value, name) => {
    headers[name] = value
  })
  const cookies = response.headers.getSetCookie()
  if (cookies.length > 0) headers['set-cookie'] = cookies
  if (!response.body) {
    outgoing.writeHead(response.status, headers).end()
    return
  }
  // A body that is whole in its first two reads goes out with a Content-Length, as @hono/node-server sends it;
  // a longer one is streamed (chunked) with backpressure.
  const reader = response.body.getReader()
  const first: Uint8Array[] = []
  let done = false
  for (let i = 0; i < 2 && !done; i++) {
    const read = await reader.read()
    if (read.value) first.push(read.value)
    done = read.done
  }
  if (done && !('content-length' in headers)) headers['content-length'] = first.reduce((n, c) => n + c.length, 0)
  outgoing.writeHead(response.status, headers)
  for (const chunk of first) outgoing.write(chunk)
  while (!done && !outgoing.destroyed) {
    const read = await reader.read()
    done = read.done
    if (read.value && !outgoing.write(read.value))
      await new Promise((resolve) => {
        outgoing.once('drain', resolve)
        outgoing.once('close', resolve)
      })
  }
  outgoing.end()
}
