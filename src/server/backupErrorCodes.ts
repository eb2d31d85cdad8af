/**
 * Every `error.code` the share server answers with, in one place: the router, the OpenAPI document
 * (openapi/share-server.yaml) and the conformance checker read them from here, so a code cannot be added to one only.
 */
export const backupErrorCodes = [
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

export type BackupErrorCode = (typeof backupErrorCodes)[number]
