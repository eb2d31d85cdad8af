import type { RequestHandler } from 'express'
import { authorizeOwner } from '../authorizeOwner.js'
import type { RouterContext } from '../createRouterContext.js'
import { HttpError } from '../../errors/HttpError.js'

/**
 * `DELETE /clients/:clientId/backup`: erases the owner's backups of every method (with the Google account they name)
 * and the owner's idempotency records, through `store.erase`. Never the provider's custodian shares: those are the
 * app's to erase (`store.erase(clientId, { custodian: true })`).
 *
 * Always 204 with no body, whether or not anything was stored: a retry after a lost answer (or a second device's
 * erase) must succeed, and the answer then tells nothing the caller could not know. A `backupMethod` query is refused
 * (400 `invalid_query`): the route erases every method, and a caller asking for one must not lose the others unawares.
 *
 * Its logic is the three steps below; the express parts are `req.params` / `req.query` (read by authorizeOwner and
 * here), the `res.headersSent` checks after each wait (the route deadline may have answered 503 meanwhile; the erase
 * then still stands, and a retry is answered 204) and the final 204.
 */
export function eraseClientBackup(context: RouterContext): RequestHandler {
  const { store, emit } = context
  return async (req, res) => {
    const clientId = await authorizeOwner(context, req, res)
    if (req.query.backupMethod !== undefined) throw new HttpError(400, 'invalid_query', ['backupMethod'])
    if (res.headersSent) return
    await store.erase(clientId)
    emit('backup.erased', clientId, null)
    if (res.headersSent) return
    res.statusCode = 204
    res.end()
  }
}
