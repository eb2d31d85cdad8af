import { HttpResponse, type JsonBodyType } from 'msw'
import { sleep } from './applyLatency.js'
import type { GoogleErrorReason } from '../google/googleErrorBody.js'

/** HTTP statuses a fault can answer with. */
export type FaultStatus = 400 | 401 | 403 | 404 | 409 | 413 | 429 | 500 | 502 | 503 | 504

/**
 * A fault armed on an HTTP endpoint: an error answer, a dropped connection (`fetch` rejects with TypeError,
 * axios reports ERR_NETWORK), extra delay after which the request is served normally, or a request held until
 * `until` settles (resolved or rejected) and then served normally: the test decides when it lands, so what it
 * checks meanwhile does not race a timer on a slow machine.
 */
export type HttpFault =
  | { status: FaultStatus; reason?: GoogleErrorReason; retryAfter?: number; message?: string }
  | { networkError: true }
  | { delayMs: number }
  | { until: PromiseLike<unknown> }

/** Builds the JSON error body in the dialect of the emulated service. */
type FaultBody = (status: number, reason: GoogleErrorReason | undefined, message: string | undefined) => JsonBodyType

/** Resolves to the faulty Response, or to `undefined` when the request must proceed (no fault, or delay only). */
export async function respondWithFault(
  fault: HttpFault | undefined,
  body: FaultBody,
  headers: Record<string, string> = {},
): Promise<Response | undefined> {
  if (!fault) return undefined
  if ('delayMs' in fault) {
    await sleep(fault.delayMs)
    return undefined
  }
  if ('until' in fault) {
    await Promise.resolve(fault.until).catch(() => {})
    return undefined
  }
  if ('networkError' in fault) return HttpResponse.error()
  const extra: Record<string, string> = { ...headers }
  if (fault.retryAfter !== undefined) extra['Retry-After'] = String(fault.retryAfter)
  return HttpResponse.json(body(fault.status, fault.reason, fault.message), { status: fault.status, headers: extra })
}
