import type { Duplex } from 'node:stream'
import type { ServerErrorCode } from '../../core/errors/serverErrorCodes.js'

// What node:http answers on its own (before or instead of the app), as the kit's statuses and codes. Any other parse
// failure (oversized chunk extensions included, which Node answers 413 on any method) is a 400: a status every route
// documents.
const ANSWERS: Record<string, [number, string, ServerErrorCode]> = {
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'Request Timeout', 'timeout'],
  HPE_HEADER_OVERFLOW: [431, 'Request Header Fields Too Large', 'invalid_request'],
}
const BAD_REQUEST: [number, string, ServerErrorCode] = [400, 'Bad Request', 'invalid_request']

/**
 * A `clientError` listener for the `node:http` server that hosts the kit (`startServer` attaches it): the answers
 * Node writes itself (408 when the request does not arrive within `requestTimeout` / `headersTimeout`, 431 for
 * headers over `maxHeaderSize`, 400 for a request that does not parse) carry the kit's JSON error body and
 * `Cache-Control: no-store` like every other answer, then the connection is closed. Nothing of the request is echoed.
 *
 * `server.on('clientError', answerClientError)` gives a server of your own the same answers.
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  // A response the app already started cannot be replaced; a socket the client closed cannot be written to.
  const started = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent === true
  if (error.code === 'ECONNRESET' || !socket.writable || started) {
    socket.destroy()
    return
  }
  const [status, reason, code] = (error.code && ANSWERS[error.code]) || BAD_REQUEST
  const body = JSON.stringify({ error: { code } })
  const head = [
    `HTTP/1.1 ${status} ${reason}`,
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Cache-Control: no-store',
    'X-Content-Type-Options: nosniff',
    'Connection: close',
  ]
  // end() flushes the answer before the FIN, so the client reads it; then the socket goes.
  socket.end(`${head.join('\r\n')}\r\n\r\n${body}`, () => socket.destroy())
}
