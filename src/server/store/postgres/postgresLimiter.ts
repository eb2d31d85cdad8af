import { createHash } from 'node:crypto'
import type pg from 'pg'
import { createRateLimiter } from '../../http/rateLimiter.js'
import type { RateDecision, RateLimit, RateLimiter } from '../../http/rateLimiter.js'

interface PostgresLimiterOptions {
  /** The time of a call; default the database's own clock (`now()`), which every replica shares. For tests. */
  now?: () => Date
  /** Every this many `take`s of this limiter in this process, expired rows are swept (default 100). */
  sweepEvery?: number
  /** At most this many rows per sweep (default 1000). */
  sweepBatch?: number
  /** At most this many keys per take statement (default 200); the others wait for the next one. */
  batchKeys?: number
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
 * - `take` is answered by one statement, an upsert that refills the bucket for the time since its last call, spends
 *   what it holds and returns what it granted. The takes that arrive while the event loop is busy (one turn) share
 *   that statement, up to `batchKeys` keys, as several takes of one key at one instant: the first `floor(tokens)`
 *   are granted, the rest wait for the next token. Concurrent statements for one key queue on the row's lock, each
 *   seeing the one before, so N replicas grant exactly `burst` at once between them; keys are locked in one order
 *   (sorted) in every process, so two statements never deadlock.
 * - `check` is one SELECT; a key without a row holds a full bucket.
 * - A row whose bucket has refilled completely (`full_at` passed) says nothing a missing row would not: every
 *   `sweepEvery`-th take of a process starts a delete of up to `sweepBatch` such rows, oldest first by the `full_at`
 *   index, skipping rows another call holds; no request waits for it. Each take adds at most one row and sweeps remove
 *   up to `sweepBatch / sweepEvery` (10) per take, so the table follows the keys seen within one refill time, not
 *   every key ever seen.
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
  const batchKeys = options.batchKeys ?? 200
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

  // The takes waiting for the next statement, by key, in arrival order.
  let waiting = new Map<string, Array<(decision: RateDecision) => void>>()
  const flush = async () => {
    const batch = waiting
    waiting = new Map()
    if (batch.size > batchKeys) {
      // The rest go in the next statement, in their arrival order.
      for (const [key, callers] of [...batch].slice(batchKeys)) {
        waiting.set(key, callers)
        batch.delete(key)
      }
      setImmediate(flush)
    }
    const keys = [...batch.keys()].sort()
    try {
      const q = await prepared()
      const res = await pool.query<{ key: string; granted: number; tokens: number }>({
        ...q.take,
        values: [name, keys, burst, perSec, at(), MAX_REFILL_SEC, keys.map((k) => batch.get(k)!.length)],
      })
      const before = takes
      for (const row of res.rows) {
        const callers = batch.get(row.key)!
        takes += callers.length
        for (const [i, answer] of callers.entries()) answer(i < row.granted ? { allowed: true } : refused(row.tokens))
        batch.delete(row.key)
      }
      if (Math.floor(takes / sweepEvery) > Math.floor(before / sweepEvery)) sweep(q)
    } catch {
      // Not answered by the database: this process decides alone, call by call.
    } finally {
      for (const [key, callers] of batch) for (const answer of callers) answer(fallback.take(key))
    }
  }

  return {
    take(key) {
      return new Promise((resolve) => {
        const callers = waiting.get(key)
        if (callers) callers.push(resolve)
        else {
          if (waiting.size === 0) setImmediate(flush)
          waiting.set(key, [resolve])
        }
      })
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
 * limiter's name, $2 the keys (one for `check`), $3 burst, $4 tokens per second, $5 the time (null: the database's
 * `now()`), $6 the longest refill (seconds), $7 how many takes of each key.
 */
function statementsIn(s: string) {
  const now = 'coalesce($5::timestamptz, now())'
  // The bucket refilled for the time since its last call (never negative: calls on other replicas may be seen
  // slightly out of order), capped at burst; of it, the takes get whole tokens, at most one each.
  const refilled = `least($3::float8, b.tokens + greatest(0, extract(epoch FROM excluded.at - b.at)::float8) * $4::float8)`
  const granted = `least(excluded.granted::float8, floor(${refilled}))`
  const fullAt = (tokens: string, from: string) =>
    `${from} + make_interval(secs => least($6::float8, ($3::float8 - ${tokens}) / $4::float8))`
  // A new row: a full bucket, of which the takes get whole tokens (the proposed row's `granted` is what they ask for,
  // capped at the burst, which the update caps at what the bucket holds).
  const take = `
    INSERT INTO ${s}.rate_limits AS b (limiter, key, tokens, at, full_at, granted)
    SELECT $1::text, u.key, $3::float8 - g.n, t.now, ${fullAt('($3::float8 - g.n)', 't.now')}, g.n
    FROM unnest($2::text[], $7::int[]) WITH ORDINALITY AS u(key, want, i)
    CROSS JOIN LATERAL (SELECT least(u.want::float8, floor($3::float8))::int AS n) g
    CROSS JOIN (SELECT ${now} AS now) t
    ORDER BY u.i
    ON CONFLICT (limiter, key) DO UPDATE SET
      granted = ${granted}::int,
      tokens = (${refilled}) - ${granted},
      at = greatest(b.at, excluded.at),
      full_at = ${fullAt(`((${refilled}) - ${granted})`, 'greatest(b.at, excluded.at)')}
    RETURNING key, granted, tokens`
  const check = `
    SELECT least($3::float8, tokens + greatest(0, extract(epoch FROM ${now} - at)::float8) * $4::float8) AS tokens
    FROM ${s}.rate_limits WHERE limiter = $1::text AND key = $2::text`
  // SKIP LOCKED: a sweep never waits for a take, and a row a take is updating is not deleted under it.
  const sweep = `
    DELETE FROM ${s}.rate_limits WHERE ctid = ANY (ARRAY(
      SELECT ctid FROM ${s}.rate_limits WHERE full_at <= coalesce($1::timestamptz, now())
      ORDER BY full_at LIMIT $2 FOR UPDATE SKIP LOCKED))
    `
  const named = (text: string) => ({
    name: `rmb_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`,
    text,
  })
  return { take: named(take), check: named(check), sweep: named(sweep) }
}
