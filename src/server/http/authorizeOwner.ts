import type { Request, Response } from 'express'
import { backupBodySchemas } from './backupBodySchemas.js'
import type { RouterContext } from './createRouterContext.js'
import { HttpError } from '../errors/HttpError.js'

const { CLIENT_ID } = backupBodySchemas

/** The signed-in owner of `:clientId`, after the caller's rate limit; throws the answer otherwise. */
export async function authorizeOwner(context: RouterContext, req: Request, res: Response): Promise<string> {
  const { emit, limiter } = context
  const requested = req.params.clientId ?? ''
  let caller: string | undefined | null
  try {
    caller = await context.authenticate(req)
  } catch {
    caller = undefined
  }
  if (typeof caller !== 'string' || caller.length === 0) {
    emit('auth.unauthorized', null, null)
    throw new HttpError(401, 'unauthorized')
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
      res.setHeader('Retry-After', String(decision.retryAfterSec))
      throw new HttpError(429, 'rate_limited')
    }
  }
  if (caller !== requested) {
    emit('auth.forbidden', caller, null)
    throw new HttpError(403, 'forbidden')
  }
  if (!CLIENT_ID.test(requested)) throw new HttpError(400, 'invalid_client_id')
  return requested
}
