/** Bytes of a string (UTF-8) or a private copy of the given bytes. */
export function toBytes(content: string | Uint8Array): Uint8Array<ArrayBuffer> {
  if (typeof content === 'string') return new TextEncoder().encode(content)
  const copy = new Uint8Array(content.length)
  copy.set(content)
  return copy
}
