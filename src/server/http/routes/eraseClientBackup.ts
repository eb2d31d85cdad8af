import { HttpError } from '../../errors/HttpError.js'
import { authorizeOwner } from '../authorizeOwner.js'
import type { RouterContext } from '../createRouterContext.js'
import type { ServerRequest, ServerResponse } from '../ServerRequest.js'
import type { Deadline } from '../withDeadline.js'

const NO_CONTENT: ServerResponse = { status: 204, headers: {}, body: '' }

/**
 * `DELETE /clients/:clientId/backup`: erases the owner's backups of every method (with the Google account they name)
 * and the owner's idempotency records, through `store.erase`. Never the provider's custodian shares: those are the
 * app's to erase (`store.erase(clientId, { custodian: true })`).
 *
 * Always 204 with no body, whether or not anything was stored: a retry after a lost answer (or a second device's
 * erase) must succeed, and the answer then tells nothing the caller could not know. A `backupMethod` query is refused
 * (400 `invalid_query`): the route erases every method, and a caller asking for one must not lose the others unawares.
 * Past the deadline the 503 went first; an erase that started still stands, and a retry is answered 204.
 */
export function eraseClientBackup(context: RouterContext) {
  const { store, emit } = context
  return async (request: ServerRequest, pathClientId: string, deadline: Deadline): Promise<ServerResponse> => {
    const clientId = await authorizeOwner(context, request, pathClientId)
    if (request.query.backupMethod !== undefined) throw new HttpError(400, 'invalid_query', ['backupMethod'])
    if (deadline.expired) return NO_CONTENT
    await store.erase(clientId)
    emit('backup.erased', clientId, null)
    return { ...NO_CONTENT, headers: {} }
  }
}
