import { http, HttpResponse, type HttpHandler, type JsonBodyType } from 'msw'
import { applyLatency, type LatencyOptions } from '../faults/applyLatency.js'
import { createFaultSwitch, type FaultSwitch } from '../faults/createFaultSwitch.js'
import { respondWithFault, type HttpFault } from '../faults/respondWithFault.js'

export type ShareEndpoint = 'share.post' | 'share.get' | 'share.delete'

export interface ShareRow {
  clientId: string
  backupMethod: string
  cipherText: string
  /** As the client sent it (string or number); absent when not sent. */
  keyVersion?: string | number
  /** Drive file id of the key, as the client sent it. */
  keyFileId?: string
  /** The Google account holding the key (Drive's permissionId and the email), as the client sent it. */
  googleAccount?: { permissionId: string; email: string }
  /** The provider's id of the wallet backup the record describes, as the client sent it. */
  walletBackupId?: string
  storedAt: string
}

export interface ShareRequestLogEntry {
  method: string
  url: string
  /** Lower-cased names; `authorization` and `cookie` left out. */
  headers: Record<string, string>
  hasAuthorization: boolean
  bodyReceived: boolean
  at: number
}

export interface ShareServerEmulatorOptions {
  /** Absolute ('https://app.test/api') or relative ('/api', matched on any origin). */
  baseURL: string
  latency?: LatencyOptions<ShareEndpoint>
  /** Decide who may touch a client's share (default: everyone). A `false` answers 401. */
  authorize?: (request: { clientId: string; authorization: string | null }) => boolean
  /** Largest accepted cipherText in characters (default 1 MiB); longer answers 413. */
  maxCipherTextLength?: number
  /**
   * The emulator's clock, ms since the epoch (default `Date.now()`, read at each call): `storedAt` (and so the ETag;
   * strictly increasing even when the clock stands still) and the `at` of `requests`. `latency` and `delayMs` faults
   * are real timers, not read from it.
   */
  now?: () => number
}

export interface ShareServerEmulator {
  readonly handlers: HttpHandler[]
  readonly faults: FaultSwitch<ShareEndpoint, HttpFault>
  readonly requests: ShareRequestLogEntry[]
  rows(): ShareRow[]
  /** Seeds a row (e.g. a share stored by an earlier session). */
  putRow(row: Omit<ShareRow, 'storedAt'> & { storedAt?: string }): void
  /** Requests received and not yet answered (a delayed write may still land after the client gave up). */
  inFlight(): number
  reset(): void
}

const errorBody = (code: string, message?: string) => ({ error: message ? { code, message } : { code } })

export function createShareServerEmulator(options: ShareServerEmulatorOptions): ShareServerEmulator {
  const base = options.baseURL.replace(/\/+$/, '')
  // MSW matches a leading '*' against any origin, which is what a relative base URL means.
  const route = `${/^https?:\/\//.test(base) ? base : `*${base.startsWith('/') || base === '' ? base : `/${base}`}`}/clients/:clientId/backup`
  const maxLength = options.maxCipherTextLength ?? 1024 * 1024
  const rows = new Map<string, ShareRow>()
  const replays = new Map<string, { request: string; status: number; body: JsonBodyType }>()
  const requests: ShareRequestLogEntry[] = []
  const faults = createFaultSwitch<ShareEndpoint, HttpFault>()
  const now = options.now ?? (() => Date.now())
  let lastStamp = 0
  const stamp = () => {
    lastStamp = Math.max(now(), lastStamp + 1)
    return new Date(lastStamp).toISOString()
  }
  const rowKey = (clientId: string, method: string) => `${clientId}\u0000${method}`
  const etagOf = (row: ShareRow) => `"${row.storedAt}"`
  let inFlight = 0

  const log = (request: Request, bodyReceived: boolean) => {
    const headers: Record<string, string> = {}
    request.headers.forEach((value, name) => {
      const n = name.toLowerCase()
      if (n !== 'authorization' && n !== 'cookie') headers[n] = value
    })
    requests.push({
      method: request.method,
      url: request.url,
      headers,
      hasAuthorization: request.headers.has('authorization'),
      bodyReceived,
      at: now(),
    })
  }

  const gate = async (endpoint: ShareEndpoint) => {
    const faulty = await respondWithFault(faults.take(endpoint), (status, reason, message) =>
      // A bare 404 fault means "no backup yet", in the documented dialect; other statuses get a generic code.
      errorBody(
        reason ?? (status >= 500 ? 'server_error' : status === 404 ? 'backup_not_found' : 'emulated_fault'),
        message,
      ),
    )
    if (faulty) return faulty
    await applyLatency(options.latency, endpoint)
    return undefined
  }
  const allowed = (request: Request, clientId: string) =>
    !options.authorize || options.authorize({ clientId, authorization: request.headers.get('authorization') })

  const handlers: HttpHandler[] = [
    http.post(route, async ({ request, params }) => {
      const text = await request.text()
      log(request, text.length > 0)
      inFlight++
      try {
        return await post(request, String(params['clientId']), text)
      } finally {
        inFlight--
      }
    }),

    http.get(route, async ({ request, params }) => {
      log(request, false)
      inFlight++
      try {
        return await get(request, String(params['clientId']))
      } finally {
        inFlight--
      }
    }),

    http.delete(route, async ({ request, params }) => {
      log(request, false)
      inFlight++
      try {
        return await erase(request, String(params['clientId']))
      } finally {
        inFlight--
      }
    }),
  ]

  async function post(request: Request, clientId: string, text: string) {
    const gated = await gate('share.post')
    if (gated) return gated
    if (!allowed(request, clientId)) return HttpResponse.json(errorBody('unauthorized'), { status: 401 })
    const idempotencyKey = request.headers.get('idempotency-key')
    const replayKey = idempotencyKey ? `${clientId}\u0000${idempotencyKey}` : undefined
    const previous = replayKey ? replays.get(replayKey) : undefined
    if (previous) {
      if (previous.request !== text) {
        return HttpResponse.json(
          errorBody('idempotency_key_reused', 'The Idempotency-Key was used with another body'),
          { status: 422 },
        )
      }
      return HttpResponse.json(previous.body, { status: previous.status, headers: { 'Idempotent-Replayed': 'true' } })
    }
    let body: unknown
    try {
      body = JSON.parse(text)
    } catch {
      return HttpResponse.json(errorBody('invalid_body', 'Body must be JSON'), { status: 400 })
    }
    const o =
      body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined
    const backupMethod = o?.['backupMethod']
    const cipherText = o?.['cipherText']
    const keyVersion = o?.['keyVersion']
    const keyFileId = o?.['keyFileId']
    const googleAccount = o?.['googleAccount'] as Record<string, unknown> | null | undefined
    const walletBackupId = o?.['walletBackupId']
    // As the bundled server validates it: both fields, a Drive-like id and an email, nothing else.
    const accountOk =
      googleAccount === undefined ||
      googleAccount === null ||
      (typeof googleAccount === 'object' &&
        typeof googleAccount['permissionId'] === 'string' &&
        /^[A-Za-z0-9_-]{1,128}$/.test(googleAccount['permissionId']) &&
        typeof googleAccount['email'] === 'string' &&
        googleAccount['email'].length <= 320 &&
        /^[^\s@]+@[^\s@]+$/.test(googleAccount['email']))
    if (
      !accountOk ||
      (walletBackupId !== undefined &&
        walletBackupId !== null &&
        (typeof walletBackupId !== 'string' || !/^[A-Za-z0-9._:@|-]{1,256}$/.test(walletBackupId))) ||
      typeof backupMethod !== 'string' ||
      backupMethod === '' ||
      backupMethod.length > 64 ||
      typeof cipherText !== 'string' ||
      cipherText === '' ||
      (keyVersion !== undefined &&
        typeof keyVersion !== 'string' &&
        (typeof keyVersion !== 'number' || !Number.isFinite(keyVersion))) ||
      (keyFileId !== undefined && (typeof keyFileId !== 'string' || !/^[A-Za-z0-9_-]{1,256}$/.test(keyFileId)))
    ) {
      return HttpResponse.json(
        errorBody(
          'invalid_body',
          'Expected { backupMethod: string, cipherText: string, keyVersion?: string, keyFileId?: string }',
        ),
        {
          status: 400,
        },
      )
    }
    if (cipherText.length > maxLength) return HttpResponse.json(errorBody('too_large'), { status: 413 })
    // Optimistic concurrency, checked when the write lands (after any delay): a late write made against an older
    // record must not replace a newer one.
    const ifMatch = request.headers.get('if-match')
    const current = rows.get(rowKey(clientId, backupMethod))
    if (ifMatch && (!current || !ifMatchHolds(ifMatch, etagOf(current))))
      return HttpResponse.json(errorBody('precondition_failed', 'The backup changed since it was read'), {
        status: 412,
      })
    const storedAt = stamp()
    rows.set(rowKey(clientId, backupMethod), {
      clientId,
      backupMethod,
      cipherText,
      ...(keyVersion !== undefined ? { keyVersion } : {}),
      ...(keyFileId !== undefined ? { keyFileId } : {}),
      ...(googleAccount
        ? {
            googleAccount: {
              permissionId: String(googleAccount['permissionId']),
              email: String(googleAccount['email']),
            },
          }
        : {}),
      ...(typeof walletBackupId === 'string' ? { walletBackupId } : {}),
      storedAt,
    })
    const answer = { backupMethod, storedAt }
    if (replayKey) replays.set(replayKey, { request: text, status: 200, body: answer })
    return HttpResponse.json(answer, { headers: { ETag: `"${storedAt}"` } })
  }

  async function get(request: Request, clientId: string) {
    const gated = await gate('share.get')
    if (gated) return gated
    if (!allowed(request, clientId)) return HttpResponse.json(errorBody('unauthorized'), { status: 401 })
    const method = new URL(request.url).searchParams.get('backupMethod')
    // Without a method: the most recently stored share of any method.
    const row = method
      ? rows.get(rowKey(clientId, method))
      : [...rows.values()]
          .filter((r) => r.clientId === clientId)
          .sort((a, b) => b.storedAt.localeCompare(a.storedAt))[0]
    // The documented "no backup yet" answer; the kit reads no other 404 as absent.
    if (!row) return HttpResponse.json(errorBody('backup_not_found'), { status: 404 })
    return HttpResponse.json(
      {
        cipherText: row.cipherText,
        backupMethod: row.backupMethod,
        ...(row.keyVersion !== undefined ? { keyVersion: row.keyVersion } : {}),
        ...(row.keyFileId !== undefined ? { keyFileId: row.keyFileId } : {}),
        ...(row.googleAccount !== undefined ? { googleAccount: row.googleAccount } : {}),
        ...(row.walletBackupId !== undefined ? { walletBackupId: row.walletBackupId } : {}),
        storedAt: row.storedAt,
      },
      { headers: { ETag: etagOf(row) } },
    )
  }

  /**
   * As the bundled server erases: every method of the client and its Idempotency-Key records, always 204 with no
   * body (nothing stored too), and 400 `invalid_query` for a `backupMethod` query (the erase is of every method).
   */
  async function erase(request: Request, clientId: string) {
    const gated = await gate('share.delete')
    if (gated) return gated
    if (!allowed(request, clientId)) return HttpResponse.json(errorBody('unauthorized'), { status: 401 })
    if (new URL(request.url).searchParams.has('backupMethod'))
      return HttpResponse.json(errorBody('invalid_query'), { status: 400 })
    for (const [key, row] of rows) if (row.clientId === clientId) rows.delete(key)
    for (const key of replays.keys()) if (key.startsWith(`${clientId}\u0000`)) replays.delete(key)
    return new HttpResponse(null, { status: 204 })
  }

  return {
    handlers,
    faults,
    requests,
    rows: () => [...rows.values()].map((r) => ({ ...r })),
    inFlight: () => inFlight,
    putRow(row) {
      rows.set(rowKey(row.clientId, row.backupMethod), { ...row, storedAt: row.storedAt ?? stamp() })
    },
    reset() {
      rows.clear()
      replays.clear()
      requests.length = 0
      faults.clear()
    },
  }
}

/** HTTP If-Match (RFC 9110): `*`, or a list of entity tags compared strongly (a weak tag never matches). */
function ifMatchHolds(header: string, current: string): boolean {
  if (header.trim() === '*') return true
  for (const [, weak, tag] of header.matchAll(/(W\/)?("[^"]*")/g)) if (!weak && tag === current) return true
  return false
}
