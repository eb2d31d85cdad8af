import type { Request } from 'express'

type BodyErrorCode = 'invalid_json' | 'invalid_body' | 'payload_too_large' | 'unsupported_media_type'

/** A request body the router refuses; only the code reaches the caller, never the body. */
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
 * Reads and parses a small JSON body: what `express.json({ strict: true })` does for these routes, without its
 * per-request content negotiation, iconv decoding and stream plumbing (measured as most of the route's cost).
 * - over `limit` bytes -> 413 (refused from Content-Length before reading when it is declared);
 * - a Content-Encoding other than identity, or a charset other than UTF-8 -> 415 (no inflation: no zip bombs);
 * - not JSON, or JSON whose top level is not an object or array -> 400 `invalid_json`;
 * - an empty body parses as `{}` (as body-parser does), which the schemas then refuse.
 * A body already parsed by an app-level parser mounted before the router is used as it is.
 */
export function readJsonBody(req: Request, limit: number): Promise<unknown> {
  if ((req as Request & { _body?: boolean })._body) return Promise.resolve(req.body)

  const encoding = req.headers['content-encoding']
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') {
    return Promise.reject(new BodyReadError(415, 'unsupported_media_type'))
  }
  const contentType = req.headers['content-type']
  if (contentType !== undefined && !utf8Charset(contentType))
    return Promise.reject(new BodyReadError(415, 'unsupported_media_type'))
  const declared = req.headers['content-length']
  if (declared !== undefined && Number(declared) > limit)
    return Promise.reject(new BodyReadError(413, 'payload_too_large'))

  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let received = 0
    let settled = false
    const finish = (error: BodyReadError | undefined, value?: unknown) => {
      if (settled) return
      settled = true
      req.off('data', onData)
      req.off('end', onEnd)
      req.off('error', onAbort)
      req.off('close', onClose)
      if (error) reject(error)
      else resolve(value)
    }
    const onData = (chunk: Buffer) => {
      received += chunk.length
      if (received > limit) {
        // Stop buffering; the answer says Connection: close so the rest is never read.
        req.pause()
        return finish(new BodyReadError(413, 'payload_too_large'))
      }
      chunks.push(chunk)
    }
    const onEnd = () => {
      const buffer = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, received)
      let value: unknown
      try {
        value = parseStrict(buffer)
      } catch (error) {
        return finish(error instanceof BodyReadError ? error : new BodyReadError(400, 'invalid_json'))
      }
      finish(undefined, value)
    }
    const onAbort = () => finish(new BodyReadError(400, 'invalid_body'))
    const onClose = () => {
      if (!req.complete) onAbort()
    }
    req.on('data', onData)
    req.on('end', onEnd)
    req.on('error', onAbort)
    req.on('close', onClose)
  }).catch((error: unknown) => {
    throw error instanceof BodyReadError ? error : new BodyReadError(400, 'invalid_json')
  })
}

function parseStrict(buffer: Buffer): unknown {
  if (buffer.length === 0) return {}
  let text = buffer.toString('utf8')
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
