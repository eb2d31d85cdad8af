// The in-memory limiter holds a bucket only while it carries information (issue #26's bench): a caller seen once is
// forgotten once its bucket has refilled, not a whole refill period later. Before, with a new caller per request
// (every first backup is one), the buckets piled up for `burst / perMinute` minutes (20 s by default, a minute in the
// bench), and the Map they lived in cost every request more than the rest of the rate limiting.
// The clock is injected: no assertion depends on time passing.
import { describe, expect, it } from 'vitest'
import { createRateLimiter } from '../../src/server/http/rateLimiter.js'

describe('createRateLimiter memory', () => {
  it('forgets callers whose one spent token came back (default client limit: 60 a minute, burst 20)', () => {
    let t = 0
    const limiter = createRateLimiter({ perMinute: 60, burst: 20 }, () => t)
    for (let i = 0; i < 1000; i++) expect(limiter.take(`once-${i}`).allowed).toBe(true)
    // A caller that spent its whole burst keeps its bucket until it refills (20 s).
    for (let i = 0; i < 20; i++) expect(limiter.take('busy').allowed).toBe(true)
    expect(limiter.take('busy').allowed).toBe(false)
    expect(limiter.size).toBe(1001)
    // One token's refill time (1 s) later, the next request sweeps the buckets that are full again.
    t = 1_001
    expect(limiter.take('later').allowed).toBe(true)
    expect(limiter.size).toBe(2)
    // What was forgotten decides as a new bucket would: a full burst.
    for (let i = 0; i < 20; i++) expect(limiter.take('once-0').allowed).toBe(true)
    expect(limiter.take('once-0')).toEqual({ allowed: false, retryAfterSec: 1 })
    // The busy caller is still limited by what it spent (one token back after 1 s, it used it at 1 001 ms).
    expect(limiter.take('busy').allowed).toBe(true)
    expect(limiter.take('busy').allowed).toBe(false)
  })

  it('sweeps at most once a second when tokens come back faster (a limit sized never to refuse)', () => {
    let t = 0
    const limiter = createRateLimiter({ perMinute: 1e9, burst: 1e9 }, () => t)
    for (let i = 0; i < 100; i++) limiter.take(`a-${i}`)
    t = 999
    limiter.take('b')
    expect(limiter.size).toBe(101)
    t = 1_001
    limiter.take('c')
    expect(limiter.size).toBe(1)
  })

  it('keeps every bucket that still limits someone: the wrong-secret budget (10 a minute, burst 20)', () => {
    let t = 0
    const limiter = createRateLimiter({ perMinute: 10, burst: 20 }, () => t)
    for (let i = 0; i < 20; i++) limiter.take('guesser')
    limiter.take('once')
    // 6 s: one token back for each. The guesser's bucket is not full, so it stays; the one-time caller's is.
    t = 6_001
    limiter.take('other')
    expect(limiter.size).toBe(2)
    expect(limiter.check('guesser').allowed).toBe(true)
    limiter.take('guesser')
    expect(limiter.check('guesser').allowed).toBe(false)
  })
})
