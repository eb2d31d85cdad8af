import { createHash } from 'node:crypto'
import express from 'express'
import type { Request, Response } from 'express'
import { listenOnLoopback } from './http.js'

/** One defect a hand-written backend might have; each should fail the checker row that names it. */
export type ShareServerDefect =
  | 'no-owner-check'
  | 'echo-share'
  | 'crash-on-bad-json'
  | 'no-idempotency'
  | 'ignore-if-match'
  | 'no-size-limit'
  | 'no-webhook-secret'
  | 'fetch-latest-only'
  | 'unknown-route-as-no-backup'
  | 'slow-webhook'
  | 'anonymous-allowed'
  | 'no-erase'
  | 'erase-not-idempotent'

/**
 * A small independent implementation of the share-server contract (in memory, bearer tokens), as an app's own
 * backend would write it, with defects switched on one at a time. With none it passes the checker.
 */
export async function startSloppyShareServer(options: {
  tokens: Record<string, string>
  webhookSecret: string
  defects?: readonly ShareServerDefect[]
}): Promise<{ base: string; close(): Promise<void> }> {
  const has = (d: ShareServerDefect) => options.defects?.includes(d) ?? false
  const backups = new Map<string, { cipherText: string; backupMethod: string; storedAt: string; etag: string }>()
  const shares = new Map<string, Map<string, string>>()
  const idem = new Map<string, { body: string; answer: string }>()
  const error = (res: Response, status: number, code: string) => res.status(status).json({ error: { code } })

  const app = express()
  app.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store')
    next()
  })
  app.use(express.text({ type: () => true, limit: has('no-size-limit') ? '50mb' : '64kb' }))
  const body = (req: Request, res: Response): Record<string, unknown> | undefined => {
    try {
      const parsed = JSON.parse(typeof req.body === 'string' ? req.body : '')
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed
    } catch {
      if (has('crash-on-bad-json')) {
        res.status(500).json({ error: { code: 'internal_error' } })
        return undefined
      }
    }
    error(res, 400, 'invalid_body')
    return undefined
  }
  const caller = (req: Request): string | undefined => {
    const token = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1]
    const found = Object.entries(options.tokens).find(([, t]) => t === token)?.[0]
    if (!found && has('anonymous-allowed')) return req.params.clientId as string
    return found
  }
  const owner = (req: Request, res: Response): string | undefined => {
    const who = caller(req)
    if (!who) return void error(res, 401, 'unauthorized')
    if (who !== req.params.clientId && !has('no-owner-check')) return void error(res, 403, 'forbidden')
    return req.params.clientId as string
  }

  app.post('/api/clients/:clientId/backup', (req, res) => {
    const clientId = owner(req, res)
    if (!clientId) return
    const b = body(req, res)
    if (!b) return
    if (typeof b.backupMethod !== 'string' || typeof b.cipherText !== 'string' || b.cipherText === '')
      return error(res, 400, 'invalid_body')
    const row = `${clientId}\u0000${b.backupMethod}`
    const key = req.get('idempotency-key')
    const text = JSON.stringify([b.backupMethod, b.cipherText])
    if (key && !has('no-idempotency')) {
      const previous = idem.get(`${clientId}\u0000${key}`)
      if (previous) {
        if (previous.body !== text) return error(res, 422, 'idempotency_key_reused')
        return res.set('Idempotent-Replayed', 'true').type('json').send(previous.answer)
      }
    }
    const ifMatch = req.get('if-match')
    if (ifMatch && !has('ignore-if-match') && ifMatch !== '*' && backups.get(row)?.etag !== ifMatch)
      return error(res, 412, 'precondition_failed')
    const storedAt = new Date().toISOString()
    const etag = `"${createHash('sha256').update(`${text}${storedAt}${Math.random()}`).digest('hex').slice(0, 16)}"`
    backups.set(row, { cipherText: b.cipherText, backupMethod: b.backupMethod, storedAt, etag })
    const answer = JSON.stringify({
      backupMethod: b.backupMethod,
      storedAt,
      ...(has('echo-share') ? { cipherText: b.cipherText } : {}),
    })
    if (key) idem.set(`${clientId}\u0000${key}`, { body: text, answer })
    res.set('ETag', etag).type('json').send(answer)
  })

  app.get('/api/clients/:clientId/backup', (req, res) => {
    const clientId = owner(req, res)
    if (!clientId) return
    const method = typeof req.query.backupMethod === 'string' ? req.query.backupMethod : undefined
    const rows = [...backups.entries()].filter(([k]) => k.startsWith(`${clientId}\u0000`)).map(([, v]) => v)
    const row = method ? rows.find((r) => r.backupMethod === method) : rows.at(-1)
    if (!row) return error(res, 404, 'backup_not_found')
    res
      .set('ETag', row.etag)
      .json({ cipherText: row.cipherText, backupMethod: row.backupMethod, keyVersion: 1, storedAt: row.storedAt })
  })

  if (!has('no-erase'))
    app.delete('/api/clients/:clientId/backup', (req, res) => {
      const clientId = owner(req, res)
      if (!clientId) return
      const rows = [...backups.keys()].filter((k) => k.startsWith(`${clientId}\u0000`))
      if (rows.length === 0 && has('erase-not-idempotent')) return error(res, 404, 'backup_not_found')
      for (const row of rows) backups.delete(row)
      for (const key of [...idem.keys()]) if (key.startsWith(`${clientId}\u0000`)) idem.delete(key)
      res.status(204).end()
    })

  const webhook = (handler: (b: Record<string, unknown>, res: Response) => void) => (req: Request, res: Response) => {
    if (req.get('x-webhook-secret') !== options.webhookSecret && !has('no-webhook-secret'))
      return error(res, 401, 'unauthorized')
    const b = body(req, res)
    if (!b) return
    if (typeof b.clientId !== 'string') return error(res, 400, 'invalid_body')
    const run = () => handler(b, res)
    if (has('slow-webhook')) setTimeout(run, 300)
    else run()
  }
  app.post(
    '/api/webhook/backup',
    webhook((b, res) => {
      if (typeof b.share !== 'string' || b.share === '') return error(res, 400, 'invalid_body')
      const of = shares.get(b.clientId as string) ?? new Map<string, string>()
      of.set(typeof b.backupMethod === 'string' ? b.backupMethod : 'UNKNOWN', b.share)
      shares.set(b.clientId as string, of)
      res.json(has('echo-share') ? { stored: b.share } : {})
    }),
  )
  app.post(
    '/api/webhook/backup/fetch',
    webhook((b, res) => {
      const list = [...(shares.get(b.clientId as string)?.values() ?? [])].reverse()
      if (list.length === 0) return error(res, 404, 'not_found')
      const backupShares = has('fetch-latest-only') ? list.slice(0, 1) : list
      res.json({ backupShares, backupShare: backupShares[0] })
    }),
  )
  app.use((_req, res) => error(res, 404, has('unknown-route-as-no-backup') ? 'backup_not_found' : 'route_not_found'))
  app.use((err: { status?: number }, _req: Request, res: Response, _next: unknown) =>
    error(res, err.status === 413 ? 413 : 400, err.status === 413 ? 'payload_too_large' : 'invalid_request'),
  )

  const { port, close } = await listenOnLoopback(app)
  return { base: `http://127.0.0.1:${port}/api`, close }
}
