import { createHmac, timingSafeEqual } from 'node:crypto'
import { ServerConfigError } from '../errors/ServerConfigError.js'
import type { ServerRequest } from '../http/ServerRequest.js'
import type { Authenticate } from '../http/BackupRouterOptions.js'

export interface JwtAuthenticateOptions {
  /**
   * HS256 shared secret (at least 32 bytes recommended). Checked at the first request: missing or empty, every
   * request answers 503 `not_ready` and the log says so (so reading it from the environment at module load is safe).
   */
  secret: string | Uint8Array | undefined
  /** When set, the token's `iss` must equal it. */
  issuer?: string
  /** When set, the token's `aud` must equal it (or contain it). */
  audience?: string
  /** Allowed clock skew for `exp` / `nbf`, in seconds (default 30). */
  clockToleranceSec?: number
  /**
   * Longest lifetime a token may claim, in seconds (default 86 400, a day): `exp - iat`, and `exp` seen from now.
   * Every token must carry `exp`; one without it would be valid forever.
   */
  maxLifetimeSec?: number
}

/**
 * Verifies an HS256 JWT from `Authorization: Bearer` and resolves its `sub` as the clientId.
 * Only HS256 is accepted, so a token cannot pick its own algorithm (`none`, or a public key used as a secret).
 */
export function jwtAuthenticate(options: JwtAuthenticateOptions): Authenticate {
  // The secret is checked at the first request, not here: a module that builds this at load (a Next.js route file,
  // evaluated by `next build` with no secrets) must not fail; until a secret is there every request answers 503.
  let held: Buffer | undefined
  const secretOf = (): Buffer => {
    if (held) return held
    const given = options.secret
    const secret =
      given === undefined
        ? Buffer.alloc(0)
        : typeof given === 'string'
          ? Buffer.from(given, 'utf8')
          : Buffer.from(given)
    if (secret.length === 0) throw new ServerConfigError('jwtAuthenticate: secret must not be empty')
    held = secret
    return secret
  }
  const tolerance = options.clockToleranceSec ?? 30
  const maxLifetime = options.maxLifetimeSec ?? 86_400
  if (!(Number.isFinite(maxLifetime) && maxLifetime > 0))
    throw new ServerConfigError('jwtAuthenticate: maxLifetimeSec must be a positive number')

  return (req: ServerRequest) => {
    const secret = secretOf()
    const header = req.get('authorization')
    const match = header?.match(/^Bearer ([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/)
    if (!match) throw new Error('missing bearer token')
    const [, head = '', payload = '', signature = ''] = match

    const expected = createHmac('sha256', secret).update(`${head}.${payload}`).digest()
    const given = Buffer.from(signature, 'base64url')
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new Error('bad signature')
    // Node's decoder ignores the spare bits of the last character, so four spellings decode alike: only the
    // canonical one is the signature.
    if (given.toString('base64url') !== signature) throw new Error('non-canonical signature')

    const headerJson = decodeJson(head)
    if (headerJson.alg !== 'HS256') throw new Error('unsupported alg')
    const claims = decodeJson(payload)
    const now = Date.now() / 1000
    if (typeof claims.exp !== 'number' || !Number.isFinite(claims.exp)) throw new Error('no expiry')
    if (now > claims.exp + tolerance) throw new Error('expired')
    if (claims.exp - now > maxLifetime + tolerance) throw new Error('lifetime too long')
    if (claims.iat !== undefined && (typeof claims.iat !== 'number' || claims.exp - claims.iat > maxLifetime))
      throw new Error('lifetime too long')
    if (claims.nbf !== undefined && (typeof claims.nbf !== 'number' || now < claims.nbf - tolerance))
      throw new Error('not yet valid')
    if (options.issuer !== undefined && claims.iss !== options.issuer) throw new Error('wrong issuer')
    if (options.audience !== undefined) {
      const aud = claims.aud
      const ok = aud === options.audience || (Array.isArray(aud) && aud.includes(options.audience))
      if (!ok) throw new Error('wrong audience')
    }
    if (typeof claims.sub !== 'string' || claims.sub.length === 0) throw new Error('no subject')
    return claims.sub
  }
}

function decodeJson(part: string): Record<string, unknown> {
  const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'))
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not a JSON object')
  return value as Record<string, unknown>
}
