import { timingSafeEqual } from 'node:crypto'
import { jsonResponse } from '../http/responses.js'
import type { RateLimiter } from '../http/rateLimiter.js'
import type { ServerRequest, ServerResponse } from '../http/ServerRequest.js'
import { sha256Digest } from '../http/sha256Digest.js'
import type { BackupStore } from '../store/BackupStore.js'
import type { ServerMetrics } from './createServerMetrics.js'

/**
 * `GET /healthz` (liveness and database reachability: 200, or 503 when the database does not answer in time) and,
 * with a token, `GET /metrics` (Prometheus text) for callers presenting `Authorization: Bearer <token>`. Wrong tokens
 * spend the caller address's budget (`tokenFailures`, the limiter of wrong webhook secrets); once spent, the address
 * gets 429 with `Retry-After` and its tokens are not even checked. The document is openapi/operator.yaml.
 * Answers `undefined` for any other request.
 */
export function operatorRoutes(options: {
  store: BackupStore
  metrics: ServerMetrics | undefined
  metricsToken: string | undefined
  tokenFailures: RateLimiter | undefined
  healthTimeoutMs?: number
}): (request: ServerRequest) => Promise<ServerResponse | undefined> {
  const timeoutMs = options.healthTimeoutMs ?? 2_000
  const { metrics, metricsToken, tokenFailures } = options
  const expected = metricsToken ? sha256Digest(`Bearer ${metricsToken}`) : undefined

  const healthz = async (): Promise<ServerResponse> => {
    const ping = options.store.maintenance?.ping
    if (!ping) return jsonResponse(200, JSON.stringify({ status: 'ok', database: 'unknown' }))
    let timer: NodeJS.Timeout | undefined
    const reachable = await Promise.race([
      ping().then(
        () => true,
        () => false,
      ),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs)
      }),
    ])
    clearTimeout(timer)
    // The reason stays in the server: a probe needs the verdict, not the driver's message.
    return reachable
      ? jsonResponse(200, JSON.stringify({ status: 'ok', database: 'ok' }))
      : jsonResponse(503, JSON.stringify({ status: 'unavailable', database: 'unreachable' }))
  }

  const metricsRoute = async (request: ServerRequest, render: () => string, digest: Buffer) => {
    const address = request.address ?? ''
    const spent = await tokenFailures?.check(address)
    if (spent && !spent.allowed) {
      return jsonResponse(429, JSON.stringify({ error: { code: 'rate_limited' } }), {
        'Retry-After': String(spent.retryAfterSec),
      })
    }
    const given = request.get('authorization')
    if (given === undefined || !timingSafeEqual(sha256Digest(given), digest)) {
      await tokenFailures?.take(address)
      return jsonResponse(401, JSON.stringify({ error: { code: 'unauthorized' } }))
    }
    return { status: 200, headers: { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' }, body: render() }
  }

  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return undefined
    if (/^\/healthz\/?$/i.test(request.path)) return healthz()
    if (metrics && expected && /^\/metrics\/?$/i.test(request.path))
      return metricsRoute(request, () => metrics.render(), expected)
    return undefined
  }
}
