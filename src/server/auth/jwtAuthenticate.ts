import type { Authenticate } from '../http/BackupRouterOptions.js'
import type { ServerRequest } from '../http/ServerRequest.js'
import { AuthenticationRefused } from './AuthenticationRefused.js'
import { checkClaims, type JwtAuthenticateOptions, type JwtRules, resolveJwtRules, verifyJwt } from './jwtRules.js'

export type { JwtAuthenticateOptions } from './jwtRules.js'

// RFC 6750 §2.1: `Bearer` (any case, RFC 7235), one or more spaces, then a b64token.
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/

/**
 * Verifies an HS256 JWT from `Authorization: Bearer` and resolves its `sub` as the clientId; `mintClientToken`
 * makes such tokens from the same options. A refused token throws `AuthenticationRefused`, which says why (expired,
 * bad signature, wrong audience...): the router answers 401 with a `WWW-Authenticate: Bearer` challenge naming it.
 *
 * The options are checked when the first request is verified, not here: `jwtAuthenticate({ secret:
 * process.env.AUTH_JWT_SECRET })` at module scope must not fail a build that runs without secrets. A missing or
 * wrong option then makes every request fail with a ServerConfigError (answered 503 `not_ready`, the fix logged).
 */
export function jwtAuthenticate(options: JwtAuthenticateOptions): Authenticate {
  let rules: JwtRules | undefined
  return (req: ServerRequest) => {
    rules ??= resolveJwtRules(options, 'jwtAuthenticate')
    const header = req.get('authorization')
    if (header === undefined || header === '') throw new AuthenticationRefused('no_token')
    const scheme = /^\S*/.exec(header)?.[0] ?? ''
    // Another scheme (Basic...) is a request without a bearer token: no error code (RFC 6750 §3.1).
    if (scheme.toLowerCase() !== 'bearer') throw new AuthenticationRefused('no_token')
    const credentials = header.slice(scheme.length).replace(/^ +/, '')
    if (!B64TOKEN.test(credentials)) throw new AuthenticationRefused('malformed_request')
    return checkClaims(verifyJwt(credentials, rules), rules)
  }
}
