import { timingSafeEqual } from 'node:crypto'
import express from 'express'
import type { RequestHandler, Router } from 'express'
import { armDeadline } from '../armDeadline.js'
import { backupBodySchemas } from '../backupBodySchemas.js'
import type { RouterContext } from '../createRouterContext.js'
import { HttpError } from '../../errors/HttpError.js'
import { parseBody } from '../parseBody.js'
import { readJsonBody } from '../readJsonBody.js'
import { sealContext } from '../../sealing/sealContext.js'
import { sendJsonText } from '../sendJsonText.js'
import { sha256Digest } from '../sha256Digest.js'
import { UNKNOWN_METHOD } from '../../../core/clients/WalletAdapter.js'

const custodianContext = sealContext.custodian

/**
 * The provider's custodian webhook: `POST /webhook/backup` stores a share, `POST /webhook/backup/fetch` returns
 * every share of the client. Authenticated by `X-Webhook-Secret` (and the optional IP allowlist).
 *
 * The fetch answers 404 `not_found` when the client has no custodian share, so a validation call after a failed
 * store is seen as a failure rather than as an empty success.
 */
export function webhookRoutes(context: RouterContext): Router {
  const { store, cipher, emit, secretFailures, allowlist } = context

  const webhookGuard: RequestHandler = async (req, res, next) => {
    const address = req.ip ?? req.socket.remoteAddress ?? ''
    if (allowlist && !allowlist(address)) return next(new HttpError(403, 'forbidden'))
    // Guessing the secret costs the guesser's address its budget; once spent, guesses are not even checked.
    const spent = await secretFailures?.check(address)
    if (spent && !spent.allowed) {
      emit('rate_limited', null, null)
      res.setHeader('Retry-After', String(spent.retryAfterSec))
      return next(new HttpError(429, 'rate_limited'))
    }
    const provided = req.get('x-webhook-secret')
    // Comparing digests keeps the comparison constant-time and independent of the secret's length.
    if (provided === undefined || !timingSafeEqual(sha256Digest(provided), context.secretDigest)) {
      await secretFailures?.take(address)
      emit('auth.unauthorized', null, null)
      return next(new HttpError(401, 'unauthorized'))
    }
    // The provider gives up after 10 s; answering 503 first lets it retry instead of recording a hang.
    armDeadline(req, res, context.webhookDeadlineMs)
    next()
  }

  const router = express.Router()

  router.post('/webhook/backup', webhookGuard, async (req, res) => {
    const body = parseBody(backupBodySchemas.webhookBackup, await readJsonBody(req, context.bodyBytes))
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
    const { clientId } = parseBody(backupBodySchemas.webhookFetch, await readJsonBody(req, context.bodyBytes))
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
      const share = context.openOrSkip(
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

  return router
}
