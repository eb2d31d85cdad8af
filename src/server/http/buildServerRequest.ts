import { headerOf, parseCookies, parseQuery } from './requestHelpers.js'
import type { RequestBody, ServerRequest } from './ServerRequest.js'

/** A {@link ServerRequest} from what a host adapter read off its own request; query and cookies parsed when first read. */
export function buildServerRequest(parts: {
  method: string
  path: string
  /** The query string, without the `?`. */
  search: string
  headers: Readonly<Record<string, string | string[] | undefined>>
  address: string | undefined
  body: RequestBody
  bodyComplete(): boolean
}): ServerRequest {
  const { headers, search } = parts
  let cookies: Record<string, string> | undefined
  let query: Record<string, string | string[]> | undefined
  return {
    method: parts.method,
    path: parts.path,
    get query() {
      query ??= parseQuery(search)
      return query
    },
    headers,
    get: (name) => headerOf(headers, name),
    get cookies() {
      cookies ??= parseCookies(headerOf(headers, 'cookie'))
      return cookies
    },
    address: parts.address,
    body: parts.body,
    bodyComplete: parts.bodyComplete,
  }
}
