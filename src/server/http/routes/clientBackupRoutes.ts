import express from 'express'
import type { RequestHandler, Router } from 'express'
import { armDeadline } from '../armDeadline.js'
import type { RouterContext } from '../createRouterContext.js'
import { eraseClientBackup } from './eraseClientBackup.js'
import { readClientBackup } from './readClientBackup.js'
import { storeClientBackup } from './storeClientBackup.js'

/**
 * The owner's encrypted client backup: `POST`, `GET` and `DELETE /clients/:clientId/backup`, owner only, with
 * Idempotency-Key replays, strong ETags and `If-Match` conditional writes.
 */
export function clientBackupRoutes(context: RouterContext): Router {
  const clientDeadline: RequestHandler = (req, res, next) => {
    armDeadline(req, res, context.requestDeadlineMs)
    next()
  }
  const router = express.Router()
  router.post('/clients/:clientId/backup', clientDeadline, storeClientBackup(context))
  router.get('/clients/:clientId/backup', clientDeadline, readClientBackup(context))
  router.delete('/clients/:clientId/backup', clientDeadline, eraseClientBackup(context))
  return router
}
