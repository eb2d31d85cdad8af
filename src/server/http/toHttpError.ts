import { HttpError } from '../errors/HttpError.js'
import { ServerConfigError } from '../errors/ServerConfigError.js'
import { StorageKeyMismatchError } from '../errors/StorageKeyMismatchError.js'
import { BodyReadError } from './readJsonBody.js'

/**
 * Any error a route threw, as the answer it deserves; what is not the caller's fault is logged with its class and a
 * stable code, never its message (a driver's or parser's message can quote input).
 */
export function toHttpError(
  error: unknown,
  where: { method: string; route: string },
  logger: { error(message: string): void },
): HttpError {
  if (error instanceof HttpError) return error
  if (error instanceof BodyReadError) return new HttpError(error.status, error.code)
  // A setting checked only when first used (e.g. a secret missing where the server runs): its message is fixed text
  // from the kit, naming the setting, never a value.
  if (error instanceof ServerConfigError) {
    logger.error(`[react-mpc-backup] not_ready: ${error.message}`)
    return new HttpError(503, 'not_ready')
  }
  if (error instanceof StorageKeyMismatchError) {
    logger.error(`[react-mpc-backup] ${error.code}: ${error.message} (${where.method} ${where.route})`)
    return new HttpError(500, 'storage_key_mismatch')
  }
  const name = error instanceof Error ? error.name : typeof error
  logger.error(`[react-mpc-backup] internal_error: ${name} (${where.method} ${where.route})`)
  return new HttpError(500, 'internal_error')
}
