import type { IncomingMessage, ServerResponse as NodeResponse } from 'node:http'
import { buildServerRequest } from '../http/buildServerRequest.js'
import { splitTarget } from '../http/requestHelpers.js'
import type { ServerRequest, ServerResponse } from '../http/ServerRequest.js'
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
  return buildServerRequest({
    method: req.method ?? 'GET',
    path,
    search,
    headers: req.headers,
    address,
    body: parsedBody
      ? { kind: 'parsed', value: parsedBody.value }
      : // Leaving the loop early (past the size limit) must not destroy the socket: the answer still has to go out.
        { kind: 'stream', chunks: nodeBodyChunks(req) },
    bodyComplete: () => req.complete,
  })
}

/** Writes the core's answer on a `node:http` response (no body on HEAD, as Node does). */
export function writeNodeResponse(res: NodeResponse, answer: ServerResponse): void {
  // 204 and 304 carry no body and no Content-Length.
  if (answer.status === 204 || answer.status === 304) {
    res.writeHead(answer.status, answer.headers)
    return void res.end()
  }
  // One writeHead with every header: Node serialises them straight from the object (unless the app set some before,
  // e.g. express's X-Powered-By, which they then override as setHeader would), with no setHeader bookkeeping each.
  // The answer is this request's own (the host adds its headers to it too).
  answer.headers['Content-Length'] = String(Buffer.byteLength(answer.body))
  res.writeHead(answer.status, answer.headers)
  res.end(answer.body)
}
