/** How the checker signs in as one test client: its clientId and the headers that authenticate it. */
export interface ShareServerClient {
  clientId: string
  /** e.g. `{ Authorization: 'Bearer …' }` or `{ 'X-Client-Id': 'alice' }` for the bundled server's dev mode. */
  headers: Readonly<Record<string, string>>
}

/**
 * The checker's time: `now()` in milliseconds (any origin) and `sleep(ms)`. It measures webhook answers, waits out
 * `Retry-After` and enforces `maxRunMs`. Tests pass a fake one so that the caps are checked without waiting.
 */
export interface ShareServerCheckClock {
  now(): number
  sleep(ms: number): Promise<void>
}

export interface CheckShareServerOptions {
  /**
   * Where the routes are mounted, e.g. `https://staging.example.com/api` (the bundled server: `…/api`). A query
   * (`?code=…`) is sent with every request; user info (`https://user:pass@…`) is sent as `Authorization: Basic` on the
   * requests that carry no `Authorization` of their own. The report shows neither (nor a fragment).
   */
  baseUrl: string
  /**
   * Two different test clients; the checker writes test backups for them (methods `CHECK`, `CHECK-IDEM` and
   * `CHECK-ERASE`) and erases the second one's (`DELETE`).
   */
  clients: readonly [ShareServerClient, ShareServerClient]
  /** The custodian webhook's secret (`X-Webhook-Secret`). */
  webhookSecret: string
  /** A body larger than the server accepts (default 1 MiB); the bundled server's limit is 64 kB. */
  oversizeBytes?: number
  /** Each webhook answer must arrive within this (default 10 000 ms, the provider's window). */
  webhookDeadlineMs?: number
  /** Any one request gives up after this (default 15 000 ms). */
  requestTimeoutMs?: number
  /** The checker reads at most this much of any answer's body; a longer one fails its row (default 1 MiB). */
  maxBodyBytes?: number
  /**
   * The longest `Retry-After` of a 429 the checker waits out (default 60 000 ms); a longer one fails its row. At most
   * 3 retries per request.
   */
  maxRetryAfterMs?: number
  /** The whole run's time (default 300 000 ms): no request or wait starts past it, and the remaining rows fail. */
  maxRunMs?: number
  fetch?: typeof fetch
  /** Default: the real clock (`performance.now()`, `setTimeout`). */
  clock?: ShareServerCheckClock
}

export type ShareServerCheckName =
  | 'round-trip'
  | 'unauthenticated'
  | 'owner-only'
  | 'idempotent-replay'
  | 'if-match'
  | 'oversize'
  | 'malformed'
  | 'not-found'
  | 'erase'
  | 'webhook-secret'
  | 'webhook-round-trip'
  | 'webhook-deadline'
  | 'no-echo'

export interface ShareServerCheckRow {
  name: ShareServerCheckName
  /** What the row asks of the server. */
  title: string
  ok: boolean
  /**
   * Why it failed, in fixed words: statuses, the contract's error codes (any other is `(unlisted code)`), counts and
   * header names; never a body, header value, share, credential or secret.
   */
  reason?: string
}

export interface ShareServerReport {
  ok: boolean
  /** `baseUrl` without user info, query or fragment. */
  baseUrl: string
  rows: ShareServerCheckRow[]
}
