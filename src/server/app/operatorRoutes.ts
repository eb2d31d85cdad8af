import { timingSafeEqual } from 'node:crypto'
import express from 'express'
import type { Router } from 'express'
import type { BackupStore } from '../store/BackupStore.js'
import type { ServerMetrics } from './createServerMetrics.js'
import type { RateLimiter } from '../http/rateLimiter.js'
import { sha256Digest } from '../http/sha256Digest.js'

/**
 * `GET /healthz` (liveness and database reachability: 200, or 503 when the database does not answer in time) and,
 * with a token, `GET /metrics` (Prometheus text) for callers presenting `Authorization: Bearer <token>`. Wrong tokens
 * spend the caller address's budget (`tokenFailures`, the limiter of wrong webhook secrets); once spent, the address
 * gets 429 with `Retry-After` and its tokens are not even checked. The document is openapi/operator.yaml.
 */
export function operatorRoutes(options: {
  store: BackupStore
  metrics: ServerMetrics | undefined
  metricsToken: string | undefined
  tokenFailures: RateLimiter | undefined
  healthTimeoutMs?: number
}): Router {
  const router = express.Router()
  const timeoutMs = options.healthTimeoutMs ?? 2_000

  router.get('/healthz', async (_req, res) => {
    res.setHeader('Cache-Control', 'no-store')
    const ping = options.store.maintenance?.ping
    if (!ping) return void res.json({ status: 'ok', database: 'unknown' })
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
    if (reachable) res.json({ status: 'ok', database: 'ok' })
    else res.status(503).json({ status: 'unavailable', database: 'unreachable' })
  })

  const { metrics, metricsToken, tokenFailures } = options
  if (metrics && metricsToken) {
    const expected = sha256Digest(`Bearer ${metricsToken}`)
    router.get('/metrics', async (req, res) => {
      res.setHeader('Cache-Control', 'no-store')
      const address = req.ip ?? req.socket.remoteAddress ?? ''
      const spent = await tokenFailures?.check(address)
      if (spent && !spent.allowed) {
        res.setHeader('Retry-After', String(spent.retryAfterSec))
        return void res.status(429).json({ error: { code: 'rate_limited' } })
      }
      const given = req.get('authorization')
      if (given === undefined || !timingSafeEqual(sha256Digest(given), expected)) {
        await tokenFailures?.take(address)
        return void res.status(401).json({ error: { code: 'unauthorized' } })
      }
      res.setHeader('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
      res.end(metrics.render())
    })
  }
  return router
}
