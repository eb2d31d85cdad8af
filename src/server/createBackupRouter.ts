import { createHash, timingSafeEqual } from 'node:crypto'
import { BlockList, isIP } from 'node:net'
import express from 'express'
import type { NextFunction, Request, RequestHandler, Response, Router } from 'express'
import { z } from 'zod'
import type { BackupStore, IdempotencyRecord, PutCondition, StoredBackup } from './BackupStore.js'
import { encryptAtRest } from './encryptAtRest.js'
import type { EncryptionKeyConfig } from './encryptAtRest.js'
import { parseIpRange } from './parseIpRange.js'
import { createRateLimiter } from './rateLimiter.js'
import type { RateLimit } from './rateLimiter.js'
import { BodyReadError, readJsonBody } from './readJsonBody.js'
import { revisionOf } from './revisionOf.js'
import { sealContext } from './sealContext.js'
import { StorageKeyMismatchError } from './StorageKeyMismatchError.js'
import type { ServerErrorCode } from '../core/serverErrorCodes.js'

/** Resolves the signed-in caller's clientId; throwing (or returning nothing) means 401. */
export type Authenticate = (req: Request) => string | undefined | null | Promise<string | undefined | null>

export type BackupEventType =
  | 'backup.stored'
  | 'backup.replayed'
  | 'backup.conflict'
  | 'backup.read'
  | 'backup.not_found'
  | 'webhook.stored'
  | 'webhook.fetched'
  | 'webhook.not_found'
  | 'auth.unauthorized'
  | 'auth.forbidden'
  | 'rate_limited'
  | 'storage_key_mismatch'

/** What the router reports about its work: never bodies, shares or secrets. */
export interface BackupEvent {
  type: BackupEventType
  clientId: string | null
  method: string | null
}

export interface BackupRouterLimits {
  /** Largest JSON body accepted, in bytes (default 64 kB); larger -> 413. */
  bodyBytes?: number
  /** How long an Idempotency-Key's first answer is replayed (default 24 h). */
  idempotencyTtlMs?: number
  /** Webhook requests answer 503 after this long (default 8 s), inside the provider's 10 s window. */
  webhookDeadlineMs?: number
  /**
   * Client routes (`/clients/:clientId/backup`) answer 503 `timeout` after this long (default 10 s), counted
   * from the route's start: a slow authenticate, a body that trickles in, or a sick database. A request whose
   * body had not fully arrived is answered with `Connection: close`, so the socket is released.
   */
  requestDeadlineMs?: number
  /**
   * Token bucket per authenticated clientId on the client routes (POST and GET share one bucket); over it
   * -> 429 `rate_limited` with `Retry-After` (seconds). Default `{ perMinute: 60, burst: 20 }`; `false` turns it
   * off. In memory and per process.
   */
  rate?: RateLimit | false
  /**
   * Wrong `X-Webhook-Secret`s per caller address (`req.ip`): past this budget the address gets 429 `rate_limited`
   * (the secret not even checked) until it refills. Default `{ perMinute: 10, burst: 20 }`; `false` turns it off.
   */
  webhookFailures?: RateLimit | false
}

export interface BackupRouterOptions {
  store: BackupStore
  authenticate: Authenticate
  /** Compared with the `X-Webhook-Secret` header of every webhook request. */
  webhookSecret: string
  encryptionKey: EncryptionKeyConfig
  limits?: BackupRouterLimits
  onEvent?: (event: BackupEvent) => void
  /** IPs or CIDR ranges allowed to call the webhook (the provider's fixed IPs); all when absent. Uses `req.ip`. */
  webhookAllowlist?: readonly string[]
  /** Where storage failures are reported (default console.error). Messages carry ids only, never content. */
  logger?: { error(message: string): void }
}

const CLIENT_ID = /^[A-Za-z0-9._:@|-]{1,200}$/
const clientIdSchema = z.string().regex(CLIENT_ID)
const JSON_TYPE = /^\s*application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i
// Provider methods are free strings such as "GDRIVE-SECP256K1"; keep them as sent.
const methodSchema = z.string().regex(/^[A-Za-z0-9._:-]{1,64}$/)
const keyVersionSchema = z.union([z.string().min(1).max(128), z.number().int().min(0).max(Number.MAX_SAFE_INTEGER)])
// Drive file ids are URL-safe base64-like strings; the id is not secret (useless without the owner's token).
const keyFileIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,256}$/)
// Drive's about.user.permissionId and the account email: not secret, used only to pre-select the account at recovery.
const googleAccountSchema = z.object({
  permissionId: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/),
  email: z
    .string()
    .max(320)
    .regex(/^[^\s@]+@[^\s@]+$/),
})
const idempotencyKeySchema = z.string().regex(/^[\x21-\x7e]{1,255}$/)

const clientBackupBody = z.union([
  z.object({
    backupMethod: methodSchema,
    cipherText: z.string().min(1),
    keyVersion: keyVersionSchema.nullish(),
    keyFileId: keyFileIdSchema.nullish(),
    googleAccount: googleAccountSchema.nullish(),
  }),
  // Legacy SDKs post `{ backupShare }` without a method.
  z.object({
    backupShare: z.string().min(1),
    backupMethod: methodSchema.nullish(),
    keyVersion: keyVersionSchema.nullish(),
  }),
])
const webhookBackupBody = z.object({
  clientId: clientIdSchema,
  share: z.string().min(1),
  backupMethod: methodSchema.nullish(),
})
const webhookFetchBody = z.object({ clientId: clientIdSchema })
const getQuery = z.object({ backupMethod: methodSchema.optional() })

export const UNKNOWN_METHOD = 'UNKNOWN'

/** Thrown inside the router to answer with a stable error code; only the code and field names reach the client. */
class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: ServerErrorCode,
    readonly fields?: string[],
  ) {
    super(code)
  }
}

/**
 * The app's side of MPC backups: the owner's encrypted client backup (`/clients/:clientId/backup`) and the
 * provider's custodian webhook (`/webhook/backup`, `/webhook/backup/fetch`). Mount it under any prefix.
 *
 * The webhook fetch answers 404 `not_found` when the client has no custodian share, so a validation call
 * after a failed store is seen as a failure rather than as an empty success.
 *
 * Client backups carry a strong `ETag` (GET, and a POST that stored). A POST with `If-Match` (`*` or strong
 * tags) replaces the row only if it still holds that revision, checked atomically with the write; otherwise
 * 412 `precondition_failed` and nothing is stored. An Idempotency-Key replay is answered before the check.
 */
export function createBackupRouter(options: BackupRouterOptions): Router {
  const { store, authenticate, onEvent } = options
  if (typeof options.webhookSecret !== 'string' || options.webhookSecret.length === 0) {
    throw new TypeError('createBackupRouter: webhookSecret must be a non-empty string')
  }
  const cipher = encryptAtRest(options.encryptionKey)
  const secretDigest = sha256(options.webhookSecret)
  const bodyBytes = options.limits?.bodyBytes ?? 64 * 1024
  const idempotencyTtlMs = options.limits?.idempotencyTtlMs ?? 24 * 60 * 60 * 1000
  const webhookDeadlineMs = options.limits?.webhookDeadlineMs ?? 8_000
  const requestDeadlineMs = options.limits?.requestDeadlineMs ?? 10_000
  const rateOption = options.limits?.rate ?? { perMinute: 60, burst: 20 }
  const limiter = rateOption === false ? undefined : createRateLimiter(rateOption)
  const failureOption = options.limits?.webhookFailures ?? { perMinute: 10, burst: 20 }
  const secretFailures = failureOption === false ? undefined : createRateLimiter(failureOption)
  const logger = options.logger ?? console
  const allowlist = options.webhookAllowlist ? buildAllowlist(options.webhookAllowlist) : undefined

  const emit = (type: BackupEventType, clientId: string | null, method: string | null) => {
    if (!onEvent) return
    try {
      onEvent({ type, clientId, method })
    } catch {
      // An observer must never break a backup.
    }
  }

  const { client: clientContext, custodian: custodianContext } = sealContext

  // Client routes insist on a JSON content type: browsers cannot send it cross-site without a CORS preflight,
  // which closes the form-post CSRF path for cookie-based `authenticate` functions. The provider's webhook is
  // authenticated by its secret; its body is read whatever content type it labels.
  const requireJsonType = (req: Request) => {
    const type = req.headers['content-type']
    if (type === undefined || !JSON_TYPE.test(type)) throw new HttpError(415, 'unsupported_media_type')
  }

  /** The signed-in owner of `:clientId`, after the caller's rate limit; throws the answer otherwise. */
  const authorize = async (req: Request, res: Response): Promise<string> => {
    const requested = req.params.clientId ?? ''
    let caller: string | undefined | null
    try {
      caller = await authenticate(req)
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

  const webhookGuard: RequestHandler = (req, res, next) => {
    const address = req.ip ?? req.socket.remoteAddress ?? ''
    if (allowlist && !allowlist(address)) return next(new HttpError(403, 'forbidden'))
    // Guessing the secret costs the guesser's address its budget; once spent, guesses are not even checked.
    const spent = secretFailures?.check(address)
    if (spent && !spent.allowed) {
      emit('rate_limited', null, null)
      res.setHeader('Retry-After', String(spent.retryAfterSec))
      return next(new HttpError(429, 'rate_limited'))
    }
    const provided = req.get('x-webhook-secret')
    // Comparing digests keeps the comparison constant-time and independent of the secret's length.
    if (provided === undefined || !timingSafeEqual(sha256(provided), secretDigest)) {
      secretFailures?.take(address)
      emit('auth.unauthorized', null, null)
      return next(new HttpError(401, 'unauthorized'))
    }
    // The provider gives up after 10 s; answering 503 first lets it retry instead of recording a hang.
    armDeadline(req, res, webhookDeadlineMs)
    next()
  }
  const clientDeadline: RequestHandler = (req, res, next) => {
    armDeadline(req, res, requestDeadlineMs)
    next()
  }

  const router = express.Router()
  router.use((_req, res, next) => {
    // Shares and cipherTexts must not sit in caches between the server and the client.
    res.setHeader('Cache-Control', 'no-store')
    next()
  })

  router.post('/clients/:clientId/backup', clientDeadline, async (req, res) => {
    const clientId = await authorize(req, res)
    requireJsonType(req)
    const body = parse(clientBackupBody, await readJsonBody(req, bodyBytes))
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
      const key = idempotencyKeySchema.safeParse(idemHeader)
      if (!key.success) throw new HttpError(400, 'invalid_idempotency_key')
      // Keyed: an unkeyed hash kept for a day would let anyone with the database confirm a guessed cipherText.
      const fingerprint = cipher.mac(request)[0]!
      // No read of the key first: store.put answers a live record as a replay, in the same round trip as the write.
      idempotency = {
        clientId,
        key: key.data,
        fingerprint,
        status: 200,
        body: answer,
        expiresAt: new Date(storedAt.getTime() + idempotencyTtlMs),
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
    const query = getQuery.safeParse(req.query)
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
      cipherText = openOrReport(
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

  router.post('/webhook/backup', webhookGuard, async (req, res) => {
    const body = parse(webhookBackupBody, await readJsonBody(req, bodyBytes))
    if (res.headersSent) return
    const backupMethod = body.backupMethod ?? UNKNOWN_METHOD
    const sealed = cipher.seal(body.share, custodianContext(body.clientId, backupMethod))
    await store.putWebhook({
      clientId: body.clientId,
      backupMethod,
      keyId: sealed.keyId,
      data: sealed.data,
      storedAt: new Date(),
    })
    if (res.headersSent) return
    emit('webhook.stored', body.clientId, backupMethod)
    // Portal's self-managed backup docs ask for a 200 on success; anything else is FAILED_WEBHOOK.
    sendJsonText(res, 200, '{}')
  })

  router.post('/webhook/backup/fetch', webhookGuard, async (req, res) => {
    const { clientId } = parse(webhookFetchBody, await readJsonBody(req, bodyBytes))
    if (res.headersSent) return
    const rows = await store.listWebhook({ clientId })
    if (res.headersSent) return
    if (rows.length === 0) {
      emit('webhook.not_found', clientId, null)
      throw new HttpError(404, 'not_found')
    }
    // Every share that opens is returned; each one that does not is reported and left out, so one bad row never
    // hides a client's other shares (the provider needs all of them, one per curve).
    const backupShares: string[] = []
    for (const row of rows) {
      const share = openOrSkip(
        () => cipher.open(row, custodianContext(clientId, row.backupMethod)),
        'custodian',
        clientId,
        row.backupMethod,
      )
      if (share !== undefined) backupShares.push(share)
    }
    if (backupShares.length === 0) throw new HttpError(500, 'storage_key_mismatch')
    emit('webhook.fetched', clientId, null)
    sendJsonText(res, 200, JSON.stringify({ backupShares, backupShare: backupShares[0] }))
  })

  router.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (res.headersSent) return
    sendError(req, res, toHttpError(error, req, logger))
  })

  return router

  function replay(res: Response, previous: IdempotencyRecord, request: string, clientId: string, method: string) {
    // Any configured key's fingerprint (a key rotated within the record's life), or the unkeyed hash that records
    // written before keyed fingerprints hold until they expire.
    const same =
      cipher.mac(request).includes(previous.fingerprint) || previous.fingerprint === sha256(request).toString('hex')
    if (!same) throw new HttpError(422, 'idempotency_key_reused')
    emit('backup.replayed', clientId, method)
    res.set('Idempotent-Replayed', 'true')
    sendJsonText(res, previous.status, previous.body)
  }

  /** The newest of the client's rows that opens, starting with `latest`; 500 when none does. */
  async function latestReadable(clientId: string, latest: StoredBackup): Promise<[StoredBackup, string]> {
    const first = openOrSkip(
      () => cipher.open(latest, clientContext(clientId, latest.backupMethod)),
      'client',
      clientId,
      latest.backupMethod,
    )
    if (first !== undefined) return [latest, first]
    for (const row of await store.list({ clientId })) {
      if (row.backupMethod === latest.backupMethod) continue
      const text = openOrSkip(
        () => cipher.open(row, clientContext(clientId, row.backupMethod)),
        'client',
        clientId,
        row.backupMethod,
      )
      if (text !== undefined) return [row, text]
    }
    throw new HttpError(500, 'storage_key_mismatch')
  }

  /** Opens a row, or reports it (event and log line, ids only) and returns undefined when its key does not open it. */
  function openOrSkip(
    open: () => string,
    kind: 'client' | 'custodian',
    clientId: string,
    method: string,
  ): string | undefined {
    try {
      return open()
    } catch (error) {
      if (!(error instanceof StorageKeyMismatchError)) throw error
      emit('storage_key_mismatch', clientId, method)
      logger.error(
        `[react-mpc-backup] ${error.code}: ${kind} row of client ${clientId}, method ${method}: ${error.message}`,
      )
      return undefined
    }
  }

  function openOrReport(open: () => string, clientId: string, method: string): string {
    try {
      return open()
    } catch (error) {
      if (error instanceof StorageKeyMismatchError) emit('storage_key_mismatch', clientId, method)
      throw error
    }
  }
}

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value)
  if (!result.success) throw new HttpError(400, 'invalid_body', fieldsOf(result.error))
  return result.data
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

function fieldsOf(error: z.ZodError): string[] {
  // Field paths only: values (which may be shares) never go back to the caller.
  return [...new Set(error.issues.map((issue) => issue.path.map(String).join('.') || '(root)'))].slice(0, 10)
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest()
}

function toHttpError(error: unknown, req: Request, logger: { error(message: string): void }): HttpError {
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

// res.send would hash every body for an ETag; these answers are no-store, so the hash is wasted work.
function sendJsonText(res: Response, status: number, body: string): void {
  res.statusCode = status
  res.setHeader('Content-Type', 'application/json; charset=utf-8')
  res.setHeader('Content-Length', Buffer.byteLength(body))
  res.end(body)
}

function sendError(req: Request, res: Response, error: HttpError): void {
  // A body we did not read to its end (too large, refused early, or still trickling in at a deadline) is not
  // worth reading now: close the connection after the answer instead.
  if (!req.complete) res.setHeader('Connection', 'close')
  const body =
    error.fields && error.fields.length > 0 ? { code: error.code, fields: error.fields } : { code: error.code }
  sendJsonText(res, error.status, JSON.stringify({ error: body }))
}

/** Answers 503 `timeout` if nothing was sent within `ms`; the handler checks `res.headersSent` after each await. */
function armDeadline(req: Request, res: Response, ms: number): void {
  const timer = setTimeout(() => {
    if (!res.headersSent) sendError(req, res, new HttpError(503, 'timeout'))
  }, ms)
  timer.unref()
  const clear = () => clearTimeout(timer)
  res.once('close', clear)
  res.once('finish', clear)
}

function buildAllowlist(entries: readonly string[]): (ip: string) => boolean {
  const list = new BlockList()
  for (const entry of entries) {
    const { address, prefix, type } = parseIpRange(entry, 'webhookAllowlist')
    if (prefix === undefined) list.addAddress(address, type)
    else list.addSubnet(address, prefix, type)
  }
  return (ip) => {
    // Dual-stack sockets report IPv4 peers as ::ffff:a.b.c.d.
    const plain = ip.startsWith('::ffff:') && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip
    const family = isIP(plain)
    if (family === 0) return false
    return list.check(plain, family === 6 ? 'ipv6' : 'ipv4')
  }
}
