import { HttpError } from '../errors/HttpError.js'
import { ServerConfigError } from '../errors/ServerConfigError.js'
import { backupBodySchemas } from './backupBodySchemas.js'
import type { RouterContext } from './createRouterContext.js'
import type { ServerRequest } from './ServerRequest.js'
import { bearerChallenge } from '../auth/bearerChallenge.js'

const { CLIENT_ID } = backupBodySchemas

/** The signed-in owner of the path's `clientId`, after the caller's rate limit; throws the answer otherwise. */
export async function authorizeOwner(
  context: RouterContext,
  request: ServerRequest,
  requested: string,
): Promise<string> {
  const { emit, limiter } = context
  let caller: string | undefined | null
  let refusal: unknown
  try {
    caller = await context.authenticate(request)
  } catch (error) {
    // A setting the authenticate function found missing is the server's fault, not the caller's.
    if (error instanceof ServerConfigError) throw error
    refusal = error
    caller = undefined
  }
  if (typeof caller !== 'string' || caller.length === 0) {
    emit('auth.unauthorized', null, null)
    // An AuthenticationRefused says why (RFC 6750 WWW-Authenticate); any other throw or no caller: a bare 401.
    const challenge = bearerChallenge(refusal)
    throw new HttpError(401, 'unauthorized', undefined, challenge ? { 'WWW-Authenticate': challenge } : undefined)
  }
  // Only a well-formed clientId can own a backup; anything else (e.g. junk in a dev header) is refused before it
  // can become a rate-limit bucket.
  if (!CLIENT_ID.test(caller)) {
    if (caller === requested) throw new HttpError(400, 'invalid_client_id')
    emit('auth.unauthorized', null, null)
    throw new HttpError(401, 'unauthorized')
  }
  // Keyed by the caller, before the owner check: probing other ids spends the prober's own tokens.
  if (limiter) {
    const decision = await limiter.take(caller)
    if (!decision.allowed) {
      emit('rate_limited', caller, null)
      throw new HttpError(429, 'rate_limited', undefined, { 'Retry-After': String(decision.retryAfterSec) })
    }
  }
  if (caller !== requested) {
    emit('auth.forbidden', caller, null)
    throw new HttpError(403, 'forbidden')
  }
  if (!CLIENT_ID.test(requested)) throw new HttpError(400, 'invalid_client_id')
  return requested
}
