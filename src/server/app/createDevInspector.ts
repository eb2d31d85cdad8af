import type { IncomingMessage, ServerResponse as NodeResponse } from 'node:http'
import { nodeRequest, writeNodeResponse } from '../hosts/nodeRequest.js'
import { jsonResponse } from '../http/responses.js'
import type { ServerRequest, ServerResponse } from '../http/ServerRequest.js'
import type { BackupStore } from '../store/BackupStore.js'

/** Metadata of one stored row; the share itself never leaves the server through the inspector. */
export interface InspectedRow {
  kind: 'client' | 'custodian'
  clientId: string
  backupMethod: string
  keyVersion: string | number | null
  keyId: string
  storedAt: string
  /** Size of the sealed value at rest. */
  bytes: number
}

/** `GET /dev/rows[?clientId=]` on the core's neutral request; `undefined` for any other request. */
export function devRowsRoute(store: BackupStore): (request: ServerRequest) => Promise<ServerResponse | undefined> {
  return async (request) => {
    if ((request.method !== 'GET' && request.method !== 'HEAD') || !/^\/dev\/rows\/?$/i.test(request.path))
      return undefined
    const given = request.query.clientId
    const clientId = typeof given === 'string' && given !== '' ? given : undefined
    const filter = clientId === undefined ? {} : { clientId }
    const [backups, shares] = await Promise.all([store.list(filter), store.listWebhook(filter)])
    const rows: InspectedRow[] = [
      ...backups.map((b) => ({
        kind: 'client' as const,
        clientId: b.clientId,
        backupMethod: b.backupMethod,
        keyVersion: b.keyVersion,
        keyId: b.keyId,
        storedAt: b.storedAt.toISOString(),
        bytes: b.data.length,
      })),
      ...shares.map((s) => ({
        kind: 'custodian' as const,
        clientId: s.clientId,
        backupMethod: s.backupMethod,
        keyVersion: null,
        keyId: s.keyId,
        storedAt: s.storedAt.toISOString(),
        bytes: s.data.length,
      })),
    ].sort((a, b) => b.storedAt.localeCompare(a.storedAt))
    return jsonResponse(200, JSON.stringify({ rows }), { 'Cache-Control': 'no-store' })
  }
}

/**
 * Development aid: `GET /dev/rows[?clientId=]` -> `{ rows: InspectedRow[] }`, newest first, as a connect-style
 * middleware (express `app.use('/api', createDevInspector({ store }))`, or `node:http`); other requests go to `next`.
 * It lists every client's rows without authentication, so mount it only outside production.
 */
export function createDevInspector(options: {
  store: BackupStore
}): (req: IncomingMessage, res: NodeResponse, next?: (error?: unknown) => void) => void {
  const route = devRowsRoute(options.store)
  return (req, res, next) => {
    route(nodeRequest(req, req.url ?? '/', req.socket.remoteAddress)).then(
      (answer) => {
        if (answer) return writeNodeResponse(res, answer)
        if (next) return next()
        res.statusCode = 404
        res.end()
      },
      next ?? (() => res.destroy()),
    )
  }
}
