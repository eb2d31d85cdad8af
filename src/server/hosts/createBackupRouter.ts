import type { NextFunction, Request, RequestHandler, Response } from 'express'
import type { BackupRouterOptions } from '../http/BackupRouterOptions.js'
import { createBackupHandler } from '../http/createBackupHandler.js'
import type { BackupHandler } from '../http/createBackupHandler.js'
import { nodeRequest, writeNodeResponse } from './nodeRequest.js'

/**
 * The share server for express: the owner's encrypted client backup (`/clients/:clientId/backup`) and the
 * provider's custodian webhook (`/webhook/backup`, `/webhook/backup/fetch`). Mount it under any prefix
 * (`app.use('/api', createBackupRouter(options))`); other paths fall through to the app's next handlers.
 * The contract is written down in openapi/share-server.yaml; every behaviour is the core's (`src/server/http/`),
 * the same on every host. The caller's address is express's `req.ip` (so `trust proxy` applies).
 *
 * Client backups carry a strong `ETag` (GET, and a POST that stored). A POST with `If-Match` (`*` or strong
 * tags) replaces the row only if it still holds that revision, checked atomically with the write; otherwise
 * 412 `precondition_failed` and nothing is stored. An Idempotency-Key replay is answered before the check.
 *
 * express is not imported: the router is a plain middleware function, so `react-mpc-backup/server` loads without it.
 */
export function createBackupRouter(options: BackupRouterOptions): RequestHandler & Pick<BackupHandler, 'ready'> {
  const handle = createBackupHandler(options)
  const router = (req: Request, res: Response, next: NextFunction) => {
    // A body an app-level parser (express.json() before the router) already read is used as it is.
    const parsed = (req as Request & { _body?: boolean })._body ? { value: req.body as unknown } : undefined
    const request = nodeRequest(req, req.url, req.ip ?? req.socket.remoteAddress, parsed)
    handle(request).then((answer) => {
      if (answer === undefined) return next()
      if (!res.headersSent) writeNodeResponse(res, answer)
    }, next)
  }
  // `await router.ready()` before `app.listen`: start-up fails loudly instead of at the first request.
  return Object.assign(router, { ready: handle.ready })
}
