// The conformance checker against hostile share servers: one that echoes every secret it is sent into error codes,
// messages and headers (behind a base URL holding user info and a query token), one that asks for long
// Retry-After waits on every answer, one that streams far more body than the checker reads. Nothing secret is printed
// or returned, and each run ends within the documented caps, measured on an injected clock and on bytes read.
import { randomBytes } from 'node:crypto'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { checkServerCommand, checkShareServer, formatShareServerReport } from '../../src/testing/index.js'
import type { ShareServerCheckClock, ShareServerReport } from '../../src/testing/index.js'
import type { HostileBehaviour, HostileShareServer } from './support/hostileShareServer.js'
import { startHostileShareServer } from './support/hostileShareServer.js'

/** Lowercase hex, led by a letter so that it also has the shape of an error code. */
const hex = (lead: string, bytes: number) => `${lead}${randomBytes(bytes).toString('hex')}`

const secrets = {
  tokenA: hex('f', 16),
  tokenB: hex('e', 16),
  webhookSecret: hex('d', 20),
  user: hex('c', 8),
  password: hex('b', 16),
  queryToken: hex('a', 16),
  fragment: hex('f', 12),
}

/** A clock that never waits: `sleep` records the delay and moves `now` on by it. */
function fakeClock(): ShareServerCheckClock & { sleeps: number[] } {
  let now = 0
  const sleeps: number[] = []
  return {
    sleeps,
    now: () => now,
    sleep: async (ms: number) => {
      sleeps.push(ms)
      now += ms
    },
  }
}

/** A fetch that notes the hex of every share and cipherText the checker sent, and counts body bytes read per answer. */
function instrumentedFetch() {
  const sentHex = new Set<string>()
  const bytesRead: number[] = []
  const fetchImpl: typeof fetch = async (input, init) => {
    if (typeof init?.body === 'string' && init.body.length < 10_000)
      for (const m of init.body.matchAll(/[0-9a-f]{16,}/g)) sentHex.add(m[0])
    const res = await fetch(input, init)
    if (!res.body) return res
    const index = bytesRead.push(0) - 1
    const reader = res.body.getReader()
    const counted = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const { done, value } = await reader.read()
        if (done) return controller.close()
        bytesRead[index]! += value.byteLength
        controller.enqueue(value)
      },
      cancel: (reason) => reader.cancel(reason),
    })
    return new Response(counted, { status: res.status, statusText: res.statusText, headers: res.headers })
  }
  return { fetchImpl, sentHex, bytesRead }
}

/** Each secret, whole and as every 8-character piece of it (pieces of digits only are left out: counts may print). */
function leaksIn(text: string, values: Iterable<string>): string[] {
  const found: string[] = []
  for (const value of values) {
    if (text.includes(value)) found.push(value)
    else
      for (let i = 0; i + 8 <= value.length; i++) {
        const piece = value.slice(i, i + 8)
        if (!/^\d+$/.test(piece) && text.includes(piece)) {
          found.push(`${piece} (of ${value.slice(0, 4)}…)`)
          break
        }
      }
  }
  return found
}

/** Everything written through console or straight to stdout/stderr while `run` runs. */
async function capturingOutput<T>(run: () => Promise<T>): Promise<{ result: T; written: string }> {
  const written: string[] = []
  const note = (...args: unknown[]) => void written.push(args.map(String).join(' '))
  const spies = [
    ...(['log', 'info', 'warn', 'error', 'debug'] as const).map((m) => vi.spyOn(console, m).mockImplementation(note)),
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (note(chunk), true)),
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (note(chunk), true)),
  ]
  try {
    return { result: await run(), written: written.join('\n') }
  } finally {
    for (const spy of spies) spy.mockRestore()
  }
}

const servers: HostileShareServer[] = []
const start = async (behaviour: HostileBehaviour) => {
  const server = await startHostileShareServer(behaviour)
  servers.push(server)
  return server
}
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close()
})

const bearerClients = [
  { clientId: 'alice', headers: { Authorization: `Bearer ${secrets.tokenA}` } },
  { clientId: 'bob', headers: { Authorization: `Bearer ${secrets.tokenB}` } },
] as const
const commandEnv = {
  RMB_CHECK_CLIENT_A: 'alice',
  RMB_CHECK_CLIENT_B: 'bob',
  RMB_CHECK_CLIENT_A_TOKEN: secrets.tokenA,
  RMB_CHECK_CLIENT_B_TOKEN: secrets.tokenB,
  RMB_CHECK_WEBHOOK_SECRET: secrets.webhookSecret,
}

describe('a server that echoes every secret into codes, messages and headers', () => {
  it.each([
    ['user info, a query token and a fragment', (origin: string) => withUserInfo(origin)],
    ['a query token', (origin: string) => `${origin}/api?token=${secrets.queryToken}`],
  ])('behind a base URL with %s: neither the report nor the command prints any of them', async (_, baseOf) => {
    const server = await start({ kind: 'echo' })
    const baseUrl = baseOf(server.origin)
    const direct = instrumentedFetch()
    const report: ShareServerReport = await checkShareServer({
      baseUrl,
      clients: bearerClients,
      webhookSecret: secrets.webhookSecret,
      oversizeBytes: 100_000,
      fetch: direct.fetchImpl,
      clock: fakeClock(),
    })
    expect(report.ok).toBe(false)
    const viaCommand = instrumentedFetch()
    const printed: string[] = []
    const { result: exitCode, written } = await capturingOutput(() =>
      checkServerCommand(
        ['check-server', baseUrl, '--oversize-bytes', '100000'],
        commandEnv,
        (line) => printed.push(line),
        viaCommand.fetchImpl,
        fakeClock(),
      ),
    )
    const output = [JSON.stringify(report), formatShareServerReport(report), printed.join('\n'), written].join('\n')
    const basic = Buffer.from(`${secrets.user}:${secrets.password}`).toString('base64')
    const never = [...Object.values(secrets), basic, ...direct.sentHex, ...viaCommand.sentHex]
    expect(leaksIn(output, never)).toEqual([])
    expect(exitCode).toBe(1)
    // The server saw (and echoed) the secrets, and the checker sent shares and cipherTexts.
    const sentOn = [secrets.tokenA, secrets.webhookSecret, secrets.queryToken]
    if (baseUrl.includes('@')) sentOn.push(secrets.user, secrets.password)
    for (const value of sentOn) expect(server.seen).toContain(value)
    expect(server.seen).not.toContain(secrets.fragment)
    expect(direct.sentHex.size).toBeGreaterThan(5)
    // What it may say: the base URL without user info, query or fragment; statuses; the contract's codes.
    expect(report.baseUrl).toBe(`${server.origin}/api`)
    expect(output).toContain('(unlisted code)')
  })
})

function withUserInfo(origin: string): string {
  const url = new URL(`${origin}/api?token=${secrets.queryToken}#${secrets.fragment}`)
  url.username = secrets.user
  url.password = secrets.password
  return url.href
}

describe('a server that answers 429 with a long Retry-After every time', () => {
  it('Retry-After: 61 is over the default cap (60 s): the command waits for none of them and exits 1', async () => {
    const server = await start({ kind: 'retry-after', seconds: 61 })
    const clock = fakeClock()
    const printed: string[] = []
    const code = await checkServerCommand(
      ['check-server', `${server.origin}/api`, '--dev-header', '--client-a', 'alice', '--client-b', 'bob'],
      { RMB_CHECK_WEBHOOK_SECRET: secrets.webhookSecret },
      (line) => printed.push(line),
      undefined,
      clock,
    )
    const text = printed.join('\n')
    expect(code).toBe(1)
    expect(clock.sleeps).toEqual([])
    expect(clock.now()).toBe(0)
    expect(text).toMatch(/FAIL {2}round-trip/)
    expect(text).toContain('asks to wait longer than the cap (60000 ms, --max-retry-after-ms)')
    // One request per row that sends any: the first answer ends the row.
    expect(server.requests).toBeLessThanOrEqual(12)
  })

  it.each([
    { seconds: 61, maxRetryAfterMs: 61_000, maxRunMs: 120_000 },
    { seconds: 9, maxRetryAfterMs: undefined, maxRunMs: 60_000 },
  ])(
    'Retry-After: $seconds honoured (cap $maxRetryAfterMs): the run stops at its cap of $maxRunMs ms on the injected clock',
    async ({ seconds, maxRetryAfterMs, maxRunMs }) => {
      const server = await start({ kind: 'retry-after', seconds })
      const clock = fakeClock()
      const report = await checkShareServer({
        baseUrl: `${server.origin}/api`,
        clients: bearerClients,
        webhookSecret: secrets.webhookSecret,
        clock,
        maxRunMs,
        ...(maxRetryAfterMs === undefined ? {} : { maxRetryAfterMs }),
      })
      expect(report.ok).toBe(false)
      expect(clock.sleeps.length).toBeGreaterThan(0)
      for (const ms of clock.sleeps) expect(ms).toBe(seconds * 1000)
      expect(clock.now()).toBeLessThanOrEqual(maxRunMs)
      const reasons = report.rows.map((r) => r.reason ?? '').join('\n')
      expect(reasons).toContain(`the run's time cap (${maxRunMs} ms, --max-run-ms)`)
      // At most 3 retries per request, and no request once the cap is reached.
      expect(server.requests).toBeLessThanOrEqual(clock.sleeps.length + 12)
    },
  )
})

describe('a server that streams far more body than the cap', () => {
  const huge = 48 * 1024 * 1024

  it('maxBodyBytes: each answer is read only up to the cap, and its row fails with a fixed reason', async () => {
    const server = await start({ kind: 'huge-body', hugeBytes: huge })
    const { fetchImpl, bytesRead } = instrumentedFetch()
    const cap = 100_000
    const report = await checkShareServer({
      baseUrl: `${server.origin}/api`,
      clients: bearerClients,
      webhookSecret: secrets.webhookSecret,
      oversizeBytes: 100_000,
      maxBodyBytes: cap,
      fetch: fetchImpl,
      clock: fakeClock(),
    })
    expect(report.ok).toBe(false)
    expect(bytesRead.length).toBeGreaterThan(0)
    // Read stops within one network chunk past the cap; the server is left with the rest unsent.
    expect(Math.max(...bytesRead)).toBeLessThanOrEqual(cap + 256 * 1024)
    expect(server.bytesWritten.length).toBeGreaterThan(0)
    for (const written of server.bytesWritten) expect(written).toBeLessThan(huge / 2)
    const failed = report.rows.filter((r) => !r.ok)
    expect(failed.map((r) => r.name)).toContain('round-trip')
    expect(failed.find((r) => r.name === 'round-trip')?.reason).toBe(
      "POST own backup: the answer's body is longer than the cap (100000 bytes, --max-body-bytes)",
    )
  })

  it('--max-body-bytes caps the command the same way', async () => {
    const server = await start({ kind: 'huge-body', hugeBytes: huge })
    const { fetchImpl, bytesRead } = instrumentedFetch()
    const printed: string[] = []
    const code = await checkServerCommand(
      ['check-server', `${server.origin}/api`, '--max-body-bytes', '200000', '--oversize-bytes', '100000'],
      commandEnv,
      (line) => printed.push(line),
      fetchImpl,
      fakeClock(),
    )
    expect(code).toBe(1)
    expect(Math.max(...bytesRead)).toBeLessThanOrEqual(200_000 + 256 * 1024)
    expect(printed.join('\n')).toContain("the answer's body is longer than the cap (200000 bytes, --max-body-bytes)")
  })
})

describe('check-server --help', () => {
  it('states each cap with its default and its flag', async () => {
    const printed: string[] = []
    expect(await checkServerCommand(['check-server', '--help'], {}, (l) => printed.push(l))).toBe(0)
    const help = printed.join('\n')
    expect(help).toMatch(/--max-body-bytes <n>.*\(default 1048576\)/)
    expect(help).toMatch(/--max-retry-after-ms <n>.*\(default 60000\)/)
    expect(help).toMatch(/--max-run-ms <n>.*\(default 300000\)/)
  })
})
