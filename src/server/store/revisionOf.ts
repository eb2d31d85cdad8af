import { createHash } from 'node:crypto'

/**
 * The strong ETag (quoted) of a stored backup, derived from its sealed bytes: every write seals with a fresh
 * IV, so every write gets a new tag, and the tag says nothing about the plaintext.
 */
export function revisionOf(data: Uint8Array): string {
  return `"${createHash('sha256').update(data).digest('base64url').slice(0, 22)}"`
}
