/** One part of a multipart body: lower-cased headers and raw bytes. */
interface MultipartPart {
  headers: Record<string, string>
  body: Uint8Array
}

/**
 * Splits a `multipart/related` (Drive's documented upload) or `multipart/form-data` (what browser code often
 * sends with FormData, which Drive also accepts) body into parts. Works on bytes so binary content survives.
 * Returns `undefined` when the body is not well-formed multipart.
 */
export function parseMultipart(bytes: Uint8Array, contentType: string | null): MultipartPart[] | undefined {
  const match = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType ?? '')
  const boundary = match?.[1] ?? match?.[2]?.trim()
  if (!boundary) return undefined
  // A byte-per-char string keeps offsets equal to byte offsets.
  let text = ''
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  const delimiter = `--${boundary}`
  const segments = text.split(delimiter)
  if (segments.length < 3) return undefined
  const parts: MultipartPart[] = []
  // segments[0] is the preamble; the one after the closing delimiter starts with '--'.
  for (const segment of segments.slice(1)) {
    if (segment.startsWith('--')) break
    const raw = segment.replace(/^\r?\n/, '')
    const split = /\r?\n\r?\n/.exec(raw)
    if (!split) return undefined
    const headerText = raw.slice(0, split.index)
    let content = raw.slice(split.index + split[0].length)
    content = content.replace(/\r?\n$/, '')
    const headers: Record<string, string> = {}
    for (const line of headerText.split(/\r?\n/)) {
      const colon = line.indexOf(':')
      if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
    }
    const body = new Uint8Array(content.length)
    for (let i = 0; i < content.length; i++) body[i] = content.charCodeAt(i)
    parts.push({ headers, body })
  }
  return parts
}
