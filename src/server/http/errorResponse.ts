import type { HttpError } from '../errors/HttpError.js'
import { jsonResponse } from './jsonResponse.js'
import type { ServerRequest, ServerResponse } from './ServerRequest.js'

/** The error body every route answers with: `{ error: { code, fields? } }`, plus the error's own headers. */
export function errorResponse(error: HttpError, request: ServerRequest): ServerResponse {
  const body =
    error.fields && error.fields.length > 0 ? { code: error.code, fields: error.fields } : { code: error.code }
  const answer = jsonResponse(error.status, JSON.stringify({ error: body }), { ...error.headers })
  // A body we did not read to its end (too large, refused early, or still trickling in at a deadline) is not
  // worth reading now: close the connection after the answer instead.
  if (!request.bodyComplete()) answer.headers.Connection = 'close'
  return answer
}
