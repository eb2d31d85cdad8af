import express from 'express'
import type { NextFunction, Request, Response, Router } from 'express'
import type { BackupRouterOptions } from '../http/BackupRouterOptions.js'
import { clientBackupRoutes } from '../http/routes/clientBackupRoutes.js'
import { createRouterContext } from '../http/createRouterContext.js'
import { sendError } from '../http/sendError.js'
import { toHttpError } from '../http/toHttpError.js'
import { webhookRoutes } from '../http/routes/webhookRoutes.js'

/**
 * The app's side of MPC backups: the owner's encrypted client backup (`/clients/:clientId/backup`) and the
 * provider's custodian webhook (`/webhook/backup`, `/webhook/backup/fetch`). Mount it under any prefix.
 * The contract is written down in openapi/share-server.yaml.
 *
 * Client backups carry a strong `ETag` (GET, and a POST that stored). A POST with `If-Match` (`*` or strong
 * tags) replaces the row only if it still holds that revision, checked atomically with the write; otherwise
 * 412 `precondition_failed` and nothing is stored. An Idempotency-Key replay is answered before the check.
 */
export function createBackupRouter(options: BackupRouterOptions): Router {
  const context = createRouterContext(options)
  const router = express.Router()
  router.use((_req, res, next) => {
    // Shares and cipherTexts must not sit in caches between the server and the client.
    res.setHeader('Cache-Control', 'no-store')
    next()
  })
  router.use(clientBackupRoutes(context))
  router.use(webhookRoutes(context))
  router.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (res.headersSent) return
    sendError(req, res, toHttpError(error, req, context.logger))
  })
  return router
}
