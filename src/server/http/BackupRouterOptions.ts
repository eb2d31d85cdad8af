import type { BackupStore } from '../store/BackupStore.js'
import type { EncryptionKeyConfig } from '../sealing/encryptAtRest.js'
import type { RateLimit } from './rateLimiter.js'
import type { ServerRequest } from './ServerRequest.js'

/**
 * Resolves the signed-in caller's clientId from the request (the same neutral request on every host: headers,
 * cookies, address); throwing (or returning nothing) means 401.
 */
export type Authenticate = (request: ServerRequest) => string | undefined | null | Promise<string | undefined | null>

export type BackupEventType =
  | 'backup.stored'
  | 'backup.replayed'
  | 'backup.conflict'
  | 'backup.read'
  | 'backup.not_found'
  | 'backup.erased'
  | 'webhook.stored'
  | 'webhook.fetched'
  | 'webhook.not_found'
  | 'auth.unauthorized'
  | 'auth.forbidden'
  | 'rate_limited'
  | 'storage_key_mismatch'

/** What the router reports about its work: never bodies, shares or secrets. */
export interface BackupEvent {
  type: BackupEventType
  clientId: string | null
  method: string | null
}

export interface BackupRouterLimits {
  /** Largest JSON body accepted, in bytes (default 64 kB); larger -> 413. */
  bodyBytes?: number
  /** How long an Idempotency-Key's first answer is replayed (default 24 h). */
  idempotencyTtlMs?: number
  /** Webhook requests answer 503 after this long (default 8 s), inside the provider's 10 s window. */
  webhookDeadlineMs?: number
  /**
   * Client routes (`/clients/:clientId/backup`) answer 503 `timeout` after this long (default 10 s), counted
   * from the route's start: a slow authenticate, a body that trickles in, or a sick database. A request whose
   * body had not fully arrived is answered with `Connection: close`, so the socket is released.
   */
  requestDeadlineMs?: number
  /**
   * Token bucket per authenticated clientId on the client routes (POST and GET share one bucket); over it
   * -> 429 `rate_limited` with `Retry-After` (seconds). Default `{ perMinute: 60, burst: 20 }`; `false` turns it
   * off. In memory and per process.
   */
  rate?: RateLimit | false
  /**
   * Wrong `X-Webhook-Secret`s per caller address (the request's `address`): past this budget the address gets 429 `rate_limited`
   * (the secret not even checked) until it refills. Default `{ perMinute: 10, burst: 20 }`; `false` turns it off.
   * `createServer` limits wrong `/metrics` tokens with the same settings (in buckets of their own).
   */
  webhookFailures?: RateLimit | false
}

export interface BackupRouterOptions {
  store: BackupStore
  authenticate: Authenticate
  /** Compared with the `X-Webhook-Secret` header of every webhook request. */
  webhookSecret: string
  encryptionKey: EncryptionKeyConfig
  /**
   * Part of `ready()` (default true): open a sample of the stored rows (the 20 newest of each kind) with
   * `encryptionKey` and refuse to serve (ServerConfigError naming the key ids; 503 `not_ready` until fixed) when
   * rows exist and none opens: a server with the wrong key would accept writes the right key cannot read.
   */
  checkEncryptionKey?: boolean
  limits?: BackupRouterLimits
  onEvent?: (event: BackupEvent) => void
  /** IPs or CIDR ranges allowed to call the webhook (the provider's fixed IPs); all when absent. Checked against the request's `address` (the web handler needs an `address` option for it). */
  webhookAllowlist?: readonly string[]
  /** Where storage failures are reported (default console.error). Messages carry ids only, never content. */
  logger?: { error(message: string): void }
}
