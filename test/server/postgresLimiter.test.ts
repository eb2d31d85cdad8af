// The PostgreSQL limiter (issue #27): the in-memory limiter's token-bucket semantics, decision for decision, on one
// table every process shares; exactly `burst` grants under concurrent takes from several pools (as from several
// processes); bounded sweeps of full buckets; and an answer from memory when the database does not answer. The clock
// is injected wherever time matters (the database's own clock only where nothing may refill).
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BackupStore } from '../../src/server/index.js'
import { postgresStore } from '../../src/server/index.js'
import { createRateLimiter } from '../../src/server/http/rateLimiter.js'
import type { RateLimit, RateLimiter } from '../../src/server/http/rateLimiter.js'
import { postgresLimiter } from '../../src/server/store/postgres/postgresLimiter.js'
import { postgresSkipReason, postgresUrl } from './support/stores.js'

if (!postgresUrl) console.warn(`PostgreSQL limiter: ${postgresSkipReason}`)

type Step = { at: number; take: string; expect: number | true } | { at: number; check: string; expect: number | true }
/**
 * A script of calls at times (ms) and what each must answer: `true` allowed, a number the Retry-After. Refills land a
 * millisecond past a whole token, so no step sits on a floating-point boundary.
 */
const scripts: Array<{ name: string; limit: RateLimit; steps: Step[] }> = [
  {
    name: 'a burst of 3 refilled at one token a second',
    limit: { perMinute: 60, burst: 3 },
    steps: [
      { at: 0, take: 'a', expect: true },
      { at: 0, take: 'a', expect: true },
      { at: 0, check: 'a', expect: true },
      { at: 0, take: 'a', expect: true },
      { at: 0, take: 'a', expect: 1 },
      { at: 0, check: 'a', expect: 1 },
      { at: 0, take: 'b', expect: true },
      { at: 500, take: 'a', expect: 1 },
      { at: 1_001, take: 'a', expect: true },
      { at: 1_001, check: 'a', expect: 1 },
      { at: 4_000, check: 'a', expect: true },
      { at: 4_000, take: 'a', expect: true },
      { at: 4_000, take: 'a', expect: true },
      { at: 4_000, take: 'a', expect: true },
      { at: 4_000, take: 'a', expect: 1 },
      // Never more than the burst, however long the wait.
      { at: 3_600_000, take: 'a', expect: true },
      { at: 3_600_000, take: 'a', expect: true },
      { at: 3_600_000, take: 'a', expect: true },
      { at: 3_600_000, take: 'a', expect: 1 },
    ],
  },
  {
    name: 'one token per 10 s: Retry-After counts down to the next token',
    limit: { perMinute: 6, burst: 1 },
    steps: [
      { at: 0, take: 'c', expect: true },
      { at: 0, take: 'c', expect: 10 },
      { at: 2_500, take: 'c', expect: 8 },
      { at: 2_500, check: 'c', expect: 8 },
      { at: 9_999, take: 'c', expect: 1 },
      { at: 10_001, take: 'c', expect: true },
      { at: 10_001, check: 'c', expect: 10 },
    ],
  },
]

const answered = (d: Awaited<ReturnType<RateLimiter['take']>>) => (d.allowed ? true : d.retryAfterSec)

async function runScript(steps: Step[], make: (now: () => number) => RateLimiter): Promise<Array<number | true>> {
  let t = 0
  const limiter = make(() => t)
  const out: Array<number | true> = []
  for (const step of steps) {
    t = step.at
    out.push(answered(await ('take' in step ? limiter.take(step.take) : limiter.check(step.check))))
  }
  return out
}

describe.each(scripts)('token-bucket semantics: $name', ({ limit, steps }) => {
  const expected = steps.map((s) => s.expect)

  it('in memory', async () => {
    expect(await runScript(steps, (now) => createRateLimiter(limit, now))).toEqual(expected)
  })

  describe.skipIf(!postgresUrl)('in PostgreSQL', () => {
    const db = testDatabase()
    it('answers the same, call for call', async () => {
      const base = Date.UTC(2026, 0, 1)
      const name = `script-${randomBytes(4).toString('hex')}`
      expect(
        await runScript(steps, (now) =>
          postgresLimiter(db.pool, db.schema, name, limit, { now: () => new Date(base + now()) }),
        ),
      ).toEqual(expected)
    })
  })
})

describe.skipIf(!postgresUrl)('PostgreSQL limiter', () => {
  const db = testDatabase()

  it('keeps its buckets in the store schema, in an UNLOGGED table with an index on full_at', async () => {
    const res = await db.admin.query<{ relname: string; relpersistence: string }>(
      `SELECT c.relname, c.relpersistence FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = $1 AND c.relname LIKE 'rate_limits%' ORDER BY c.relname`,
      [db.schemaName],
    )
    expect(res.rows).toEqual([
      { relname: 'rate_limits', relpersistence: 'u' },
      { relname: 'rate_limits_full_at', relpersistence: 'u' },
      { relname: 'rate_limits_pkey', relpersistence: 'u' },
    ])
  })

  it('grants exactly the burst to 60 concurrent takes of one key from three pools (as three processes would)', async () => {
    const pools = [0, 1, 2].map(() => new pg.Pool({ connectionString: postgresUrl, max: 5 }))
    try {
      // One token per 100 minutes on the database's clock: nothing refills during the test.
      const limit = { perMinute: 0.01, burst: 7 }
      const limiters = pools.map((pool) => postgresLimiter(pool, db.schema, 'concurrent', limit))
      const decisions = await Promise.all(Array.from({ length: 60 }, (_, i) => limiters[i % 3]!.take('one-key')))
      expect(decisions.filter((d) => d.allowed)).toHaveLength(7)
      for (const d of decisions.filter((d) => !d.allowed))
        expect(d).toEqual({ allowed: false, retryAfterSec: expect.any(Number) })
      expect(await limiters[0]!.check('one-key')).toMatchObject({ allowed: false })
      expect(await limiters[1]!.check('another-key')).toEqual({ allowed: true })
    } finally {
      await Promise.all(pools.map((p) => p.end()))
    }
  })

  it('answers takes that arrive together in one statement per turn: each key as that many takes at one instant', async () => {
    const base = Date.UTC(2026, 0, 1)
    const name = `batch-${randomBytes(4).toString('hex')}`
    // One token per 10 s, burst 2; the clock stands still.
    const limiter = postgresLimiter(db.pool, db.schema, name, { perMinute: 6, burst: 2 }, { now: () => new Date(base) })
    const decisions = await Promise.all(['a', 'b', 'a', 'a', 'b', 'c', 'a', 'b'].map((k) => limiter.take(k)))
    expect(decisions.map(answered)).toEqual([true, true, true, 10, true, true, 10, 10])
    expect(await limiter.check('a')).toEqual({ allowed: false, retryAfterSec: 10 })
    expect(await limiter.check('c')).toEqual({ allowed: true })
  })

  it('spreads more keys than one statement takes over several, each key answered once', async () => {
    const name = `many-${randomBytes(4).toString('hex')}`
    const limiter = postgresLimiter(db.pool, db.schema, name, { perMinute: 0.01, burst: 1 }, { batchKeys: 7 })
    const keys = Array.from({ length: 50 }, (_, i) => `key-${i}`)
    expect((await Promise.all(keys.map((k) => limiter.take(k)))).every((d) => d.allowed)).toBe(true)
    expect((await Promise.all(keys.map((k) => limiter.take(k)))).some((d) => d.allowed)).toBe(false)
    const rows = await db.admin.query(
      `SELECT count(*)::int AS n FROM ${db.schemaName}.rate_limits WHERE limiter = $1`,
      [name],
    )
    expect(rows.rows[0].n).toBe(50)
  })

  it('never deadlocks: three pools taking overlapping keys in shuffled orders grant each key exactly its burst', async () => {
    const pools = [0, 1, 2].map(() => new pg.Pool({ connectionString: postgresUrl, max: 3 }))
    try {
      const name = `overlap-${randomBytes(4).toString('hex')}`
      const burst = 4
      const limiters = pools.map((pool) => postgresLimiter(pool, db.schema, name, { perMinute: 0.01, burst }))
      const keys = Array.from({ length: 150 }, (_, i) => `k${i}`)
      // Each pool asks for every key once per round, in its own random order, six rounds one after the other; the
      // pools at once. Statements that locked rows in arrival order would deadlock here (PostgreSQL then aborts one,
      // and its takes, answered from memory, would exceed the burst).
      const granted = new Map<string, number>()
      await Promise.all(
        limiters.map(async (limiter) => {
          for (let round = 0; round < 6; round++) {
            const order = [...keys].sort(() => Math.random() - 0.5)
            const decisions = await Promise.all(order.map((key) => limiter.take(key)))
            for (const [i, d] of decisions.entries())
              if (d.allowed) granted.set(order[i]!, (granted.get(order[i]!) ?? 0) + 1)
          }
        }),
      )
      expect(Object.fromEntries(granted)).toEqual(Object.fromEntries(keys.map((k) => [k, burst])))
    } finally {
      await Promise.all(pools.map((p) => p.end()))
    }
  })

  it('sweeps full buckets every sweepEvery takes, at most sweepBatch at a time, and never a bucket still refilling', async () => {
    const base = Date.UTC(2026, 0, 1)
    let t = 0
    const name = `sweep-${randomBytes(4).toString('hex')}`
    const limiter = postgresLimiter(
      db.pool,
      db.schema,
      name,
      { perMinute: 60, burst: 2 },
      { now: () => new Date(base + t), sweepEvery: 5, sweepBatch: 3 },
    )
    const rows = async () =>
      (
        await db.admin.query<{ key: string }>(
          `SELECT key FROM ${db.schemaName}.rate_limits WHERE limiter = $1 ORDER BY key`,
          [name],
        )
      ).rows.map((r) => r.key)
    for (const key of ['k0', 'k1', 'k2', 'k3']) await limiter.take(key)
    await limiter.settled()
    expect(await rows()).toEqual(['k0', 'k1', 'k2', 'k3'])
    // One token spent of two at one a second: full again 1 s later. At 5 s the fifth take sweeps 3 of the 4.
    t = 5_000
    expect(await limiter.take('live')).toEqual({ allowed: true })
    await limiter.settled()
    expect(await rows()).toHaveLength(2)
    expect(await rows()).toContain('live')
    // The tenth take sweeps the last full one; 'live' is still refilling (its bucket was spent at 5 s).
    for (let i = 0; i < 5; i++) await limiter.take('live')
    await limiter.settled()
    expect(await rows()).toEqual(['live'])
    expect(await limiter.take('live')).toEqual({ allowed: false, retryAfterSec: 1 })
  })

  it('answers from memory, with the same settings, when the database does not answer', async () => {
    const down = postgresLimiter(db.pool, () => Promise.reject(new Error('connection refused')), 'down', {
      perMinute: 0.01,
      burst: 2,
    })
    expect(await down.take('k')).toEqual({ allowed: true })
    expect(await down.take('k')).toEqual({ allowed: true })
    expect(await down.take('k')).toMatchObject({ allowed: false })
    expect(await down.check('k')).toMatchObject({ allowed: false })
    expect(await down.check('other')).toEqual({ allowed: true })
  })
})

/** A schema of its own, migrated by a postgresStore; `pool` and `schema` are what the limiter is given. */
function testDatabase() {
  const schemaName = `rmb_test_limits_${randomBytes(6).toString('hex')}`
  const db = {
    schemaName,
    schema: async () => pg.escapeIdentifier(schemaName),
    pool: undefined as unknown as pg.Pool,
    admin: undefined as unknown as pg.Pool,
  }
  let store: BackupStore | undefined
  beforeAll(async () => {
    store = postgresStore({ connectionString: postgresUrl, schema: schemaName })
    await store.list()
    db.pool = new pg.Pool({ connectionString: postgresUrl, max: 5 })
    db.admin = new pg.Pool({ connectionString: postgresUrl, max: 1 })
  })
  afterAll(async () => {
    await store?.close()
    await db.pool?.end()
    await db.admin?.query(`DROP SCHEMA IF EXISTS ${schemaName} CASCADE`)
    await db.admin?.end()
  })
  return db
}
