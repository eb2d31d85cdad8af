import type { RateLimit, RateLimiter } from './rateLimiter.js'

/**
 * Where the router keeps its token buckets, so that every process serving the API enforces one limit. The router
 * asks for one limiter per `name`:
 * - `'client'`: `limits.rate`, keyed by the authenticated clientId;
 * - `'webhook'`: `limits.webhookFailures`, wrong `X-Webhook-Secret`s keyed by caller address;
 * - `'metrics'`: the same settings for wrong `/metrics` tokens (`createServer`), in buckets of their own.
 *
 * A limiter keeps token-bucket semantics: `burst` tokens at once, refilled at `perMinute`; `take` spends one if the
 * bucket holds one, else answers `{ allowed: false, retryAfterSec }` (the wait for the next token, in whole
 * seconds, at least 1) and spends nothing; `check` answers the same without spending. Keys never hold a secret.
 *
 * `postgresStore` is one (its tables' schema, one statement per call). For another shared store, e.g. Redis: keep
 * `tokens` and `at` in a hash per `name:key` and run the refill-and-spend as one Lua script (`EVAL`), with an
 * expiry of `burst / perMinute` minutes so full buckets vanish on their own. Give it as `limits.store`.
 */
export interface RateLimiterStore {
  createLimiter(name: string, limit: RateLimit): RateLimiter
}
