/** The kit's answers: JSON bodies, the error body every route answers with, and the headers every answer carries. */
import type { HttpError } from '../errors/HttpError.js'
import type { ServerRequest, ServerResponse } from './ServerRequest.js'

// Every answer of the core: shares and cipherTexts must not sit in caches between the server and the client, and
// nothing it sends is a document to render, frame or sniff.
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
}

/** A JSON answer from an already serialised body. */
export function jsonResponse(status: number, body: string, headers: Record<string, string> = {}): ServerResponse {
  return { status, headers: { 'Content-Type': 'application/json; charset=utf-8', ...headers }, body }
}

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
