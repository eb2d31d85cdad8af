import { ServerConfigError } from '../errors/ServerConfigError.js'
/** Token bucket settings: `burst` requests at once, refilled at `perMinute`. */
export interface RateLimit {
  perMinute: number
  burst: number
}

/** A limiter's answer: go on, or wait `retryAfterSec` (whole seconds, at least 1) for the next token. */
export type RateDecision = { allowed: true } | { allowed: false; retryAfterSec: number }

/**
 * Token buckets keyed by caller. The bundled ones are in memory (this file) and in PostgreSQL (`postgresStore`); a
 * store of your own can be shared the same way (see `RateLimiterStore`). Either call may answer at once or later.
 */
export interface RateLimiter {
  /** Spends a token of `key`'s bucket if it holds one. */
  take(key: string): RateDecision | Promise<RateDecision>
  /** What `take` would decide, without spending a token. */
  check(key: string): RateDecision | Promise<RateDecision>
}

/** The in-memory limiter, which also says how many buckets it holds (for tests and monitoring). */
interface MemoryRateLimiter extends RateLimiter {
  take(key: string): RateDecision
  check(key: string): RateDecision
  readonly size: number
}

interface Bucket {
  tokens: number
  at: number
}

/** Throws the ServerConfigError a limit's settings deserve, naming the option (`limits.rate`, ...). */
export function checkRateLimit(limit: RateLimit, option = 'limits.rate'): void {
  if (!(Number.isFinite(limit.perMinute) && limit.perMinute > 0))
    throw new ServerConfigError(`${option}.perMinute must be a positive number`)
  if (!(Number.isFinite(limit.burst) && limit.burst >= 1))
    throw new ServerConfigError(`${option}.burst must be a number >= 1`)
}

/**
 * In-memory token buckets keyed by caller. Per process: behind several server processes each one counts
 * on its own, so the effective limit is the per-process limit times the process count.
 * Buckets that have refilled completely carry no information and are swept, so memory follows the number
 * of recently active callers, not the number ever seen.
 */
export function createRateLimiter(limit: RateLimit, now: () => number = () => performance.now()): MemoryRateLimiter {
  checkRateLimit(limit)
  const perMs = limit.perMinute / 60_000
  const burst = limit.burst
  // A bucket one take left behind is full again after one token's refill time: sweeping that often (at most once a
  // second, at least once per whole refill) keeps the Map to the callers of the last moments. Every first backup is a
  // new caller; a Map of a minute's callers cost each request more than the rest of the limiting (issue #26's bench).
  const sweepMs = Math.min(burst / perMs, Math.max(1_000, 1 / perMs))
  const buckets = new Map<string, Bucket>()
  let lastSweep = now()

  const sweep = (t: number) => {
    lastSweep = t
    for (const [key, b] of buckets) if (b.tokens + (t - b.at) * perMs >= burst) buckets.delete(key)
  }

  return {
    take(key) {
      const t = now()
      if (t - lastSweep > sweepMs) sweep(t)
      const b = buckets.get(key)
      const tokens = b ? Math.min(burst, b.tokens + (t - b.at) * perMs) : burst
      if (tokens >= 1) {
        if (b) {
          b.tokens = tokens - 1
          b.at = t
        } else buckets.set(key, { tokens: tokens - 1, at: t })
        return { allowed: true }
      }
      if (b) {
        b.tokens = tokens
        b.at = t
      }
      return { allowed: false, retryAfterSec: Math.max(1, Math.ceil((1 - tokens) / perMs / 1000)) }
    },
    check(key) {
      const b = buckets.get(key)
      if (!b) return { allowed: true }
      const tokens = Math.min(burst, b.tokens + (now() - b.at) * perMs)
      return tokens >= 1
        ? { allowed: true }
        : { allowed: false, retryAfterSec: Math.max(1, Math.ceil((1 - tokens) / perMs / 1000)) }
    },
    get size() {
      return buckets.size
    },
  }
}
