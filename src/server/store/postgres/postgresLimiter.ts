import { createHash } from 'node:crypto'
import type pg from 'pg'
import { createRateLimiter } from '../../http/rateLimiter.js'
import type { RateDecision, RateLimit, RateLimiter } from '../../http/rateLimiter.js'

export interface PostgresLimiterOptions {
  /** The time of a call; default the database's own clock (`now()`), which every replica shares. For tests. */
  now?: () => Date
  /** Every this many `take`s of this limiter in this process, expired rows are swept (default 100). */
  sweepEvery?: number
  /** At most this many rows per sweep (default 1000). */
  sweepBatch?: number
}

/** A limiter that keeps its buckets in the store's `rate_limits` table; `settled` waits for a sweep in flight. */
export type PostgresLimiter = RateLimiter & { settled(): Promise<void> }

// Refill times are capped at this many seconds (over 300 years) so `full_at` stays a valid timestamp whatever the
// settings; a bucket that would take longer to refill counts as full from then on.
const MAX_REFILL_SEC = 1e10

/**
 * Token buckets in PostgreSQL, one row per (limiter, key) in `<schema>.rate_limits` (UNLOGGED: no WAL, so a call is
 * not a durable commit; a crash of the database empties the table, which only forgets spent tokens). The semantics
 * are the in-memory limiter's, on the database's clock:
 * - `take` is one statement, an upsert that refills the bucket for the time since its last call, spends a token if
 *   one is there and returns what it decided. Concurrent calls for one key queue on the row's lock, each seeing the
 *   one before, so N replicas grant exactly `burst` at once between them.
 * - `check` is one SELECT; a key without a row holds a full bucket.
 * - A row whose bucket has refilled completely (`full_at` passed) says nothing a missing row would not: every
 *   `sweepEvery`-th `take` of a process deletes up to `sweepBatch` such rows, oldest first by the `full_at` index,
 *   skipping rows another call holds. The request that starts it does not wait for it. Each `take` adds at most one
 *   row and a sweep removes up to `sweepBatch / sweepEvery` (10) per `take`, so the table follows the keys seen within
 *   one refill time, not every key ever seen.
 * If the database does not answer, the call is answered by an in-memory limiter of the same settings (each process
 * then limits on its own until the database answers again), rather than failing a request over its limit check.
 */
export function postgresLimiter(
  pool: pg.Pool,
  schema: () => Promise<string>,
  name: string,
  limit: RateLimit,
  options: PostgresLimiterOptions = {},
): PostgresLimiter {
  const burst = limit.burst
  const perSec = limit.perMinute / 60
  const sweepEvery = options.sweepEvery ?? 100
  const sweepBatch = options.sweepBatch ?? 1000
  const fallback = createRateLimiter(limit)
  let statements: Promise<ReturnType<typeof statementsIn>> | undefined
  const prepared = () =>
    (statements ??= schema()
      .then(statementsIn)
      .catch((e: unknown) => {
        statements = undefined
        throw e
      }))
  const at = () => options.now?.() ?? null
  const refused = (tokens: number): RateDecision => ({
    allowed: false,
    retryAfterSec: Math.max(1, Math.ceil((1 - tokens) / perSec)),
  })

  let takes = 0
  let sweeping: Promise<void> | undefined
  const sweep = (q: ReturnType<typeof statementsIn>) => {
    sweeping ??= pool
      .query({ ...q.sweep, values: [at(), sweepBatch] })
      .then(
        () => undefined,
        // Housekeeping only: a failed sweep leaves rows that read as full buckets; the next one tries again.
        () => undefined,
      )
      .finally(() => {
        sweeping = undefined
      })
  }

  return {
    async take(key) {
      try {
        const q = await prepared()
        const res = await pool.query<{ allowed: boolean; tokens: number }>({
          ...q.take,
          values: [name, key, burst, perSec, at(), MAX_REFILL_SEC],
        })
        takes += 1
        if (takes % sweepEvery === 0) sweep(q)
        const row = res.rows[0]!
        return row.allowed ? { allowed: true } : refused(row.tokens)
      } catch {
        return fallback.take(key)
      }
    },
    async check(key) {
      try {
        const q = await prepared()
        const res = await pool.query<{ tokens: number }>({ ...q.check, values: [name, key, burst, perSec, at()] })
        const tokens = res.rows[0]?.tokens ?? burst
        return tokens >= 1 ? { allowed: true } : refused(tokens)
      } catch {
        return fallback.check(key)
      }
    },
    async settled() {
      await sweeping
    },
  }
}

/**
 * The limiter's statements in the escaped schema `s`, named so each connection plans them once. Parameters: $1 the
 * limiter's name, $2 the key, $3 burst, $4 tokens per second, $5 the time (null: the database's `now()`).
 */
function statementsIn(s: string) {
  const now = 'coalesce($5::timestamptz, now())'
  // The bucket refilled for the time since its last call (never negative: calls on other replicas may be seen
  // slightly out of order), capped at burst.
  const refilled = `least($3::float8, b.tokens + greatest(0, extract(epoch FROM excluded.at - b.at)::float8) * $4::float8)`
  const spent = `(${refilled}) - ((${refilled}) >= 1)::int`
  const fullAt = (tokens: string, from: string) =>
    `${from} + make_interval(secs => least($6::float8, ($3::float8 - ${tokens}) / $4::float8))`
  const take = `
    INSERT INTO ${s}.rate_limits AS b (limiter, key, tokens, at, full_at, allowed)
    VALUES ($1::text, $2::text, $3::float8 - 1, ${now}, ${fullAt('($3::float8 - 1)', now)}, true)
    ON CONFLICT (limiter, key) DO UPDATE SET
      allowed = (${refilled}) >= 1,
      tokens = ${spent},
      at = greatest(b.at, excluded.at),
      full_at = ${fullAt(`(${spent})`, 'greatest(b.at, excluded.at)')}
    RETURNING allowed, tokens`
  const check = `
    SELECT least($3::float8, tokens + greatest(0, extract(epoch FROM ${now} - at)::float8) * $4::float8) AS tokens
    FROM ${s}.rate_limits WHERE limiter = $1::text AND key = $2::text`
  // SKIP LOCKED: a sweep never waits for a take, and a row a take is updating is not deleted under it.
  const sweep = `
    DELETE FROM ${s}.rate_limits WHERE ctid = ANY (ARRAY(
      SELECT ctid FROM ${s}.rate_limits WHERE full_at <= coalesce($1::timestamptz, now())
      ORDER BY full_at LIMIT $2 FOR UPDATE SKIP LOCKED))`
  const named = (text: string) => ({
    name: `rmb_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`,
    text,
  })
  return { take: named(take), check: named(check), sweep: named(sweep) }
}
