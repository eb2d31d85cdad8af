// What a row expects of one answer, and the only words of an answer a failure may repeat: its status and, when it is
// one of the contract's, its error code.
import { SERVER_ERROR_CODES } from '../../core/errors/serverErrorCodes.js'
import type { Exchange } from './shareServerTransport.js'
import { RowFailure } from './shareServerTransport.js'

/** Stands for a code-shaped string that is not in the contract's list: a server could put a secret there. */
const UNLISTED_CODE = '(unlisted code)'

export function expectStatus(ex: Exchange, status: number): void {
  if (ex.status !== status) {
    const code = errorCodeOf(ex)
    throw new RowFailure(`${ex.label}: got ${ex.status}${code ? ` ${code}` : ''}, want ${status}`)
  }
}

export function expectError(ex: Exchange, status: number, code?: string): void {
  expectStatus(ex, status)
  const got = errorCodeOf(ex)
  if (got === undefined) throw new RowFailure(`${ex.label}: ${status} without an { error: { code } } body`)
  if (code !== undefined && got !== code) throw new RowFailure(`${ex.label}: error code ${got}, want ${code}`)
}

export function expectStrongEtag(ex: Exchange): string {
  const etag = ex.headers.get('etag')
  if (etag === null || !/^"[\x21\x23-\x7e]+"$/.test(etag))
    throw new RowFailure(`${ex.label}: no strong ETag header (If-Match needs one)`)
  return etag
}

/**
 * The error code of an answer: undefined when the body has none shaped like a code; the code when the contract lists
 * it; else UNLISTED_CODE. A broken server's body is never quoted.
 */
export function errorCodeOf(ex: Exchange): string | undefined {
  const body = parseJson(ex.text) as { error?: { code?: unknown } } | undefined
  const code = body?.error?.code
  if (typeof code !== 'string' || !/^[a-z][a-z0-9_]{0,63}$/.test(code)) return undefined
  return (SERVER_ERROR_CODES as readonly string[]).includes(code) ? code : UNLISTED_CODE
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

export function sameJson(a: string, b: string): boolean {
  const x = parseJson(a)
  const y = parseJson(b)
  return x !== undefined && JSON.stringify(x) === JSON.stringify(y)
}
