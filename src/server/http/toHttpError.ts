import type { Request } from 'express'
import { BodyReadError } from './readJsonBody.js'
import { HttpError } from '../errors/HttpError.js'
import { StorageKeyMismatchError } from '../errors/StorageKeyMismatchError.js'

/** Any error a route threw, as the answer it deserves; what is not the caller's fault is logged (names only). */
export function toHttpError(error: unknown, req: Request, logger: { error(message: string): void }): HttpError {
  if (error instanceof HttpError) return error
  if (error instanceof BodyReadError) return new HttpError(error.status, error.code)
  if (error instanceof StorageKeyMismatchError) {
    logger.error(`[react-mpc-backup] ${error.code}: ${error.message} (${req.method} ${req.route?.path ?? ''})`)
    return new HttpError(500, 'storage_key_mismatch')
  }
  // body-parser marks its errors with a `type`; every one of them is the caller's fault.
  const type =
    typeof error === 'object' && error !== null && 'type' in error ? (error as { type: unknown }).type : undefined
  switch (type) {
    case 'entity.parse.failed':
      return new HttpError(400, 'invalid_json')
    case 'entity.too.large':
      return new HttpError(413, 'payload_too_large')
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new HttpError(415, 'unsupported_media_type')
    case 'request.aborted':
    case 'request.size.invalid':
    case 'stream.encoding.set':
    case 'stream.not.readable':
      return new HttpError(400, 'invalid_body')
  }
  // Express marks the caller's faults with a 4xx status, e.g. a path parameter that is not valid percent-encoding
  // (a URIError with status 400): the caller's fault, answered as such and not logged.
  const status = typeof error === 'object' && error !== null ? Number((error as { status?: unknown }).status) : NaN
  if (Number.isInteger(status) && status >= 400 && status < 500) {
    return new HttpError(status, error instanceof URIError ? 'invalid_path' : 'invalid_request')
  }
  const name = error instanceof Error ? error.name : typeof error
  logger.error(`[react-mpc-backup] internal_error: ${name} (${req.method} ${req.route?.path ?? ''})`)
  return new HttpError(500, 'internal_error')
}
