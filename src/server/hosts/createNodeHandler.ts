import type { IncomingMessage, ServerResponse as NodeResponse } from 'node:http'
import type { BackupRouterOptions } from '../http/BackupRouterOptions.js'
import { createBackupHandler } from '../http/createBackupHandler.js'
import type { BackupHandler } from '../http/createBackupHandler.js'
import { hostErrorResponse } from '../http/responses.js'
import { HttpError } from '../errors/HttpError.js'
import { forwardedAddress } from './forwardedAddress.js'
import type { TrustProxy } from './forwardedAddress.js'
import { nodeRequest, writeNodeResponse } from './nodeRequest.js'
import { stripBasePath } from './stripBasePath.js'

export interface NodeHandlerOptions extends BackupRouterOptions {
  /** Where the routes are mounted, e.g. `/api` (default: the root). */
  basePath?: string
  /** Proxies in front whose `X-Forwarded-For` is believed (express's `trust proxy` values); default none. */
  trustProxy?: TrustProxy
}

/** A `node:http` listener; `next` (connect-style) gets the requests that are not the kit's. */
export type NodeHandler = ((req: IncomingMessage, res: NodeResponse, next?: (error?: unknown) => void) => void) &
  Pick<BackupHandler, 'ready'>

/**
 * The share server for plain `node:http` (`http.createServer(createNodeHandler(options))`), or any connect-style
 * host. Paths outside `basePath`, or not the kit's, go to `next` when given, else answer 404 `route_not_found`.
 */
export function createNodeHandler(options: NodeHandlerOptions): NodeHandler {
  const handle = createBackupHandler(options)
  const addressOf = forwardedAddress(options.trustProxy)
  const below = stripBasePath(options.basePath)
  const handler = (req: IncomingMessage, res: NodeResponse, next?: (error?: unknown) => void) => {
    const target = below(req.url ?? '/')
    const request = nodeRequest(req, target ?? '/', addressOf(req))
    const answered = target === undefined ? Promise.resolve(undefined) : handle(request)
    answered.then(
      (answer) => {
        if (res.headersSent) return
        if (answer !== undefined) return writeNodeResponse(res, answer)
        if (next) return next()
        writeNodeResponse(res, hostErrorResponse(new HttpError(404, 'route_not_found'), request))
      },
      (error: unknown) => {
        if (next) return next(error)
        if (!res.headersSent) writeNodeResponse(res, hostErrorResponse(new HttpError(500, 'internal_error'), request))
      },
    )
  }
  return Object.assign(handler, { ready: handle.ready })
}
