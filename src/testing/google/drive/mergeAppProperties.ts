import { googleJson } from '../googleJson.js'

/**
 * Drive's appProperties rules: string values; a key set to null is removed; each key plus value at most 124 bytes
 * of UTF-8; at most 30 private properties per app per file. Returns the merged map (undefined when empty), or the 400.
 */
export function mergeAppProperties(
  current: Record<string, string> | undefined,
  update: unknown,
): Record<string, string> | undefined | Response {
  if (update === undefined) return current
  if (update === null || typeof update !== 'object' || Array.isArray(update))
    return googleJson(400, 'badRequest', 'Invalid Value')
  const merged: Record<string, string> = { ...current }
  for (const [key, value] of Object.entries(update as Record<string, unknown>)) {
    if (value === null) {
      delete merged[key]
      continue
    }
    if (typeof value !== 'string') return googleJson(400, 'badRequest', 'Invalid Value')
    if (new TextEncoder().encode(key + value).length > 124)
      return googleJson(
        400,
        'badRequest',
        'Properties and app properties are limited to 124 bytes in size, including both key and value.',
      )
    merged[key] = value
  }
  if (Object.keys(merged).length > 30)
    return googleJson(400, 'badRequest', 'A file may have at most 30 private properties per app.')
  return Object.keys(merged).length ? merged : undefined
}
