/**
 * The error codes the kit's server sends in `{ error: { code } }`: one vocabulary on both ends of the wire. The
 * server (`react-mpc-backup/server`) answers with these; the client's share API reads them rather than guessing from
 * the status. No Node or React import here: both entries use this module.
 */
// Each code by whether a retry of the same request can heal it (`final`: a bad request, a missing route or record,
// rows the server cannot decrypt; `refused`: the server said no; `transient`: a retry can succeed). Lists, not a
// code -> kind record: the repeated kind strings cost the client bundle bytes the minifier cannot remove.
const transient = ['timeout', 'rate_limited', 'internal_error', 'not_ready'] as const
const serverErrorCodes = [
  'invalid_json',
  'invalid_path',
  'invalid_request',
  'invalid_body',
  'invalid_client_id',
  'invalid_query',
  'invalid_idempotency_key',
  'idempotency_key_reused',
  'payload_too_large',
  'unsupported_media_type',
  'not_found',
  'backup_not_found',
  'route_not_found',
  'precondition_failed',
  'storage_key_mismatch',
  // refused
  'unauthorized',
  'forbidden',
  ...transient,
] as const

export type ServerErrorCode = (typeof serverErrorCodes)[number]

/** Every code, for documents and checks that must list them all (openapi/share-server.yaml's test). */
export const SERVER_ERROR_CODES: readonly ServerErrorCode[] = serverErrorCodes

/** The code of a server error body (`{ error: { code } }`), when it is one of ours. */
export function serverErrorCodeOf(body: unknown): ServerErrorCode | undefined {
  const code = (body as { error?: { code?: unknown } } | null | undefined)?.error?.code
  return typeof code === 'string' && (serverErrorCodes as readonly string[]).includes(code)
    ? (code as ServerErrorCode)
    : undefined
}

/** Whether repeating the request that got this code can succeed (rate limits, timeouts, internal errors). */
export function isTransientServerCode(code: ServerErrorCode): boolean {
  return (transient as readonly string[]).includes(code)
}
