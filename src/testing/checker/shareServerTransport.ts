// The checker's side of the wire: one request with its caps (time, body size, Retry-After, the run's deadline), and
// the fixed words that describe what went wrong. Nothing here keeps or prints a header value or a server's message.
import type { ShareServerCheckClock } from './checkShareServerTypes.js'

export interface Exchange {
  label: string
  status: number
  text: string
  headers: Headers
  ms: number
  /** Answers that are meant to carry a share back (a read). */
  readBack: boolean
}

/** A failed expectation inside one row; its message is built from fixed words, statuses and listed codes only. */
export class RowFailure extends Error {}

interface TransportSettings {
  /** The base URL without user info or fragment, its path without a trailing slash; its query goes on every request. */
  base: URL
  /** `Basic …` from the base URL's user info, sent when a request carries no Authorization of its own. */
  basicAuth: string | undefined
  fetch: typeof fetch
  clock: ShareServerCheckClock
  requestTimeoutMs: number
  maxBodyBytes: number
  maxRetryAfterMs: number
  maxRunMs: number
  /** On `clock`: no request or wait starts past it. */
  deadline: number
}

interface SendInit {
  headers?: Record<string, string>
  body?: string
  readBack?: boolean
}

export type SendRequest = (
  label: string,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  init?: SendInit,
) => Promise<Exchange>

/** A 429 is retried at most this many times (after its Retry-After, at least 200 ms). */
const MAX_RETRIES = 3

export function runCapReached(maxRunMs: number): string {
  return `the run's time cap (${maxRunMs} ms, --max-run-ms) was reached`
}

/** `send` records every answer in `exchanges` (for the rows that look at all of them). */
export function createTransport(s: TransportSettings, exchanges: Exchange[]): SendRequest {
  return async (label, method, path, init = {}) => {
    const headers = { ...(init.headers ?? {}) }
    if (s.basicAuth !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'authorization'))
      headers.authorization = s.basicAuth
    for (let attempt = 0; ; attempt++) {
      const remaining = s.deadline - s.clock.now()
      if (remaining <= 0) throw new RowFailure(`${label}: ${runCapReached(s.maxRunMs)}`)
      // The run's deadline also bounds the request in flight; which of the two ended it decides the words.
      const cutByRun = remaining < s.requestTimeoutMs
      const signal = AbortSignal.timeout(Math.max(1, Math.ceil(Math.min(remaining, s.requestTimeoutMs))))
      const started = s.clock.now()
      const failed = (what: string, error: unknown) =>
        new RowFailure(
          `${label}: ${cutByRun && signal.aborted ? runCapReached(s.maxRunMs) : `${what} (${describeNetworkError(error)})`}`,
        )
      let res: Response
      try {
        res = await s.fetch(requestUrl(s.base, path), {
          method,
          headers,
          ...(init.body === undefined ? {} : { body: init.body }),
          redirect: 'manual',
          signal,
        })
      } catch (error) {
        throw failed('no answer', error)
      }
      const text = await readCappedBody(res, label, s.maxBodyBytes, (error) => failed('the body broke off', error))
      const exchange: Exchange = {
        label,
        status: res.status,
        text,
        headers: res.headers,
        ms: s.clock.now() - started,
        readBack: init.readBack === true,
      }
      exchanges.push(exchange)
      // A rate limit is the server doing its job; wait as asked, within the caps, and ask again.
      const waitSeconds = Number(res.headers.get('retry-after'))
      if (res.status === 429 && attempt < MAX_RETRIES && Number.isFinite(waitSeconds)) {
        const waitMs = Math.max(waitSeconds * 1000, 200)
        if (waitMs > s.maxRetryAfterMs)
          throw new RowFailure(
            `${label}: 429 asks to wait longer than the cap (${s.maxRetryAfterMs} ms, --max-retry-after-ms)`,
          )
        if (s.clock.now() + waitMs > s.deadline)
          throw new RowFailure(`${label}: 429 asks to wait past the run's time cap (${s.maxRunMs} ms, --max-run-ms)`)
        await s.clock.sleep(waitMs)
        continue
      }
      return exchange
    }
  }
}

/** `path` (with its own query, if any) under the base URL, the base's query first. */
function requestUrl(base: URL, path: string): string {
  const q = path.indexOf('?')
  const url = new URL(base.href)
  url.pathname = `${base.pathname.replace(/\/+$/, '')}${q < 0 ? path : path.slice(0, q)}`
  url.search = [base.search.slice(1), q < 0 ? '' : path.slice(q + 1)].filter((part) => part !== '').join('&')
  return url.href
}

/** The body as text, read no further than `maxBytes`: a longer one (declared or streamed) fails the row. */
async function readCappedBody(
  res: Response,
  label: string,
  maxBytes: number,
  broke: (error: unknown) => RowFailure,
): Promise<string> {
  const tooLong = () =>
    new RowFailure(`${label}: the answer's body is longer than the cap (${maxBytes} bytes, --max-body-bytes)`)
  if (res.body === null) return ''
  const reader = res.body.getReader()
  if (Number(res.headers.get('content-length')) > maxBytes) {
    await reader.cancel().catch(() => {})
    throw tooLong()
  }
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    let chunk: ReadableStreamReadResult<Uint8Array>
    try {
      chunk = await reader.read()
    } catch (error) {
      throw broke(error)
    }
    if (chunk.done) break
    size += chunk.value.byteLength
    if (size > maxBytes) {
      // Cancelling closes the connection: the rest is never read.
      await reader.cancel().catch(() => {})
      throw tooLong()
    }
    chunks.push(chunk.value)
  }
  const bytes = new Uint8Array(size)
  let at = 0
  for (const chunk of chunks) {
    bytes.set(chunk, at)
    at += chunk.byteLength
  }
  return new TextDecoder().decode(bytes)
}

/** The network layer's error code or a fixed phrase: never its message, which may quote a URL or what a server sent. */
function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause
  if (typeof cause?.code === 'string' && /^[A-Z_]{2,40}$/.test(cause.code)) return cause.code
  if ((error as { name?: unknown } | undefined)?.name === 'TimeoutError') return 'timed out'
  return safeName(error)
}

// Error names only: a message could quote what a broken server sent.
export function safeName(error: unknown): string {
  return error instanceof Error && /^[A-Za-z]{1,40}$/.test(error.name) ? error.name : 'unknown error'
}
