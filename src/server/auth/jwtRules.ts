// The client tokens' rules, in one place: what jwtAuthenticate accepts is what mintClientToken makes, since both
// resolve the same options here and mintClientToken checks each token it makes against the rules that verify it.
import { createHmac, timingSafeEqual } from 'node:crypto'
import { ServerConfigError } from '../errors/ServerConfigError.js'
import { AuthenticationRefused } from './AuthenticationRefused.js'

export interface JwtAuthenticateOptions {
  /**
   * HS256 shared secret (at least 32 bytes recommended). May be undefined where the options are written (e.g.
   * `process.env.AUTH_JWT_SECRET` at module scope, which a build evaluates without secrets): it is checked when a
   * token is first verified or minted, and a missing one is a ServerConfigError then.
   */
  secret: string | Uint8Array | undefined
  /** When set, the token's `iss` must equal it (`mintClientToken` writes it). */
  issuer?: string | undefined
  /** When set, the token's `aud` must equal it (or contain it) (`mintClientToken` writes it). */
  audience?: string | undefined
  /** Allowed clock skew for `exp` / `nbf`, in seconds (default 30). */
  clockToleranceSec?: number | undefined
  /**
   * Longest lifetime a token may claim, in seconds (default 86 400, a day): `exp - iat`, and `exp` seen from now.
   * Every token must carry `exp`; one without it would be valid forever.
   */
  maxLifetimeSec?: number | undefined
  /** The clock, in milliseconds since the epoch (default `Date.now`); for tests. */
  now?: (() => number) | undefined
}

export interface JwtRules {
  secret: Buffer
  issuer: string | undefined
  audience: string | undefined
  toleranceSec: number
  maxLifetimeSec: number
  /** Now, in seconds since the epoch (fractional). */
  nowSec(): number
}

/** The options checked and with their defaults; a ServerConfigError (an operator's fix) when one is wrong. */
export function resolveJwtRules(options: JwtAuthenticateOptions, who: string): JwtRules {
  const given: unknown = options.secret
  if (given === undefined || given === null)
    throw new ServerConfigError(`${who}: secret is not set (an HS256 secret, at least 32 bytes)`)
  if (typeof given !== 'string' && !(given instanceof Uint8Array))
    throw new ServerConfigError(`${who}: secret must be a string or bytes`)
  const secret = typeof given === 'string' ? Buffer.from(given, 'utf8') : Buffer.from(given)
  if (secret.length === 0) throw new ServerConfigError(`${who}: secret must not be empty`)
  const toleranceSec = options.clockToleranceSec ?? 30
  if (!(Number.isFinite(toleranceSec) && toleranceSec >= 0))
    throw new ServerConfigError(`${who}: clockToleranceSec must be a number of seconds, 0 or more`)
  const maxLifetimeSec = options.maxLifetimeSec ?? 86_400
  if (!(Number.isFinite(maxLifetimeSec) && maxLifetimeSec > 0))
    throw new ServerConfigError(`${who}: maxLifetimeSec must be a positive number`)
  for (const name of ['issuer', 'audience'] as const) {
    const value: unknown = options[name]
    if (value !== undefined && (typeof value !== 'string' || value.length === 0))
      throw new ServerConfigError(`${who}: ${name} must be a non-empty string when given`)
  }
  const clock: unknown = options.now ?? Date.now
  if (typeof clock !== 'function') throw new ServerConfigError(`${who}: now must be a function`)
  return {
    secret,
    issuer: options.issuer,
    audience: options.audience,
    toleranceSec,
    maxLifetimeSec,
    nowSec: () => (clock as () => number)() / 1000,
  }
}

const encode = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url')
const HEADER = encode({ alg: 'HS256', typ: 'JWT' })
const JWS = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/

function hs256(secret: Buffer, signingInput: string): Buffer {
  return createHmac('sha256', secret).update(signingInput).digest()
}

/** An HS256 JWT of these claims (compact serialization). */
export function signJwt(claims: Record<string, unknown>, rules: JwtRules): string {
  const signingInput = `${HEADER}.${encode(claims)}`
  return `${signingInput}.${hs256(rules.secret, signingInput).toString('base64url')}`
}

/**
 * The verified claims of a compact HS256 JWT. Only HS256 is accepted, so a token cannot pick its own algorithm
 * (`none`, or a public key used as a secret); the signature is checked before anything of the token is read.
 */
export function verifyJwt(token: string, rules: JwtRules): Record<string, unknown> {
  const match = JWS.exec(token)
  if (!match) throw new AuthenticationRefused('malformed')
  const [, head = '', payload = '', signature = ''] = match
  const expected = hs256(rules.secret, `${head}.${payload}`)
  const given = Buffer.from(signature, 'base64url')
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    throw new AuthenticationRefused('bad_signature')
  // Node's decoder ignores the spare bits of the last character, so four spellings decode alike: only the
  // canonical one is the signature.
  if (given.toString('base64url') !== signature) throw new AuthenticationRefused('bad_signature')
  if (decodeJson(head).alg !== 'HS256') throw new AuthenticationRefused('unsupported_algorithm')
  return decodeJson(payload)
}

/** The clientId (`sub`) of verified claims, when the rules accept them at `rules.nowSec()`. */
export function checkClaims(claims: Record<string, unknown>, rules: JwtRules): string {
  const now = rules.nowSec()
  const { exp, iat, nbf } = claims
  if (typeof exp !== 'number' || !Number.isFinite(exp)) throw new AuthenticationRefused('no_expiry')
  if (now > exp + rules.toleranceSec) throw new AuthenticationRefused('expired')
  if (exp - now > rules.maxLifetimeSec + rules.toleranceSec) throw new AuthenticationRefused('lifetime_too_long')
  if (iat !== undefined && (typeof iat !== 'number' || exp - iat > rules.maxLifetimeSec))
    throw new AuthenticationRefused('lifetime_too_long')
  if (nbf !== undefined && (typeof nbf !== 'number' || now < nbf - rules.toleranceSec))
    throw new AuthenticationRefused('not_yet_valid')
  if (rules.issuer !== undefined && claims.iss !== rules.issuer) throw new AuthenticationRefused('wrong_issuer')
  if (rules.audience !== undefined) {
    const aud = claims.aud
    if (!(aud === rules.audience || (Array.isArray(aud) && aud.includes(rules.audience))))
      throw new AuthenticationRefused('wrong_audience')
  }
  if (typeof claims.sub !== 'string' || claims.sub.length === 0) throw new AuthenticationRefused('no_subject')
  return claims.sub
}

function decodeJson(part: string): Record<string, unknown> {
  let value: unknown
  try {
    value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'))
  } catch {
    throw new AuthenticationRefused('malformed')
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new AuthenticationRefused('malformed')
  return value as Record<string, unknown>
}
