import { createHash } from 'node:crypto'

export function sha256Digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest()
}
