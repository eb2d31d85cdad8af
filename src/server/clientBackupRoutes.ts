import express from 'express'
import type { Request, RequestHandler, Response, Router } from 'express'
import { armDeadline } from './armDeadline.js'
import { backupBodySchemas } from './backupBodySchemas.js'
import type { IdempotencyRecord, StoredBackup } from './BackupStore.js'
import type { RouterContext } from './createRouterContext.js'
import { fieldsOf } from './fieldsOf.js'
import { HttpError } from './HttpError.js'
import { ifMatchCondition } from './ifMatchCondition.js'
import { parseBody } from './parseBody.js'
import { readJsonBody } from './readJsonBody.js'
import { revisionOf } from './revisionOf.js'
import { sealContext } from './sealContext.js'
import { sendJsonText } from './sendJsonText.js'
import { sha256Digest } from './sha256Digest.js'
import { UNKNOWN_METHOD } from './UNKNOWN_METHOD.js'

const { CLIENT_ID, JSON_TYPE } = backupBodySchemas
const clientContext = sealContext.client

/**
 * The owner's encrypted client backup: `POST` and `GET /clients/:clientId/backup`, owner only, with
 * Idempotency-Key replays, strong ETags and `If-Match` conditional writes.
 */
export function clientBackupRoutes(context: RouterContext): Router {
  const { store, cipher, emit, limiter } = context

  // Client routes insist on a JSON content type: browsers cannot send it cross-site without a CORS preflight,
  // which closes the form-post CSRF path for cookie-based `authenticate` functions.
  const requireJsonType = (req: Request) => {
    const type = req.headers['content-type']
    if (type === undefined || !JSON_TYPE.test(type)) throw new HttpError(415, 'unsupported_media_type')
  }

  /** The signed-in owner of `:clientId`, after the caller's rate limit; throws the answer otherwise. */
  const authorize = async (req: Request, res: Response): Promise<string> => {
    const requested = req.params.clientId ?? ''
    let caller: string | undefined | null
    try {
      caller = await context.authenticate(req)
    } catch {
      caller = undefined
    }
    if (typeof caller !== 'string' || caller.length === 0) {
      emit('auth.unauthorized', null, null)
      throw new HttpError(401, 'unauthorized')
    }
    // Only a well-formed clientId can own a backup; anything else (e.g. junk in a dev header) is refused before it
    // can become a rate-limit bucket.
    if (!CLIENT_ID.test(caller)) {
      if (caller === requested) throw new HttpError(400, 'invalid_client_id')
      emit('auth.unauthorized', null, null)
      throw new HttpError(401, 'unauthorized')
    }
    // Keyed by the caller, before the owner check: probing other ids spends the prober's own tokens.
    if (limiter) {
      const decision = limiter.take(caller)
      if (!decision.allowed) {
        emit('rate_limited', caller, null)
        res.setHeader('Retry-After', String(decision.retryAfterSec))
        throw new HttpError(429, 'rate_limited')
      }
    }
    if (caller !== requested) {
      emit('auth.forbidden', caller, null)
      throw new HttpError(403, 'forbidden')
    }
    if (!CLIENT_ID.test(requested)) throw new HttpError(400, 'invalid_client_id')
    return requested
  }

  const clientDeadline: RequestHandler = (req, res, next) => {
    armDeadline(req, res, context.requestDeadlineMs)
    next()
  }

  const replay = (res: Response, previous: IdempotencyRecord, request: string, clientId: string, method: string) => {
    // Any configured key's fingerprint (a key rotated within the record's life), or the unkeyed hash that records
    // written before keyed fingerprints hold until they expire.
    const same =
      cipher.mac(request).includes(previous.fingerprint) ||
      previous.fingerprint === sha256Digest(request).toString('hex')
    if (!same) throw new HttpError(422, 'idempotency_key_reused')
    emit('backup.replayed', clientId, method)
    res.set('Idempotent-Replayed', 'true')
    sendJsonText(res, previous.status, previous.body)
  }

  /** The newest of the client's rows that opens, starting with `latest`; 500 when none does. */
  const latestReadable = async (clientId: string, latest: StoredBackup): Promise<[StoredBackup, string]> => {
    const first = context.openOrSkip(
      () => cipher.open(latest, clientContext(clientId, latest.backupMethod)),
      'client',
      clientId,
      latest.backupMethod,
    )
    if (first !== undefined) return [latest, first]
    for (const row of await store.list({ clientId })) {
      if (row.backupMethod === latest.backupMethod) continue
      const text = context.openOrSkip(
        () => cipher.open(row, clientContext(clientId, row.backupMethod)),
        'client',
        clientId,
        row.backupMethod,
      )
      if (text !== undefined) return [row, text]
    }
    throw new HttpError(500, 'storage_key_mismatch')
  }

  const router = express.Router()

  router.post('/clients/:clientId/backup', clientDeadline, async (req, res) => {
    const clientId = await authorize(req, res)
    requireJsonType(req)
    const body = parseBody(backupBodySchemas.clientBackup, await readJsonBody(req, context.bodyBytes))
    if (res.headersSent) return
    const cipherText = 'cipherText' in body ? body.cipherText : body.backupShare
    const backupMethod = body.backupMethod ?? UNKNOWN_METHOD
    const keyVersion = body.keyVersion ?? null
    const keyFileId = ('keyFileId' in body ? body.keyFileId : undefined) ?? null
    const googleAccount = ('googleAccount' in body ? body.googleAccount : undefined) ?? null

    const condition = ifMatchCondition(req.get('if-match'))
    const idemHeader = req.get('idempotency-key')
    const request = JSON.stringify([backupMethod, keyVersion, cipherText])
    let idempotency: IdempotencyRecord | undefined
    const storedAt = new Date()
    const answer = JSON.stringify({ backupMethod, storedAt: storedAt.toISOString() })
    if (idemHeader !== undefined) {
      const key = backupBodySchemas.idempotencyKey.safeParse(idemHeader)
      if (!key.success) throw new HttpError(400, 'invalid_idempotency_key')
      // Keyed: an unkeyed hash kept for a day would let anyone with the database confirm a guessed cipherText.
      const fingerprint = cipher.mac(request)[0]!
      const previous = await store.getIdempotency(clientId, key.data, storedAt)
      if (res.headersSent) return
      if (previous) return replay(res, previous, request, clientId, backupMethod)
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
        keyId: sealed.keyId,
        data: sealed.data,
        storedAt,
      },
      idempotency,
      condition,
    )
    // Past the deadline the 503 is already out; the write itself stands (a retry replaces the same row).
    if (res.headersSent) return
    if (result.replayed) return replay(res, result.previous, request, clientId, backupMethod)
    if (result.preconditionFailed) {
      emit('backup.conflict', clientId, backupMethod)
      throw new HttpError(412, 'precondition_failed')
    }
    emit('backup.stored', clientId, backupMethod)
    res.setHeader('ETag', revisionOf(sealed.data))
    sendJsonText(res, 200, answer)
  })

  router.get('/clients/:clientId/backup', clientDeadline, async (req, res) => {
    const clientId = await authorize(req, res)
    const query = backupBodySchemas.getQuery.safeParse(req.query)
    if (!query.success) throw new HttpError(400, 'invalid_query', fieldsOf(query.error))
    let row = await store.get(clientId, query.data.backupMethod)
    if (res.headersSent) return
    if (!row) {
      emit('backup.not_found', clientId, query.data.backupMethod ?? null)
      // A code of its own: clients read only this 404 as "no backup yet" (a missing route is not an empty backup).
      throw new HttpError(404, 'backup_not_found')
    }
    let cipherText: string
    if (query.data.backupMethod !== undefined) {
      const only = row
      cipherText = context.openOrReport(
        () => cipher.open(only, clientContext(clientId, only.backupMethod)),
        clientId,
        only.backupMethod,
      )
    } else {
      // Without a method the answer is the latest row that opens: one unreadable row must not hide the others.
      const readable = await latestReadable(clientId, row)
      if (res.headersSent) return
      ;[row, cipherText] = readable
    }
    emit('backup.read', clientId, row.backupMethod)
    res.setHeader('ETag', revisionOf(row.data))
    sendJsonText(
      res,
      200,
      JSON.stringify({
        cipherText,
        backupMethod: row.backupMethod,
        keyVersion: row.keyVersion,
        ...(row.keyFileId ? { keyFileId: row.keyFileId } : {}),
        ...(row.googleAccount ? { googleAccount: row.googleAccount } : {}),
        storedAt: row.storedAt.toISOString(),
      }),
    )
  })

  return router
}
