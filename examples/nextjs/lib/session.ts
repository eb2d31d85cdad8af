// The example's sign-in: an HttpOnly cookie naming the signed-in wallet's Portal clientId, signed with HMAC-SHA256
// (SESSION_SECRET), so the browser cannot change whose backup it reads. A real app replaces the dev login that sets
// it (app/session/route.ts) with its own (Auth.js, better-auth, iron-session, ...) and reads the clientId from that
// session instead; `sessionAuthenticate` below is then a few lines over the app's own session reader.
import { createHmac, timingSafeEqual } from 'node:crypto'
import { type Authenticate, ServerConfigError } from 'react-mpc-backup/server'

export const SESSION_COOKIE = 'rmb_example_session'
/** How long a sign-in lasts, in seconds. */
export const SESSION_MAX_AGE = 8 * 60 * 60

// Portal client ids, as the kit's server accepts them (it refuses any other clientId with 401 or 400).
const CLIENT_ID = /^[A-Za-z0-9._:@|-]{1,200}$/

export function isClientId(value: unknown): value is string {
  return typeof value === 'string' && CLIENT_ID.test(value)
}

function secret(): Buffer {
  const value = process.env.SESSION_SECRET ?? ''
  // Read when a request comes, never at module load: `next build` evaluates this module with no secrets set.
  if (Buffer.byteLength(value) < 32)
    throw new ServerConfigError('SESSION_SECRET must be set, at least 32 bytes (openssl rand -base64 32)')
  return Buffer.from(value)
}

const sign = (payload: string) => createHmac('sha256', secret()).update(payload).digest('base64url')

/** The cookie value for a sign-in of `clientId`, valid for SESSION_MAX_AGE from `now` (ms). */
export function sessionCookieValue(clientId: string, now = Date.now()): string {
  const payload = Buffer.from(JSON.stringify({ sub: clientId, exp: Math.floor(now / 1000) + SESSION_MAX_AGE }))
  const encoded = payload.toString('base64url')
  return `${encoded}.${sign(encoded)}`
}

/** The signed-in clientId, or undefined for a missing, forged or expired cookie. Throws when SESSION_SECRET is unset. */
export function readSession(value: string | undefined, now = Date.now()): string | undefined {
  const key = secret()
  if (!value) return undefined
  const [encoded = '', signature = ''] = value.split('.')
  const expected = createHmac('sha256', key).update(encoded).digest()
  const given = Buffer.from(signature, 'base64url')
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined
  if (given.toString('base64url') !== signature) return undefined
  let claims: unknown
  try {
    claims = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'))
  } catch {
    return undefined
  }
  if (typeof claims !== 'object' || claims === null) return undefined
  const { sub, exp } = claims as { sub?: unknown; exp?: unknown }
  if (!isClientId(sub) || typeof exp !== 'number' || exp * 1000 <= now) return undefined
  return sub
}

/**
 * The kit's `authenticate`: the share routes see the same cookie (same origin). A missing SESSION_SECRET throws
 * ServerConfigError, which the kit answers 503 `not_ready` (a server fault), not 401.
 */
export const sessionAuthenticate: Authenticate = (request) => readSession(request.cookies[SESSION_COOKIE])

/**
 * `Set-Cookie` attributes: HttpOnly (no script reads it), SameSite=Lax (not sent on other sites' POSTs), and Secure
 * everywhere but on a loopback host (`next start` on http://127.0.0.1 has no TLS).
 */
export function sessionCookieAttributes(requestUrl: string, maxAge: number): string {
  const { hostname } = new URL(requestUrl)
  const loopback = hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]'
  return `Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAge}${loopback ? '' : '; Secure'}`
}
