import { timingSafeEqual } from 'node:crypto'
import { UNKNOWN_METHOD } from '../../../core/clients/WalletAdapter.js'
import { HttpError } from '../../errors/HttpError.js'
import { sealContext } from '../../sealing/sealContext.js'
import { backupBodySchemas, parseBody } from '../backupBodySchemas.js'
import type { RouterContext } from '../createRouterContext.js'
import { jsonResponse } from '../responses.js'
import { readJsonBody } from '../readJsonBody.js'
import type { ServerRequest, ServerResponse } from '../ServerRequest.js'
import { sha256Digest } from '../sha256Digest.js'
import { DROPPED, withDeadline } from '../withDeadline.js'

const custodianContext = sealContext.custodian
/**
 * The provider's custodian webhook: `POST /webhook/backup` stores a share, `POST /webhook/backup/fetch` returns
 * every share of the client. Authenticated by `X-Webhook-Secret` (and the optional IP allowlist).
 *
 * The fetch answers 404 `not_found` when the client has no custodian share, so a validation call after a failed
 * store is seen as a failure rather than as an empty success.
 */
export function webhookRoutes(context: RouterContext) {
  const { store, cipher, emit, secretFailures, allowlist } = context

  /** The allowlist, the wrong-secret budget and the secret itself; throws the answer when one refuses. */
  const guard = async (request: ServerRequest) => {
    const address = request.address ?? ''
    if (allowlist && !allowlist(address)) throw new HttpError(403, 'forbidden')
    // Guessing the secret costs the guesser's address its budget; once spent, guesses are not even checked.
    const spent = await secretFailures?.check(address)
    if (spent && !spent.allowed) {
      emit('rate_limited', null, null)
      throw new HttpError(429, 'rate_limited', undefined, { 'Retry-After': String(spent.retryAfterSec) })
    }
    const provided = request.get('x-webhook-secret')
    // Comparing digests keeps the comparison constant-time and independent of the secret's length.
    if (provided === undefined || !timingSafeEqual(sha256Digest(provided), context.secretDigest)) {
      await secretFailures?.take(address)
      emit('auth.unauthorized', null, null)
      throw new HttpError(401, 'unauthorized')
    }
  }

  const storeShare = async (request: ServerRequest, deadline: { expired: boolean }): Promise<ServerResponse> => {
    const body = parseBody(backupBodySchemas.webhookBackup, await readJsonBody(request, context.bodyBytes))
    if (deadline.expired) return DROPPED
    const backupMethod = body.backupMethod ?? UNKNOWN_METHOD
    const sealed = cipher.seal(body.share, custodianContext(body.clientId, backupMethod))
    await store.putWebhook({
      clientId: body.clientId,
      backupMethod,
      keyId: sealed.keyId,
      data: sealed.data,
      storedAt: new Date(),
    })
    if (deadline.expired) return DROPPED
    emit('webhook.stored', body.clientId, backupMethod)
    // Portal's self-managed backup docs ask for a 200 on success; anything else is FAILED_WEBHOOK.
    return jsonResponse(200, '{}')
  }

  const fetchShares = async (request: ServerRequest, deadline: { expired: boolean }): Promise<ServerResponse> => {
    const { clientId } = parseBody(backupBodySchemas.webhookFetch, await readJsonBody(request, context.bodyBytes))
    if (deadline.expired) return DROPPED
    const rows = await store.listWebhook({ clientId })
    if (deadline.expired) return DROPPED
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
    return jsonResponse(200, JSON.stringify({ backupShares, backupShare: backupShares[0] }))
  }

  /** Guarded and run under the webhook deadline: the provider gives up after 10 s, a 503 first lets it retry. */
  const guarded =
    (route: (request: ServerRequest, deadline: { expired: boolean }) => Promise<ServerResponse>) =>
    (request: ServerRequest): Promise<ServerResponse> =>
      // The guard runs inside the deadline: its wrong-secret budget may live in a database that is slow to answer.
      withDeadline(context.webhookDeadlineMs, async (deadline) => {
        await guard(request)
        return deadline.expired ? DROPPED : route(request, deadline)
      })

  return { storeShare: guarded(storeShare), fetchShares: guarded(fetchShares) }
}
