// The checker's side of the wire: one request, asked again after a 429 as the server says, and the words that
// describe what went wrong.

export interface Exchange {
  label: string
  status: number
  text: string
  headers: Headers
  ms: number
  /** Answers that are meant to carry a share back (a read). */
  readBack: boolean
}

/** A failed expectation inside one row; its message is built from statuses and codes only. */
export class RowFailure extends Error {}

export interface TransportSettings {
  /** The base URL without a trailing slash. */
  base: string
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
    for (let attempt = 0; ; attempt++) {
      const started = performance.now()
      let res: Response
      try {
        res = await s.fetch(`${s.base}${path}`, {
          method,
          headers: init.headers ?? {},
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

function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause
  if (typeof cause?.code === 'string' && /^[A-Z_]{2,40}$/.test(cause.code)) return cause.code
  // The network layer's own words (e.g. "bad port"), never anything the server sent.
  if (typeof cause?.message === 'string' && /^[\w .:-]{1,80}$/.test(cause.message)) return cause.message
  if ((error as { name?: unknown } | undefined)?.name === 'TimeoutError') return 'timed out'
  return safeName(error)
}

// Error names only: a message could quote what a broken server sent.
export function safeName(error: unknown): string {
  return error instanceof Error && /^[A-Za-z]{1,40}$/.test(error.name) ? error.name : 'unknown error'
}
