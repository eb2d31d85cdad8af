import { checkShareServer } from './checkShareServer.js'
import type { CheckShareServerOptions, ShareServerCheckClock, ShareServerClient } from './checkShareServerTypes.js'
import { formatShareServerReport } from './formatShareServerReport.js'
import { ShareServerCheckError } from './ShareServerCheckError.js'

const USAGE = `usage: react-mpc-backup check-server <baseURL> [options]

Runs the share-server contract (react-mpc-backup/openapi.yaml) against a live backend and prints a pass/fail table.
It writes test rows for two test clients and erases the second one's backups (DELETE): use a staging database.
Secrets are best given in the environment.
A query in <baseURL> goes with every request, user info as Authorization: Basic (where no other Authorization is
sent); the output shows neither, nor any header value or server message: statuses and the contract's codes only.

  --client-a <clientId>        first test client       (env RMB_CHECK_CLIENT_A)
  --client-b <clientId>        second test client      (env RMB_CHECK_CLIENT_B)
  --client-a-token <token>     bearer token of A       (env RMB_CHECK_CLIENT_A_TOKEN)
  --client-b-token <token>     bearer token of B       (env RMB_CHECK_CLIENT_B_TOKEN)
  --client-a-header "Name: v"  any header that signs A in, instead of a token (env RMB_CHECK_CLIENT_A_HEADER)
  --client-b-header "Name: v"  the same for B          (env RMB_CHECK_CLIENT_B_HEADER)
  --dev-header                 sign in with X-Client-Id: <clientId> (the bundled server's development mode)
  --webhook-secret <secret>    X-Webhook-Secret        (env RMB_CHECK_WEBHOOK_SECRET, else WEBHOOK_SECRET)
  --oversize-bytes <n>         a body the server must refuse with 413 (default 1048576)
  --webhook-deadline-ms <n>    webhook answers must come within this (default 10000)
  --timeout-ms <n>             one request gives up after this (default 15000)

Caps, so that a hostile server cannot hold the check or its memory:
  --max-body-bytes <n>         read at most this of any answer; longer fails the row (default 1048576)
  --max-retry-after-ms <n>     longest 429 Retry-After waited (3 retries a request); longer fails (default 60000)
  --max-run-ms <n>             the whole run; no request or wait starts past it, the rest fail (default 300000)`

/**
 * `react-mpc-backup check-server …` without the process: parses `argv` (after the program name), runs the check and
 * prints through `print`. Returns the exit code: 0 all passed, 1 a row failed, 2 a usage error.
 */
export async function checkServerCommand(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  print: (line: string) => void,
  fetchImpl?: typeof fetch,
  clock?: ShareServerCheckClock,
): Promise<number> {
  const [command, ...rest] = argv
  if (command !== 'check-server') {
    print(USAGE)
    return command === undefined || command === '--help' || command === 'help' ? 0 : 2
  }
  const flags = new Map<string, string>()
  const positional: string[] = []
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!
    if (arg === '--help') {
      print(USAGE)
      return 0
    }
    if (arg === '--dev-header') flags.set('dev-header', 'true')
    else if (arg.startsWith('--')) {
      const [name, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined]
      const value = inline ?? rest[++i]
      if (value === undefined) return usageError(print, `--${name} needs a value`)
      flags.set(name, value)
    } else positional.push(arg)
  }
  const baseUrl = positional[0]
  if (baseUrl === undefined || positional.length > 1) return usageError(print, 'give exactly one <baseURL>')
  if (!/^https?:\/\//.test(baseUrl)) return usageError(print, '<baseURL> must start with http:// or https://')

  const pick = (flag: string, envName: string) => flags.get(flag) ?? env[envName]
  const client = (letter: 'a' | 'b'): ShareServerClient | string => {
    const up = letter.toUpperCase()
    const clientId = pick(`client-${letter}`, `RMB_CHECK_CLIENT_${up}`)
    if (!clientId) return `--client-${letter} (or RMB_CHECK_CLIENT_${up}) is required`
    const token = pick(`client-${letter}-token`, `RMB_CHECK_CLIENT_${up}_TOKEN`)
    const header = pick(`client-${letter}-header`, `RMB_CHECK_CLIENT_${up}_HEADER`)
    if (token) return { clientId, headers: { Authorization: `Bearer ${token}` } }
    if (header) {
      const match = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+):\s*(.*)$/.exec(header)
      if (!match) return `--client-${letter}-header must look like "Name: value"`
      return { clientId, headers: { [match[1]!]: match[2]! } }
    }
    if (flags.has('dev-header')) return { clientId, headers: { 'X-Client-Id': clientId } }
    return `client ${up} needs --client-${letter}-token, --client-${letter}-header or --dev-header`
  }
  const a = client('a')
  const b = client('b')
  if (typeof a === 'string') return usageError(print, a)
  if (typeof b === 'string') return usageError(print, b)
  if (a.clientId === b.clientId) return usageError(print, 'the two test clients must differ')
  const webhookSecret = pick('webhook-secret', 'RMB_CHECK_WEBHOOK_SECRET') ?? env.WEBHOOK_SECRET
  if (!webhookSecret) return usageError(print, '--webhook-secret (or RMB_CHECK_WEBHOOK_SECRET) is required')

  const numbers: Partial<Record<(typeof NUMBER_FLAGS)[number][1], number>> = {}
  for (const [flag, key] of NUMBER_FLAGS) {
    const value = flags.get(flag)
    if (value === undefined) continue
    const n = Number(value)
    if (!Number.isInteger(n) || n <= 0) return usageError(print, `--${flag} must be a positive integer`)
    numbers[key] = n
  }
  const options: CheckShareServerOptions = {
    baseUrl,
    clients: [a, b],
    webhookSecret,
    ...numbers,
    ...(fetchImpl ? { fetch: fetchImpl } : {}),
    ...(clock ? { clock } : {}),
  }
  let report: Awaited<ReturnType<typeof checkShareServer>>
  try {
    report = await checkShareServer(options)
  } catch (error) {
    // Its message is fixed text (it never quotes the base URL); anything else is a bug and keeps its stack.
    if (error instanceof ShareServerCheckError) return usageError(print, error.message)
    throw error
  }
  print(formatShareServerReport(report))
  return report.ok ? 0 : 1
}

const NUMBER_FLAGS = [
  ['oversize-bytes', 'oversizeBytes'],
  ['webhook-deadline-ms', 'webhookDeadlineMs'],
  ['timeout-ms', 'requestTimeoutMs'],
  ['max-body-bytes', 'maxBodyBytes'],
  ['max-retry-after-ms', 'maxRetryAfterMs'],
  ['max-run-ms', 'maxRunMs'],
] as const

function usageError(print: (line: string) => void, message: string): number {
  print(`react-mpc-backup check-server: ${message}\n\n${USAGE}`)
  return 2
}
