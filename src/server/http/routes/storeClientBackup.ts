import { UNKNOWN_METHOD } from '../../../core/clients/WalletAdapter.js'
import { HttpError } from '../../errors/HttpError.js'
import { sealContext } from '../../sealing/sealContext.js'
import type { IdempotencyRecord, PutCondition } from '../../store/BackupStore.js'
import { revisionOf } from '../../store/revisionOf.js'
import { authorizeOwner } from '../authorizeOwner.js'
import { backupBodySchemas, parseBody } from '../backupBodySchemas.js'
import type { RouterContext } from '../createRouterContext.js'
import { idempotencyFingerprint } from '../idempotencyFingerprint.js'
import { jsonResponse } from '../responses.js'
import { readJsonBody } from '../readJsonBody.js'
import type { ServerRequest, ServerResponse } from '../ServerRequest.js'
import { DROPPED } from '../withDeadline.js'
import type { Deadline } from '../withDeadline.js'

const { JSON_TYPE } = backupBodySchemas
const clientContext = sealContext.client
/**
 * `POST /clients/:clientId/backup`: stores (replaces) the owner's backup of one method. An Idempotency-Key replay is
 * answered first; an `If-Match` condition is checked by the store atomically with the write.
 */
export function storeClientBackup(context: RouterContext) {
  const { store, cipher, emit } = context

  return async (request: ServerRequest, pathClientId: string, deadline: Deadline): Promise<ServerResponse> => {
    const clientId = await authorizeOwner(context, request, pathClientId)
    // Client routes insist on a JSON content type: browsers cannot send it cross-site without a CORS preflight,
    // which closes the form-post CSRF path for cookie-based `authenticate` functions.
    const type = request.get('content-type')
    if (type === undefined || !JSON_TYPE.test(type)) throw new HttpError(415, 'unsupported_media_type')
    const body = parseBody(backupBodySchemas.clientBackup, await readJsonBody(request, context.bodyBytes))
    if (deadline.expired) return DROPPED
    const cipherText = 'cipherText' in body ? body.cipherText : body.backupShare
    const backupMethod = body.backupMethod ?? UNKNOWN_METHOD
    const keyVersion = body.keyVersion ?? null
    const keyFileId = ('keyFileId' in body ? body.keyFileId : undefined) ?? null
    const googleAccount = ('googleAccount' in body ? body.googleAccount : undefined) ?? null
    const walletBackupId = ('walletBackupId' in body ? body.walletBackupId : undefined) ?? null

    const condition = ifMatchCondition(request.get('if-match'))
    const idemHeader = request.get('idempotency-key')
    let idempotency: IdempotencyRecord | undefined
    const storedAt = new Date()
    const answer = JSON.stringify({ backupMethod, storedAt: storedAt.toISOString() })
    if (idemHeader !== undefined) {
      const key = backupBodySchemas.idempotencyKey.safeParse(idemHeader)
      if (!key.success) throw new HttpError(400, 'invalid_idempotency_key')
      // Every stored field counts (the same key with another keyFileId is another request); keyed: an unkeyed hash
      // kept for a day would let anyone with the database confirm a guessed cipherText.
      const fingerprint = idempotencyFingerprint.of(cipher, body)
      // No read of the key first: store.put answers a live record as a replay, in the same round trip as the write.
      idempotency = {
        clientId,
        key: key.data,
        fingerprint,
        status: 200,
        body: answer,
        expiresAt: new Date(storedAt.getTime() + context.idempotencyTtlMs),
      }
    }

    const sealed = cipher.seal(cipherText, clientContext(clientId, backupMethod))
    const result = await store.put(
      {
        clientId,
        backupMethod,
        keyVersion,
        keyFileId,
        googleAccount,
        walletBackupId,
        keyId: sealed.keyId,
        data: sealed.data,
        storedAt,
      },
      idempotency,
      condition,
    )
    // Past the deadline the 503 is already out; the write itself stands (a retry replaces the same row).
    if (deadline.expired) return DROPPED
    if (result.replayed) {
      // The whole body, under any configured key (one may have rotated within the record's life); records written
      // in an older fingerprint format are compared the way they were made until they expire.
      if (!idempotencyFingerprint.matches(cipher, result.previous.fingerprint, body))
        throw new HttpError(422, 'idempotency_key_reused')
      emit('backup.replayed', clientId, backupMethod)
      return jsonResponse(result.previous.status, result.previous.body, { 'Idempotent-Replayed': 'true' })
    }
    if (result.preconditionFailed) {
      emit('backup.conflict', clientId, backupMethod)
      throw new HttpError(412, 'precondition_failed')
    }
    emit('backup.stored', clientId, backupMethod)
    return jsonResponse(200, answer, { ETag: revisionOf(sealed.data) })
  }
}

/**
 * `If-Match` as a store condition: `*`, or the strong tags listed. Weak tags never match (strong comparison);
 * a value with no strong tag in it still conditions the write, so it fails rather than writing blind.
 */
function ifMatchCondition(header: string | undefined): PutCondition | undefined {
  if (header === undefined || header.trim() === '') return undefined
  if (header.trim() === '*') return { ifMatch: '*' }
  const tags: string[] = []
  for (const [, weak, tag] of header.matchAll(/(W\/)?("[\x21\x23-\x7e\x80-\xff]*")/g)) {
    if (!weak && tag !== undefined) tags.push(tag)
  }
  return { ifMatch: tags }
}
