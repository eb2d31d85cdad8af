// The checker's side of the wire: one request, asked again after a 429 as the server says, and the fixed words that
// describe what went wrong. Nothing here keeps or prints a header value or a server's message.

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

export interface TransportSettings {
  /** The base URL without user info or fragment, its path without a trailing slash; its query goes on every request. */
  base: URL
  /** `Basic …` from the base URL's user info, sent when a request carries no Authorization of its own. */
  basicAuth: string | undefined
  fetch: typeof fetch
  requestTimeoutMs: number
}

export interface SendInit {
  headers?: Record<string, string>
  body?: string
  readBack?: boolean
}

export type SendRequest = (label: string, method: 'GET' | 'POST', path: string, init?: SendInit) => Promise<Exchange>

/** `send` records every answer in `exchanges` (for the rows that look at all of them). */
export function createTransport(s: TransportSettings, exchanges: Exchange[]): SendRequest {
  return async (label, method, path, init = {}) => {
    const headers = { ...(init.headers ?? {}) }
    if (s.basicAuth !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'authorization'))
      headers.authorization = s.basicAuth
    for (let attempt = 0; ; attempt++) {
      const started = performance.now()
      let res: Response
      try {
        res = await s.fetch(requestUrl(s.base, path), {
          method,
          headers,
          ...(init.body === undefined ? {} : { body: init.body }),
          redirect: 'manual',
          signal: AbortSignal.timeout(s.requestTimeoutMs),
        })
      } catch (error) {
        throw new RowFailure(`${label}: no answer (${describeNetworkError(error)})`)
      }
      const text = await res.text().catch(() => '')
      const exchange: Exchange = {
        label,
        status: res.status,
        text,
        headers: res.headers,
        ms: performance.now() - started,
        readBack: init.readBack === true,
      }
      exchanges.push(exchange)
      // A rate limit is the server doing its job; wait as asked (bounded) and ask again.
      const wait = Number(res.headers.get('retry-after'))
      if (res.status === 429 && attempt < 3 && Number.isFinite(wait) && wait <= 61) {
        await new Promise((resolve) => setTimeout(resolve, Math.max(wait, 0.2) * 1000))
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
