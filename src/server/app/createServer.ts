import type { IncomingMessage, ServerResponse as NodeResponse } from 'node:http'
import { HttpError } from '../errors/HttpError.js'
import { ServerConfigError } from '../errors/ServerConfigError.js'
import { forwardedAddress } from '../hosts/forwardedAddress.js'
import type { TrustProxy } from '../hosts/forwardedAddress.js'
import { nodeRequest, writeNodeResponse } from '../hosts/nodeRequest.js'
import { stripBasePath } from '../hosts/stripBasePath.js'
import type { BackupRouterOptions } from '../http/BackupRouterOptions.js'
import { backupHandlerOf } from '../http/createBackupHandler.js'
import type { BackupHandler } from '../http/createBackupHandler.js'
import { createRouterContext } from '../http/createRouterContext.js'
import { errorResponse, jsonResponse } from '../http/responses.js'
import type { ServerRequest, ServerResponse } from '../http/ServerRequest.js'
import { toHttpError } from '../http/toHttpError.js'
import { devRowsRoute } from './createDevInspector.js'
import { createServerMetrics } from './createServerMetrics.js'
import { isLoopbackHost } from './isLoopbackHost.js'
import { operatorRoutes } from './operatorRoutes.js'
import { limiterStoreOf } from '../http/limiterStoreOf.js'
import { secretFailureLimiter } from '../http/secretFailureLimiter.js'

export interface ServerConfig extends BackupRouterOptions {
  /** Production turns the dev inspector off and sends HSTS. */
  production?: boolean
  /**
   * `GET /api/dev/rows` (metadata only, every client's rows, no authentication). Off unless asked for; refused in
   * production and on a host that is not loopback (`host` must be 127.x.x.x, ::1 or localhost).
   */
  devInspector?: boolean
  /**
   * Turns on `GET /metrics` (Prometheus text: request counts and latencies per route and status, store latency,
   * rate-limit hits; no clientId in any label) for scrapers sending `Authorization: Bearer <metricsToken>`. At least
   * 16 characters (`loadServerConfig` asks 32 bytes in production, like every secret). Wrong tokens are limited per
   * address like wrong webhook secrets (`limits.webhookFailures`). Without it there is no /metrics route.
   * `GET /healthz` is always served.
   */
  metricsToken?: string
  /** Browser origins allowed to call the API cross-origin (e.g. the demo's dev server). */
  corsOrigins?: readonly string[]
  /**
   * Which proxies in front are believed (express's `trust proxy` values), so the caller's address (used by the
   * webhook allowlist and the wrong-secret budget) is the real peer behind them: the number of proxies in front, or
   * the proxies' addresses (CIDR list, `loopback`, `linklocal`, `uniquelocal`). `true` trusts every hop, which lets
   * any caller choose its address with X-Forwarded-For; it is refused together with `webhookAllowlist`.
   */
  trustProxy?: TrustProxy
  /** Used by startServer: default 127.0.0.1:8787. */
  host?: string
  port?: number
  /**
   * Used by startServer (Node's `server.requestTimeout`): the whole request, headers and body, must arrive
   * within this many ms, else 408 and the connection is closed. Default 30 s (Node's own is 5 min).
   */
  requestTimeoutMs?: number
  /** Used by startServer (`server.headersTimeout`): the headers must arrive within this many ms. Default 10 s. */
  headersTimeoutMs?: number
  /** Used by startServer (`server.keepAliveTimeout`): an idle keep-alive connection is closed after it. Default 5 s. */
  keepAliveTimeoutMs?: number
  /** Used by startServer (Node's `maxHeaderSize`): larger request headers -> 431. Default 16 KiB. */
  maxHeaderBytes?: number
}

export interface BackupServer {
  /**
   * The server as a `node:http` listener (`http.createServer(server.handler)`); connect-style hosts may pass `next`,
   * which then gets the requests no route answers instead of the 404.
   */
  handler: (req: IncomingMessage, res: NodeResponse, next?: (error?: unknown) => void) => void
  /** The start-up checks (options, store, encryption key): see `BackupHandler.ready`. startServer awaits it. */
  ready: BackupHandler['ready']
  /** Closes the store (the HTTP listener belongs to whoever called `listen`). */
  close(): Promise<void>
}

const NOT_FOUND = new HttpError(404, 'route_not_found')

/**
 * The kit's server: the backup routes under `/api`, `GET /api/health`, the operator routes (`/healthz`, `/metrics`),
 * the optional dev inspector, CORS for `corsOrigins`, and security headers and JSON errors on every answer. A plain
 * `node:http` listener: no framework in the request path.
 */
export function createServer(config: ServerConfig): BackupServer {
  if (config.trustProxy === true && config.webhookAllowlist) {
    throw new ServerConfigError(
      "createServer: trustProxy true lets any caller spoof X-Forwarded-For past webhookAllowlist; give a hop count or the proxies' addresses",
    )
  }
  if (config.metricsToken !== undefined && config.metricsToken.length < 16)
    throw new ServerConfigError('createServer: metricsToken must be at least 16 characters')
  const metrics = config.metricsToken ? createServerMetrics() : undefined
  let inspector: ReturnType<typeof devRowsRoute> | undefined
  if (config.devInspector === true) {
    if (config.production)
      throw new ServerConfigError('createServer: the dev inspector cannot be enabled in production')
    if (!isLoopbackHost(config.host ?? '127.0.0.1'))
      throw new ServerConfigError('createServer: the dev inspector needs a loopback host')
    inspector = devRowsRoute(config.store)
  }
  const routerOptions: BackupRouterOptions = metrics
    ? {
        ...config,
        store: metrics.instrument(config.store),
        onEvent: (event) => {
          metrics.countEvent(event)
          config.onEvent?.(event)
        },
      }
    : config
  const context = createRouterContext(routerOptions)
  const backup = backupHandlerOf(context)
  const operator = operatorRoutes({
    store: config.store,
    metrics,
    metricsToken: config.metricsToken,
    // Wrong tokens are limited like wrong webhook secrets: the same limiter and settings, buckets of its own.
    tokenFailures: metrics
      ? secretFailureLimiter(config.limits?.webhookFailures, limiterStoreOf(config), 'metrics')
      : undefined,
  })
  const addressOf = forwardedAddress(config.trustProxy)
  const belowApi = stripBasePath('/api')

  const securityHeaders: Record<string, string> = {
    // Every answer, the operator routes' and the final 404 / error answers included (openapi/*.yaml say so).
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    // Google's sign-in popup must be able to post back to an opener served by this origin.
    'Cross-Origin-Opener-Policy': 'same-origin-allow-popups',
    'Cross-Origin-Resource-Policy': 'same-site',
    'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
  }
  if (config.production) securityHeaders['Strict-Transport-Security'] = 'max-age=31536000; includeSubDomains'

  const origins = new Set(config.corsOrigins ?? [])
  /** The CORS headers an allowed origin's request gets (none for others); a preflight is answered whole. */
  const cors = (request: ServerRequest): Record<string, string> | undefined => {
    const origin = request.get('origin')
    if (origin === undefined || !origins.has(origin)) return undefined
    return {
      'Access-Control-Allow-Origin': origin,
      // What a cross-origin page must read: the revision it sends back as If-Match, the wait a 429 asks for, and
      // why a 401 refused its token.
      'Access-Control-Expose-Headers': 'ETag, Retry-After, Idempotent-Replayed, WWW-Authenticate',
      Vary: 'Origin',
      'Cross-Origin-Resource-Policy': 'cross-origin',
    }
  }
  const preflight: Record<string, string> = {
    'Access-Control-Allow-Methods': 'GET, POST, DELETE',
    'Access-Control-Allow-Headers': 'Content-Type, Authorization, Idempotency-Key, If-Match, X-Client-Id',
    'Access-Control-Max-Age': '600',
  }

  /** The answer of every route but the final 404 (`undefined`). */
  const route = async (req: IncomingMessage, target: string): Promise<[ServerRequest, ServerResponse | undefined]> => {
    const api = belowApi(target)
    const request = nodeRequest(req, api ?? target, addressOf(req))
    const allowed = cors(request)
    // GET and POST are what is served: an OPTIONS that is not an allowed origin's preflight gets the unknown-route
    // answer (no automatic `Allow` list, in neither document).
    if (request.method === 'OPTIONS')
      return [request, allowed ? { status: 204, headers: { ...allowed, ...preflight }, body: '' } : undefined]
    if (api === undefined) return [request, await operator(request)]
    const read = request.method === 'GET' || request.method === 'HEAD'
    if (read && /^\/health\/?$/i.test(request.path)) return [request, jsonResponse(200, '{"ok":true}')]
    return [request, (inspector && (await inspector(request))) || (await backup(request))]
  }

  const handler: BackupServer['handler'] = (req, res, next) => {
    const started = metrics ? performance.now() : 0
    const target = req.url ?? '/'
    route(req, target).then(
      ([request, found]) => {
        if (found === undefined && next) return next()
        const answer = found ?? errorResponse(NOT_FOUND, request)
        Object.assign(answer.headers, securityHeaders, cors(request))
        if (res.headersSent) return
        writeNodeResponse(res, answer)
        metrics?.observeRequest(
          target.split('?')[0]!,
          req.method ?? 'GET',
          answer.status,
          (performance.now() - started) / 1000,
        )
      },
      (error: unknown) => {
        if (next) return next(error)
        if (res.headersSent) return
        // Reached only by errors outside the backup core (its own are answered there); logged by class only.
        const answer = jsonResponse(
          500,
          JSON.stringify({
            error: { code: toHttpError(error, { method: req.method ?? '', route: 'server' }, context.logger).code },
          }),
        )
        Object.assign(answer.headers, securityHeaders)
        writeNodeResponse(res, answer)
      },
    )
  }

  let closed: Promise<void> | undefined
  return { handler, ready: backup.ready, close: () => (closed ??= config.store.close()) }
}
