// The conformance checker against hostile share servers: one that echoes every secret it is sent into error codes,
// messages and headers, behind a base URL holding user info and a query token. Nothing secret is printed or returned.
import { randomBytes } from 'node:crypto'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { checkServerCommand, checkShareServer, formatShareServerReport } from '../../src/testing/index.js'
import type { ShareServerReport } from '../../src/testing/index.js'
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
