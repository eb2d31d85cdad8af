import { createServer } from 'node:http'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * How a hostile share server misbehaves on every answer:
 * - `echo`: puts every secret the request carried (bearer token, Basic user and password, webhook secret, query
 *   values, the hex of shares and cipherTexts) into `error.code`, `error.message` and headers, under changing statuses;
 * - `retry-after`: `429 rate_limited` with `Retry-After: <seconds>`;
 * - `huge-body`: `200` with a JSON body of `hugeBytes` streamed in chunks as fast as the reader takes them.
 */
export type HostileBehaviour =
  | { kind: 'echo' }
  | { kind: 'retry-after'; seconds: number }
  | { kind: 'huge-body'; hugeBytes: number }

export interface HostileShareServer {
  /** `http://127.0.0.1:<port>` (no path). */
  origin: string
  /** Requests answered so far. */
  requests: number
  /** Every secret the echo server found in a request (and echoed). */
  seen: Set<string>
  /** Bytes written into each answer's body, in request order. */
  bytesWritten: number[]
  close(): Promise<void>
}

const STATUSES = [400, 401, 403, 404, 412, 413, 422, 500, 200]

export async function startHostileShareServer(behaviour: HostileBehaviour): Promise<HostileShareServer> {
  const state: HostileShareServer = {
    origin: '',
    requests: 0,
    seen: new Set(),
    bytesWritten: [],
    close: async () => {},
  }
  const server = createServer((req, res) => {
    const index = state.requests++
    state.bytesWritten.push(0)
    if (behaviour.kind === 'retry-after') {
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': String(behaviour.seconds) })
      return res.end('{"error":{"code":"rate_limited"}}')
    }
    if (behaviour.kind === 'huge-body') return streamHuge(res, behaviour.hugeBytes, index, state.bytesWritten)
    readAll(req).then((body) => {
      const secrets = secretsOf(req, body)
      for (const s of secrets) state.seen.add(s)
      echo(secrets, res, index)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  state.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  state.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve())
      server.closeAllConnections()
    })
  return state
}

function readAll(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', () => resolve(''))
  })
}

/** Every secret-looking value the request carried, as a lowercase-hex (code-shaped) string where it holds one. */
function secretsOf(req: IncomingMessage, body: string): string[] {
  const found: string[] = []
  const auth = req.headers.authorization ?? ''
  const bearer = /^Bearer (.+)$/.exec(auth)?.[1]
  if (bearer) found.push(bearer)
  const basic = /^Basic (.+)$/.exec(auth)?.[1]
  if (basic) found.push(...Buffer.from(basic, 'base64').toString('utf8').split(':'))
  const hook = req.headers['x-webhook-secret']
  if (typeof hook === 'string') found.push(hook)
  const url = new URL(req.url ?? '/', 'http://x')
  for (const value of url.searchParams.values()) found.push(value)
  for (const m of body.matchAll(/[0-9a-f]{16,}/g)) found.push(m[0])
  return found.filter((v) => v.length > 0)
}

function echo(secrets: string[], res: ServerResponse, index: number): void {
  const code = secrets.length > 0 ? secrets[index % secrets.length]! : 'unauthorized'
  const all = secrets.join(' ')
  const status = STATUSES[index % STATUSES.length]!
  res.writeHead(status, {
    'content-type': 'application/json',
    'cache-control': 'no-store',
    etag: `"${code}"`,
    'www-authenticate': `Bearer realm="x", error="${code}"`,
    'x-echo': all,
    location: `/echo?${all}`,
  })
  res.end(
    JSON.stringify({
      error: { code, message: `you sent ${all}`, fields: secrets },
      backupMethod: code,
      cipherText: code,
      backupShares: secrets,
      backupShare: code,
    }),
  )
}

function streamHuge(res: ServerResponse, total: number, index: number, written: number[]): void {
  res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' })
  const chunk = Buffer.alloc(64 * 1024, 'a')
  res.write('{"x":"')
  let sent = 0
  const pump = () => {
    while (sent < total && !res.destroyed) {
      sent += chunk.length
      written[index] = sent
      if (!res.write(chunk)) return void res.once('drain', pump)
    }
    if (!res.destroyed) res.end('"}')
  }
  res.on('close', () => {
    sent = total
  })
  pump()
}
