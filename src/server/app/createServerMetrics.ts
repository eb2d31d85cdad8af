import type { BackupEvent } from '../http/BackupRouterOptions.js'
import type { BackupStore } from '../store/BackupStore.js'

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

// Every route label comes from this fixed list, never from the request: a clientId in a path cannot become a label.
const ROUTES: ReadonlyArray<[RegExp, string]> = [
  [/^\/api\/clients\/[^/]+\/backup\/?$/, '/api/clients/:clientId/backup'],
  [/^\/api\/webhook\/backup\/?$/, '/api/webhook/backup'],
  [/^\/api\/webhook\/backup\/fetch\/?$/, '/api/webhook/backup/fetch'],
  [/^\/api\/health\/?$/, '/api/health'],
  [/^\/api\/dev\/rows\/?$/, '/api/dev/rows'],
  [/^\/healthz\/?$/, '/healthz'],
  [/^\/metrics\/?$/, '/metrics'],
]
const METHODS = new Set(['GET', 'POST', 'DELETE', 'OPTIONS', 'HEAD'])

interface Histogram {
  counts: number[]
  sum: number
  count: number
}

/** Prometheus metrics of one server process: labels are routes, methods, statuses, operations and event types only. */
export interface ServerMetrics {
  observeRequest(path: string, method: string, status: number, seconds: number): void
  /** The store with each call timed (and its failures counted); maintenance and close pass through. */
  instrument(store: BackupStore): BackupStore
  countEvent(event: BackupEvent): void
  /** The text exposition format (version 0.0.4). */
  render(): string
}

export function createServerMetrics(): ServerMetrics {
  const requests = new Map<string, number>()
  const durations = new Map<string, Histogram>()
  const storeDurations = new Map<string, Histogram>()
  const storeErrors = new Map<string, number>()
  const events = new Map<string, number>()
  const rateLimited = new Map<string, number>()

  const observe = (map: Map<string, Histogram>, labels: string, seconds: number) => {
    const h = map.get(labels) ?? { counts: BUCKETS.map(() => 0), sum: 0, count: 0 }
    map.set(labels, h)
    BUCKETS.forEach((le, i) => {
      if (seconds <= le) h.counts[i]! += 1
    })
    h.sum += seconds
    h.count += 1
  }
  const bump = (map: Map<string, number>, labels: string) => map.set(labels, (map.get(labels) ?? 0) + 1)

  const timed = <A extends unknown[], R>(operation: string, call: (...args: A) => Promise<R>) => {
    // Built once per operation, not on every store call.
    const labels = label({ operation })
    return async (...args: A): Promise<R> => {
      const started = performance.now()
      try {
        return await call(...args)
      } catch (error) {
        bump(storeErrors, labels)
        throw error
      } finally {
        observe(storeDurations, labels, (performance.now() - started) / 1000)
      }
    }
  }

  return {
    observeRequest(path, method, status, seconds) {
      const route = ROUTES.find(([pattern]) => pattern.test(path))?.[1] ?? 'other'
      const labels = label({ route, method: METHODS.has(method) ? method : 'other', status: String(status) })
      bump(requests, labels)
      observe(durations, labels, seconds)
    },
    instrument(store) {
      return {
        ...store,
        put: timed('put', store.put.bind(store)),
        get: timed('get', store.get.bind(store)),
        list: timed('list', store.list.bind(store)),
        putWebhook: timed('putWebhook', store.putWebhook.bind(store)),
        listWebhook: timed('listWebhook', store.listWebhook.bind(store)),
        getIdempotency: timed('getIdempotency', store.getIdempotency.bind(store)),
        erase: timed('erase', store.erase.bind(store)),
        close: () => store.close(),
      }
    },
    countEvent(event) {
      bump(events, label({ type: event.type }))
      // Client-route limits are keyed by caller (clientId set); the webhook's by address (clientId null).
      if (event.type === 'rate_limited')
        bump(rateLimited, label({ scope: event.clientId === null ? 'webhook' : 'client' }))
    },
    render() {
      const out: string[] = []
      counter(out, 'rmb_http_requests_total', 'HTTP requests answered, by route, method and status.', requests)
      histogram(out, 'rmb_http_request_duration_seconds', 'Time to answer, by route, method and status.', durations)
      histogram(out, 'rmb_store_operation_duration_seconds', 'Time of each store call, by operation.', storeDurations)
      counter(out, 'rmb_store_errors_total', 'Store calls that failed, by operation.', storeErrors)
      counter(
        out,
        'rmb_rate_limited_total',
        'Requests refused by a rate limit (client: per caller; webhook: per address).',
        rateLimited,
      )
      counter(out, 'rmb_backup_events_total', 'Router events by type (stored, replayed, conflict, read, ...).', events)
      return `${out.join('\n')}\n`
    },
  }
}

function label(values: Record<string, string>): string {
  return Object.entries(values)
    .map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`)
    .join(',')
}

function counter(out: string[], name: string, help: string, values: Map<string, number>): void {
  out.push(`# HELP ${name} ${help}`, `# TYPE ${name} counter`)
  for (const [labels, n] of values) out.push(`${name}{${labels}} ${n}`)
}

function histogram(out: string[], name: string, help: string, values: Map<string, Histogram>): void {
  out.push(`# HELP ${name} ${help}`, `# TYPE ${name} histogram`)
  for (const [labels, h] of values) {
    BUCKETS.forEach((le, i) => {
      out.push(`${name}_bucket{${labels},le="${le}"} ${h.counts[i]}`)
    })
    out.push(
      `${name}_bucket{${labels},le="+Inf"} ${h.count}`,
      `${name}_sum{${labels}} ${h.sum}`,
      `${name}_count{${labels}} ${h.count}`,
    )
  }
}
