import type { ServerRequest } from './ServerRequest.js'

type BodyErrorCode = 'invalid_json' | 'invalid_body' | 'payload_too_large' | 'unsupported_media_type'

/** A request body the core refuses; only the code reaches the caller, never the body. */
export class BodyReadError extends Error {
  constructor(
    readonly status: 400 | 413 | 415,
    readonly code: BodyErrorCode,
  ) {
    super(code)
    this.name = 'BodyReadError'
  }
}

/**
 * Reads and parses a small JSON body, on any host:
 * - over `limit` bytes -> 413 (refused from Content-Length before reading when it is declared; otherwise reading
 *   stops at the limit, and the answer closes the connection so the rest is never read);
 * - a Content-Encoding other than identity, or a charset other than UTF-8 -> 415 (no inflation: no zip bombs);
 * - a body stream that errors or ends early (the client went away) -> 400 `invalid_body`;
 * - not JSON, or JSON whose top level is not an object or array -> 400 `invalid_json`;
 * - an empty body parses as `{}` (as body-parser does), which the checks then refuse.
 * A body an app-level parser already parsed is used as it is.
 */
export async function readJsonBody(request: ServerRequest, limit: number): Promise<unknown> {
  const { body } = request
  if (body.kind === 'parsed') return body.value

  const encoding = request.get('content-encoding')
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity')
    throw new BodyReadError(415, 'unsupported_media_type')
  const contentType = request.get('content-type')
  if (contentType !== undefined && !utf8Charset(contentType)) throw new BodyReadError(415, 'unsupported_media_type')
  const declared = request.get('content-length')
  if (declared !== undefined && Number(declared) > limit) throw new BodyReadError(413, 'payload_too_large')

  let bytes: Uint8Array
  if (body.kind === 'bytes') {
    if (body.bytes.length > limit) throw new BodyReadError(413, 'payload_too_large')
    bytes = body.bytes
  } else {
    const chunks: Uint8Array[] = []
    let received = 0
    try {
      for await (const chunk of body.chunks) {
        received += chunk.length
        // Stop reading: leaving the loop ends the iteration, and the answer closes the connection.
        if (received > limit) throw new BodyReadError(413, 'payload_too_large')
        chunks.push(chunk)
      }
    } catch (error) {
      throw error instanceof BodyReadError ? error : new BodyReadError(400, 'invalid_body')
    }
    // A stream that ended without the whole body (the client went away) is not a body.
    if (!request.bodyComplete()) throw new BodyReadError(400, 'invalid_body')
    bytes = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, received)
  }
  return parseStrict(bytes)
}

function parseStrict(bytes: Uint8Array): unknown {
  if (bytes.length === 0) return {}
  let text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8')
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
  // Strict like body-parser: the first non-blank character must open an object or an array.
  const first = /^[ \t\n\r]*(.)/s.exec(text)?.[1]
  if (first !== '{' && first !== '[') throw new BodyReadError(400, 'invalid_json')
  try {
    return JSON.parse(text) as unknown
  } catch {
    throw new BodyReadError(400, 'invalid_json')
  }
}

function utf8Charset(contentType: string): boolean {
  const match = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType)
  if (!match) return true
  const charset = match[1]!.toLowerCase()
  return charset === 'utf-8' || charset === 'utf8'
}
