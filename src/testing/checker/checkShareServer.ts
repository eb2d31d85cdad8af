import type {
  CheckShareServerOptions,
  ShareServerCheckClock,
  ShareServerCheckName,
  ShareServerCheckRow,
  ShareServerReport,
} from './checkShareServerTypes.js'
import { ShareServerCheckError } from './ShareServerCheckError.js'
import { createShareServerProbes, SHARE_SERVER_CHECK_TITLES } from './shareServerProbes.js'
import type { Exchange } from './shareServerTransport.js'
import { createTransport, RowFailure, runCapReached, safeName } from './shareServerTransport.js'

const realClock: ShareServerCheckClock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
}

/**
 * Runs the share-server contract (openapi/share-server.yaml) against a live backend, in any language: the bundled
 * server passes it. It writes test rows for the two clients (methods `CHECK`, `CHECK-IDEM`, `CHECK-ERASE`,
 * `GDRIVE-SECP256K1`, `GDRIVE-ED25519`) and erases the second client's backups (`DELETE`); run it against a staging
 * database. Nothing it reports carries a share, credential or secret, nor
 * anything a server answered beyond statuses and the contract's codes; a hostile server cannot hold it past
 * `maxRunMs` nor make it read more than `maxBodyBytes` of an answer. Throws ShareServerCheckError, before sending
 * anything, when the options cannot run.
 */
export async function checkShareServer(options: CheckShareServerOptions): Promise<ShareServerReport> {
  const { base, basicAuth, shown } = parseBaseUrl(options.baseUrl)
  const clock = options.clock ?? realClock
  const maxRunMs = positive('maxRunMs', options.maxRunMs, 300_000)
  const deadline = clock.now() + maxRunMs
  const exchanges: Exchange[] = []
  const send = createTransport(
    {
      base,
      basicAuth,
      fetch: options.fetch ?? globalThis.fetch,
      clock,
      requestTimeoutMs: positive('requestTimeoutMs', options.requestTimeoutMs, 15_000),
      maxBodyBytes: positive('maxBodyBytes', options.maxBodyBytes, 1024 * 1024),
      maxRetryAfterMs: positive('maxRetryAfterMs', options.maxRetryAfterMs, 60_000),
      maxRunMs,
      deadline,
    },
    exchanges,
  )
  const probes = createShareServerProbes({
    send,
    exchanges,
    clients: options.clients,
    webhookSecret: options.webhookSecret,
    oversizeBytes: positive('oversizeBytes', options.oversizeBytes, 1024 * 1024),
    webhookDeadlineMs: positive('webhookDeadlineMs', options.webhookDeadlineMs, 10_000),
  })

  const rows: ShareServerCheckRow[] = []
  for (const name of Object.keys(probes) as ShareServerCheckName[]) {
    const title = SHARE_SERVER_CHECK_TITLES[name]
    if (clock.now() >= deadline) {
      rows.push({ name, title, ok: false, reason: `not run: ${runCapReached(maxRunMs)}` })
      continue
    }
    try {
      await probes[name]()
      rows.push({ name, title, ok: true })
    } catch (error) {
      const reason = error instanceof RowFailure ? error.message : `the check itself failed (${safeName(error)})`
      rows.push({ name, title, ok: false, reason })
    }
  }
  return { ok: rows.every((r) => r.ok), baseUrl: shown, rows }
}

/**
 * The base URL to send to (no user info, no fragment), the user info as a Basic credential, and the URL as it may be
 * shown: origin and path only, since user info and query often hold credentials.
 */
function parseBaseUrl(raw: string): { base: URL; basicAuth: string | undefined; shown: string } {
  let url: URL
  let basicAuth: string | undefined
  try {
    url = new URL(raw)
    if (url.username !== '' || url.password !== '') {
      const pair = new TextEncoder().encode(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`)
      basicAuth = `Basic ${btoa(String.fromCharCode(...pair))}`
    }
  } catch {
    throw new ShareServerCheckError('invalid_base_url', 'baseUrl is not an absolute URL')
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new ShareServerCheckError('invalid_base_url', 'baseUrl must start with http:// or https://')
  url.username = ''
  url.password = ''
  url.hash = ''
  url.pathname = url.pathname.replace(/\/+$/, '')
  const path = url.pathname === '/' ? '' : url.pathname
  return { base: url, basicAuth, shown: `${url.origin}${path}` }
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback
  if (!(Number.isFinite(value) && value > 0))
    throw new ShareServerCheckError('invalid_option', `${name} must be a positive number`)
  return value
}
