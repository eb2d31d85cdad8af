import { HttpError } from '../errors/HttpError.js'
import { errorCodeOf, knownErrorMessage } from '../errors/knownErrorMessage.js'
import { ServerConfigError } from '../errors/ServerConfigError.js'
import { StorageKeyMismatchError } from '../errors/StorageKeyMismatchError.js'
import { BodyReadError } from './readJsonBody.js'

/**
 * Any error a route threw, as the answer it deserves; what is not the caller's fault is logged with its class, its
 * stable code and, for a known failure only, a fixed description: never the error's own message (a driver's or
 * parser's message can quote input).
 */
export function toHttpError(
  error: unknown,
  where: { method: string; route: string },
  logger: { error(message: string): void },
): HttpError {
  if (error instanceof HttpError) return error
  if (error instanceof BodyReadError) return new HttpError(error.status, error.code)
  // A setting or start-up check that fails when first used (a secret missing where the server runs, a store that
  // cannot open): its message is the kit's fixed text naming the fix, never a value.
  if (error instanceof ServerConfigError) {
    logger.error(`[react-mpc-backup] not_ready: ${error.message} (${where.method} ${where.route})`)
    return new HttpError(503, 'not_ready')
  }
  if (error instanceof StorageKeyMismatchError) {
    logger.error(`[react-mpc-backup] ${error.code}: ${error.message} (${where.method} ${where.route})`)
    return new HttpError(500, 'storage_key_mismatch')
  }
  const name = error instanceof Error ? error.name : typeof error
  const code = errorCodeOf(error)
  const known = knownErrorMessage(error)
  logger.error(
    `[react-mpc-backup] internal_error: ${name}${code ? ` ${code}` : ''}${known ? `: ${known}` : ''} (${where.method} ${where.route})`,
  )
  return new HttpError(500, 'internal_error')
}
