/**
 * The error codes the kit's server sends in `{ error: { code } }`: one vocabulary on both ends of the wire. The
 * server (`react-mpc-backup/server`) answers with these; the client's share API reads them rather than guessing from
 * the status. No Node or React import here: both entries use this module.
 */
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
  'unauthorized',
  'forbidden',
  'not_found',
  'backup_not_found',
  'route_not_found',
  'precondition_failed',
  'timeout',
  'rate_limited',
  'storage_key_mismatch',
  'internal_error',
] as const

export type ServerErrorCode = (typeof serverErrorCodes)[number]

const known: ReadonlySet<string> = new Set(serverErrorCodes)

/** The code of a server error body (`{ error: { code } }`), when it is one of ours. */
export function serverErrorCodeOf(body: unknown): ServerErrorCode | undefined {
  const code = (body as { error?: { code?: unknown } } | null | undefined)?.error?.code
  return typeof code === 'string' && known.has(code) ? (code as ServerErrorCode) : undefined
}
