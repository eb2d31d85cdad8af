import type { PutCondition } from '../store/BackupStore.js'

/**
 * `If-Match` as a store condition: `*`, or the strong tags listed. Weak tags never match (strong comparison);
 * a value with no strong tag in it still conditions the write, so it fails rather than writing blind.
 */
export function ifMatchCondition(header: string | undefined): PutCondition | undefined {
  if (header === undefined || header.trim() === '') return undefined
  if (header.trim() === '*') return { ifMatch: '*' }
  const tags: string[] = []
  for (const [, weak, tag] of header.matchAll(/(W\/)?("[\x21\x23-\x7e\x80-\xff]*")/g)) {
    if (!weak && tag !== undefined) tags.push(tag)
  }
  return { ifMatch: tags }
}
