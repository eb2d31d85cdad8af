import type { IncomingMessage, ServerResponse as NodeResponse } from 'node:http'
import { headerOf, parseCookies, parseQuery, splitTarget } from '../http/requestHelpers.js'
import type { RequestBody, ServerRequest, ServerResponse } from '../http/ServerRequest.js'
import { nodeBodyChunks } from './nodeBodyChunks.js'

/**
 * A `node:http` request (express's too) as the core's {@link ServerRequest}. `target` is the request target below
 * the mount point (path and query); `address` the caller's, after the host's proxy settings.
 */
export function nodeRequest(
  req: IncomingMessage,
  target: string,
  address: string | undefined,
  parsedBody?: { value: unknown },
): ServerRequest {
  const [path, search] = splitTarget(target)
  const headers = req.headers
  let cookies: Record<string, string> | undefined
  let query: Record<string, string | string[]> | undefined
  const body: RequestBody = parsedBody
    ? { kind: 'parsed', value: parsedBody.value }
    : // Leaving the loop early (past the size limit) must not destroy the socket: the answer still has to go out.
      { kind: 'stream', chunks: nodeBodyChunks(req) }
  return {
    method: req.method ?? 'GET',
    path,
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
    address,
    body,
    bodyComplete: () => req.complete,
  }
}

/** Writes the core's answer on a `node:http` response (no body on HEAD, as Node does). */
export function writeNodeResponse(res: NodeResponse, answer: ServerResponse): void {
  // One writeHead with every header: Node serialises them straight from the object (unless the app set some before,
  // e.g. express's X-Powered-By, which they then override as setHeader would), with no setHeader bookkeeping each.
  // The answer is this request's own (the host adds its headers to it too).
  answer.headers['Content-Length'] = String(Buffer.byteLength(answer.body))
  res.writeHead(answer.status, answer.headers)
  res.end(answer.body)
}
