import { createHmac, randomBytes } from 'node:crypto'
import type { BackupEvent, BackupRouterOptions, BackupStore } from '../../../src/server/index.js'
import { devHeaderAuthenticate } from '../../../src/server/index.js'
import { EXPRESS_HOST } from './hosts.js'
import type { HostCase, HostedApi } from './hosts.js'

export { listenOnLoopback } from './listenOnLoopback.js'

export const WEBHOOK_SECRET = 'test-webhook-secret-0123456789'
export const KEY_A = randomBytes(32)
export const KEY_B = randomBytes(32)

/** The kit served by one host (see hosts.ts and listenOnLoopback.ts), with what it reported. */
export interface TestApi extends HostedApi {
  events: BackupEvent[]
  logged: string[]
}

/**
 * The kit's routes mounted under /api on a real loopback listener, as an app would mount them, by one host adapter
 * (express unless a host is given; see hosts.ts).
 */
export async function serveRouter(
  store: BackupStore,
  overrides: Partial<BackupRouterOptions> = {},
  host: HostCase = EXPRESS_HOST,
): Promise<TestApi> {
  const events: BackupEvent[] = []
  const logged: string[] = []
  const served = await host.serve({
    store,
    authenticate: devHeaderAuthenticate(),
    webhookSecret: WEBHOOK_SECRET,
    encryptionKey: KEY_A,
    onEvent: (e) => events.push(e),
    logger: { error: (m) => logged.push(m) },
    // Functional suites mix rows written through the store itself (sealed by no key) with the routes; the start-up
    // key check that would refuse such a store is tested on its own (startupFailsLoudly.test.ts).
    checkEncryptionKey: false,
    ...overrides,
    // Functional suites send hundreds of requests per client; the limiter is tested on its own (attacks.test.ts).
    limits: { rate: false, ...overrides.limits },
  })
  return { ...served, events, logged }
}

export function uniqueClient(prefix = 'client'): string {
  return `${prefix}-${randomBytes(6).toString('hex')}`
}

export async function postBackup(
  base: string,
  clientId: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${base}/clients/${encodeURIComponent(clientId)}/backup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-client-id': clientId, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
}

export async function getBackup(
  base: string,
  clientId: string,
  method?: string,
  asClient = clientId,
): Promise<Response> {
  const query = method === undefined ? '' : `?backupMethod=${encodeURIComponent(method)}`
  return fetch(`${base}/clients/${encodeURIComponent(clientId)}/backup${query}`, {
    headers: { 'x-client-id': asClient },
  })
}

/** `DELETE /clients/:clientId/backup` as `asClient` (no credentials with `null`). */
export async function deleteBackup(
  base: string,
  clientId: string,
  asClient: string | null = clientId,
  query = '',
): Promise<Response> {
  return fetch(`${base}/clients/${encodeURIComponent(clientId)}/backup${query}`, {
    method: 'DELETE',
    headers: asClient === null ? {} : { 'x-client-id': asClient },
  })
}

export async function postWebhook(
  base: string,
  path: '/webhook/backup' | '/webhook/backup/fetch',
  body: unknown,
  secret: string | null = WEBHOOK_SECRET,
): Promise<Response> {
  return fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(secret === null ? {} : { 'x-webhook-secret': secret }) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
}

/** HS256 JWT, written independently of the verifier under test. */
export function signJwt(
  claims: Record<string, unknown>,
  secret: string,
  header: Record<string, unknown> = { alg: 'HS256', typ: 'JWT' },
): string {
  const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url')
  const body = `${enc(header)}.${enc(claims)}`
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`
}
