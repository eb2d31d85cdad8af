/** How the checker signs in as one test client: its clientId and the headers that authenticate it. */
export interface ShareServerClient {
  clientId: string
  /** e.g. `{ Authorization: 'Bearer …' }` or `{ 'X-Client-Id': 'alice' }` for the bundled server's dev mode. */
  headers: Readonly<Record<string, string>>
}

export interface CheckShareServerOptions {
  /** Where the routes are mounted, e.g. `https://staging.example.com/api` (the bundled server: `…/api`). */
  baseUrl: string
  /** Two different test clients; the checker writes test backups for them (methods `CHECK` and `CHECK-IDEM`). */
  clients: readonly [ShareServerClient, ShareServerClient]
  /** The custodian webhook's secret (`X-Webhook-Secret`). */
  webhookSecret: string
  /** A body larger than the server accepts (default 1 MiB); the bundled server's limit is 64 kB. */
  oversizeBytes?: number
  /** Each webhook answer must arrive within this (default 10 000 ms, the provider's window). */
  webhookDeadlineMs?: number
  /** Any one request gives up after this (default 15 000 ms). */
  requestTimeoutMs?: number
  fetch?: typeof fetch
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
  | 'webhook-secret'
  | 'webhook-round-trip'
  | 'webhook-deadline'
  | 'no-echo'

export interface ShareServerCheckRow {
  name: ShareServerCheckName
  /** What the row asks of the server. */
  title: string
  ok: boolean
  /** Why it failed: statuses, error codes and header names only, never a body, share or secret. */
  reason?: string
}

export interface ShareServerReport {
  ok: boolean
  baseUrl: string
  rows: ShareServerCheckRow[]
}
