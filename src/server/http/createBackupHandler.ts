import { HttpError } from '../errors/HttpError.js'
import { checkEncryptionKey } from '../sealing/checkEncryptionKey.js'
import type { EncryptionKeyCheck } from '../sealing/checkEncryptionKey.js'
import type { BackupRouterOptions } from './BackupRouterOptions.js'
import { createRouterContext } from './createRouterContext.js'
import type { RouterContext } from './createRouterContext.js'
import { SECURITY_HEADERS, errorResponse } from './responses.js'
import { eraseClientBackup } from './routes/eraseClientBackup.js'
import { readClientBackup } from './routes/readClientBackup.js'
import { storeClientBackup } from './routes/storeClientBackup.js'
import { webhookRoutes } from './routes/webhookRoutes.js'
import type { ServerRequest, ServerResponse } from './ServerRequest.js'
import { toHttpError } from './toHttpError.js'
import { withDeadline } from './withDeadline.js'

/**
 * The share server's core: answers a {@link ServerRequest} for one of its routes, or `undefined` when the request is
 * not one of them (the host then falls through to the app's other routes, or answers 404).
 */
export type BackupHandler = ((request: ServerRequest) => Promise<ServerResponse | undefined>) & {
  /**
   * Checks everything that can be checked before serving: the options, the store (driver loaded, database reachable
   * and migrated) and, unless `checkEncryptionKey: false`, that the encryption key opens the stored rows. Resolves
   * with the key check's report; rejects with a ServerConfigError naming the fix. Call it before listening (or from
   * Next's `instrumentation.ts`); without it, the first request runs it, and until it passes every request answers
   * 503 `not_ready` (the reason logged).
   */
  ready(): Promise<EncryptionKeyCheck | undefined>
}

const CLIENT_BACKUP = /^\/clients\/([^/]+)\/backup\/?$/i
const WEBHOOK_BACKUP = /^\/webhook\/backup\/?$/i
const WEBHOOK_FETCH = /^\/webhook\/backup\/fetch\/?$/i

/** The core's routes, dispatched by name (no closure or tuple per request), and their labels for logs. */
type Route = 'storeBackup' | 'readBackup' | 'eraseBackup' | 'storeShare' | 'fetchShares'
const ROUTE_LABELS: Readonly<Record<Route, string>> = {
  storeBackup: '/clients/:clientId/backup',
  readBackup: '/clients/:clientId/backup',
  eraseBackup: '/clients/:clientId/backup',
  storeShare: '/webhook/backup',
  fetchShares: '/webhook/backup/fetch',
}

/**
 * Builds the core over resolved options. Every behaviour of the share routes and the custodian webhook lives here:
 * authentication, validation, size limits, sealing, idempotency, `If-Match`, rate limits, deadlines, error codes,
 * security headers and events. The host adapters only translate requests and answers.
 */
export function backupHandlerOf(context: RouterContext): BackupHandler {
  const store = storeClientBackup(context)
  const read = readClientBackup(context)
  const erase = eraseClientBackup(context)
  const webhook = webhookRoutes(context)

  /** The route a request is for (its label for logs is ROUTE_LABELS[route]); undefined when none. */
  const routeOf = (method: string, path: string): Route | undefined => {
    if (CLIENT_BACKUP.test(path)) {
      if (method === 'POST') return 'storeBackup'
      if (method === 'DELETE') return 'eraseBackup'
      return method === 'GET' || method === 'HEAD' ? 'readBackup' : undefined
    }
    if (method !== 'POST') return undefined
    if (WEBHOOK_BACKUP.test(path)) return 'storeShare'
    return WEBHOOK_FETCH.test(path) ? 'fetchShares' : undefined
  }

  const run = (route: Route, request: ServerRequest): Promise<ServerResponse> => {
    if (route === 'storeShare') return webhook.storeShare(request)
    if (route === 'fetchShares') return webhook.fetchShares(request)
    let clientId: string
    try {
      clientId = decodeURIComponent(CLIENT_BACKUP.exec(request.path)![1]!)
    } catch {
      throw new HttpError(400, 'invalid_path')
    }
    const client = route === 'storeBackup' ? store : route === 'eraseBackup' ? erase : read
    // Counted from the route's start: a slow authenticate, a trickling body, or a sick database.
    return withDeadline(context.requestDeadlineMs, (deadline) => client(request, clientId, deadline))
  }

  // Memoised once it passes; a failure is checked again by the next request (the database may come up).
  let checked: Promise<EncryptionKeyCheck | undefined> | undefined
  let isReady = false
  const ready = () =>
    (checked ??= (async () => {
      await context.store.ready?.()
      const report =
        context.checkEncryptionKey === false
          ? undefined
          : await checkEncryptionKey({ store: context.store, encryptionKey: context.encryptionKey })
      isReady = true
      return report
    })().catch((error: unknown) => {
      checked = undefined
      throw error
    }))

  const handle = async (request: ServerRequest) => {
    const route = routeOf(request.method, request.path)
    if (route === undefined) return undefined
    let answer: ServerResponse
    try {
      if (!isReady) await ready()
      answer = await run(route, request)
    } catch (error) {
      const where = { method: request.method, route: ROUTE_LABELS[route] }
      answer = errorResponse(toHttpError(error, where, context.logger), request)
    }
    Object.assign(answer.headers, SECURITY_HEADERS)
    return answer
  }
  return Object.assign(handle, { ready })
}

/** The share server's core over `options` (checked now: a bad option throws a ServerConfigError). */
export function createBackupHandler(options: BackupRouterOptions): BackupHandler {
  return backupHandlerOf(createRouterContext(options))
}
