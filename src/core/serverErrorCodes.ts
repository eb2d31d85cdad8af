/**
 * The error codes the kit's server sends in `{ error: { code } }`: one vocabulary on both ends of the wire. The
 * server (`react-mpc-backup/server`) answers with these; the client's share API reads them rather than guessing from
 * the status. No Node or React import here: both entries use this module.
 */
// Each code, and whether a retry of the same request can heal it (`final`: a bad request, a missing route or
// record, rows the server cannot decrypt; the others are refusals or transient).
const serverErrorCodes = {
  invalid_json: 'final',
  invalid_path: 'final',
  invalid_request: 'final',
  invalid_body: 'final',
  invalid_client_id: 'final',
  invalid_query: 'final',
  invalid_idempotency_key: 'final',
  idempotency_key_reused: 'final',
  payload_too_large: 'final',
  unsupported_media_type: 'final',
  unauthorized: 'refused',
  forbidden: 'refused',
  not_found: 'final',
  backup_not_found: 'final',
  route_not_found: 'final',
  precondition_failed: 'final',
  timeout: 'transient',
  rate_limited: 'transient',
  storage_key_mismatch: 'final',
  internal_error: 'transient',
} as const satisfies Record<string, 'final' | 'refused' | 'transient'>

export type ServerErrorCode = keyof typeof serverErrorCodes

/** Every code, for documents and checks that must list them all (openapi/share-server.yaml's test). */
export const SERVER_ERROR_CODES = Object.keys(serverErrorCodes) as readonly ServerErrorCode[]

/** The code of a server error body (`{ error: { code } }`), when it is one of ours. */
export function serverErrorCodeOf(body: unknown): ServerErrorCode | undefined {
  const code = (body as { error?: { code?: unknown } } | null | undefined)?.error?.code
  return typeof code === 'string' && Object.hasOwn(serverErrorCodes, code) ? (code as ServerErrorCode) : undefined
}

/** Whether repeating the request that got this code can succeed (rate limits, timeouts, internal errors). */
export function isTransientServerCode(code: ServerErrorCode): boolean {
  return serverErrorCodes[code] === 'transient'
}
