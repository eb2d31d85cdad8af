import express from 'express'
import { ServerConfigError } from '../errors/ServerConfigError.js'
import type { Express, NextFunction, Request, Response } from 'express'
import { createBackupRouter } from '../hosts/createBackupRouter.js'
import type { BackupRouterOptions } from '../http/BackupRouterOptions.js'
import { createDevInspector } from './createDevInspector.js'
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
   * Express `trust proxy` setting, so `req.ip` (used by the webhook allowlist) is the real peer behind a proxy: the
   * number of proxies in front, or the proxies' addresses (CIDR list). `true` trusts every hop, which lets any
   * caller choose its address with X-Forwarded-For; it is refused together with `webhookAllowlist`.
   */
  trustProxy?: boolean | number | string | readonly string[]
  /**
   * Used by startServer (default true): before listening, open a sample of the stored rows with `encryptionKey` and
   * refuse to start when rows exist and none opens (a wrong key would otherwise be noticed only on reads).
   */
  checkEncryptionKey?: boolean
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
  app: Express
  /** Closes the store (the HTTP listener belongs to whoever called `listen`). */
  close(): Promise<void>
}

/** An express app serving the backup routes under `/api`, with security headers and JSON errors everywhere. */
export function createServer(config: ServerConfig): BackupServer {
  const app = express()
  app.disable('x-powered-by')
  // Every API answer is no-store; automatic ETags would only cost a hash per response (the backup route sets its own).
  app.set('etag', false)
  if (config.trustProxy === true && config.webhookAllowlist) {
    throw new ServerConfigError(
      "createServer: trustProxy true lets any caller spoof X-Forwarded-For past webhookAllowlist; give a hop count or the proxies' addresses",
    )
  }
  if (config.metricsToken !== undefined && config.metricsToken.length < 16)
    throw new ServerConfigError('createServer: metricsToken must be at least 16 characters')
  const metrics = config.metricsToken ? createServerMetrics() : undefined
  if (metrics) {
    app.use((req, res, next) => {
      const started = performance.now()
      const path = req.path
      res.once('finish', () =>
        metrics.observeRequest(path, req.method, res.statusCode, (performance.now() - started) / 1000),
      )
      next()
    })
  }
  if (config.trustProxy !== undefined)
    app.set('trust proxy', typeof config.trustProxy === 'object' ? [...config.trustProxy] : config.trustProxy)

  const securityHeaders: Array<[string, string]> = [
    // Every answer, the operator routes' and the final 404 / error answers included (openapi/*.yaml say so).
    ['Cache-Control', 'no-store'],
    ['X-Content-Type-Options', 'nosniff'],
    ['X-Frame-Options', 'DENY'],
    ['Referrer-Policy', 'no-referrer'],
    // Google's sign-in popup must be able to post back to an opener served by this origin.
    ['Cross-Origin-Opener-Policy', 'same-origin-allow-popups'],
    ['Cross-Origin-Resource-Policy', 'same-site'],
    ['Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'"],
  ]
  if (config.production) securityHeaders.push(['Strict-Transport-Security', 'max-age=31536000; includeSubDomains'])
  app.use((_req, res, next) => {
    // setHeader directly: res.set would re-inspect every value on every request.
    for (const [name, value] of securityHeaders) res.setHeader(name, value)
    next()
  })

  const origins = new Set(config.corsOrigins ?? [])
  if (origins.size > 0) {
    app.use((req, res, next) => {
      const origin = req.get('origin')
      if (origin === undefined || !origins.has(origin)) return next()
      res.set({
        'Access-Control-Allow-Origin': origin,
        // What a cross-origin page must read: the revision it sends back as If-Match, and the wait a 429 asks for.
        'Access-Control-Expose-Headers': 'ETag, Retry-After, Idempotent-Replayed',
        Vary: 'Origin',
        'Cross-Origin-Resource-Policy': 'cross-origin',
      })
      if (req.method !== 'OPTIONS') return next()
      res
        .set({
          'Access-Control-Allow-Methods': 'GET, POST',
          'Access-Control-Allow-Headers': 'Content-Type, Authorization, Idempotency-Key, If-Match, X-Client-Id',
          'Access-Control-Max-Age': '600',
        })
        .status(204)
        .end()
    })
  }

  // GET and POST are what is served: an OPTIONS that is not an allowed origin's preflight (answered above) gets the
  // unknown-route answer, not express's automatic `Allow` list (text/plain, in neither document).
  app.use((req, res, next) => {
    if (req.method !== 'OPTIONS') return next()
    res.status(404).json({ error: { code: 'route_not_found' } })
  })

  app.get('/api/health', (_req, res) => {
    res.json({ ok: true })
  })
  if (config.devInspector === true) {
    if (config.production)
      throw new ServerConfigError('createServer: the dev inspector cannot be enabled in production')
    if (!isLoopbackHost(config.host ?? '127.0.0.1'))
      throw new ServerConfigError('createServer: the dev inspector needs a loopback host')
    app.use('/api', createDevInspector({ store: config.store }))
  }
  app.use(
    operatorRoutes({
      store: config.store,
      metrics,
      metricsToken: config.metricsToken,
      // Wrong tokens are limited like wrong webhook secrets: the same limiter and settings, buckets of its own.
      tokenFailures: metrics
        ? secretFailureLimiter(config.limits?.webhookFailures, limiterStoreOf(config), 'metrics')
        : undefined,
    }),
  )
  app.use(
    '/api',
    createBackupRouter(
      metrics
        ? {
            ...config,
            store: metrics.instrument(config.store),
            onEvent: (event) => {
              metrics.countEvent(event)
              config.onEvent?.(event)
            },
          }
        : config,
    ),
  )

  app.use((_req, res) => {
    res.status(404).json({ error: { code: 'route_not_found' } })
  })
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    // Reached only by errors outside the backup router; never echo them.
    if (res.headersSent) return
    const status = typeof error === 'object' && error !== null && 'status' in error ? Number(error.status) : 500
    const clientError = status >= 400 && status < 500
    res.status(clientError ? status : 500).json({ error: { code: clientError ? 'invalid_request' : 'internal_error' } })
  })

  let closed: Promise<void> | undefined
  return { app, close: () => (closed ??= config.store.close()) }
}
