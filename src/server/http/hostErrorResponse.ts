import type { HttpError } from '../errors/HttpError.js'
import { SECURITY_HEADERS } from './createBackupHandler.js'
import { errorResponse } from './errorResponse.js'
import type { ServerRequest, ServerResponse } from './ServerRequest.js'

/**
 * A host adapter's own answer to a request the core did not answer (404 `route_not_found` for a path that is not the
 * kit's, 503 `not_ready`, 500): the core's error body and the core's headers (`no-store` and the security headers),
 * so every answer of the kit looks alike whatever hosts it.
 */
export function hostErrorResponse(error: HttpError, request: ServerRequest): ServerResponse {
  const answer = errorResponse(error, request)
  Object.assign(answer.headers, SECURITY_HEADERS)
  return answer
}
