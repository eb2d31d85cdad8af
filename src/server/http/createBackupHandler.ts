import { HttpError } from '../errors/HttpError.js'
import { checkEncryptionKey } from '../sealing/checkEncryptionKey.js'
import type { EncryptionKeyCheck } from '../sealing/checkEncryptionKey.js'
import type { BackupRouterOptions } from './BackupRouterOptions.js'
import { createRouterContext } from './createRouterContext.js'
import type { RouterContext } from './createRouterContext.js'
import { errorResponse } from './errorResponse.js'
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

// Every answer of the core: shares and cipherTexts must not sit in caches between the server and the client, and
// nothing it sends is a document to render, frame or sniff.
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
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

  /** The route a request is for, with its label for logs; undefined when none. */
  const route = (request: ServerRequest): [label: string, run: () => Promise<ServerResponse>] | undefined => {
    const { method, path } = request
    const client = CLIENT_BACKUP.exec(path)
    if (client) {
      const label = '/clients/:clientId/backup'
      const run =
        method === 'POST'
          ? store
          : method === 'GET' || method === 'HEAD'
            ? read
            : method === 'DELETE'
              ? erase
              : undefined
      if (!run) return undefined
      return [
        label,
        async () => {
          let clientId: string
          try {
            clientId = decodeURIComponent(client[1]!)
          } catch {
            throw new HttpError(400, 'invalid_path')
          }
          // Counted from the route's start: a slow authenticate, a trickling body, or a sick database.
          return withDeadline(context.requestDeadlineMs, (deadline) => run(request, clientId, deadline))
        },
      ]
    }
    if (method !== 'POST') return undefined
    if (WEBHOOK_BACKUP.test(path)) return ['/webhook/backup', () => webhook.storeShare(request)]
    if (WEBHOOK_FETCH.test(path)) return ['/webhook/backup/fetch', () => webhook.fetchShares(request)]
    return undefined
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
    const found = route(request)
    if (!found) return undefined
    const [label, run] = found
    let answer: ServerResponse
    try {
      if (!isReady) await ready()
      answer = await run()
    } catch (error) {
      answer = errorResponse(toHttpError(error, { method: request.method, route: label }, context.logger), request)
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
