import { backupBodySchemas } from '../http/backupBodySchemas.js'
import { ServerConfigError } from '../errors/ServerConfigError.js'
import { AuthenticationRefused } from './AuthenticationRefused.js'
import { checkClaims, type JwtAuthenticateOptions, resolveJwtRules, signJwt } from './jwtRules.js'

export interface MintClientTokenOptions extends JwtAuthenticateOptions {
  /** The signed-in user's Portal clientId: the token's `sub`, the only client whose backup it opens. */
  clientId: string
  /** Seconds until the token expires (default 3 600, an hour); at most `maxLifetimeSec` (default 86 400). */
  ttlSeconds?: number | undefined
}

/**
 * A client token `jwtAuthenticate` accepts with the same options: an HS256 JWT with `sub` (the clientId), `iat`,
 * `exp` and, when given, `iss` and `aud`. Mint it where your login already knows the user's Portal clientId (a
 * route of your app that checks its own session) and hand it to the browser, whose `getToken()` returns it (see
 * "Sign-in" in docs/server.md). Pass the options you give `jwtAuthenticate`: a token it would refuse is never made
 * (ServerConfigError instead). The token is a credential: never log it or put it in a URL.
 */
export function mintClientToken(options: MintClientTokenOptions): string {
  const rules = resolveJwtRules(options, 'mintClientToken')
  const { clientId } = options
  if (typeof clientId !== 'string' || !backupBodySchemas.CLIENT_ID.test(clientId))
    throw new ServerConfigError('mintClientToken: clientId must be 1-200 of A-Z a-z 0-9 . _ : @ | -')
  const ttl = options.ttlSeconds ?? 3_600
  if (!(Number.isInteger(ttl) && ttl > 0 && ttl <= rules.maxLifetimeSec))
    throw new ServerConfigError(
      `mintClientToken: ttlSeconds must be a whole number of seconds from 1 to maxLifetimeSec (${rules.maxLifetimeSec})`,
    )
  const iat = Math.floor(rules.nowSec())
  const claims = {
    sub: clientId,
    iat,
    exp: iat + ttl,
    ...(rules.issuer !== undefined ? { iss: rules.issuer } : {}),
    ...(rules.audience !== undefined ? { aud: rules.audience } : {}),
  }
  // The rules that verify tokens, applied to this one: what is minted is what is accepted.
  try {
    checkClaims(claims, rules)
  } catch (error) {
    if (!(error instanceof AuthenticationRefused)) throw error
    throw new ServerConfigError(`mintClientToken: jwtAuthenticate would refuse this token: ${error.message}`)
  }
  return signJwt(claims, rules)
}
