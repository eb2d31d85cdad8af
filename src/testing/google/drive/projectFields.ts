type Selector = Map<string, Selector | true>

/** Field names a resource has: `true` for a leaf or a map (not checked deeper), a nested schema for a sub-resource. */
export type FieldSchema = { readonly [name: string]: true | FieldSchema }

/** Thrown for a malformed `fields` parameter (Drive answers 400). */
class FieldsError extends Error {
  override name = 'FieldsError'
}

function parseSelector(fields: string): Selector {
  let pos = 0
  const parseList = (): Selector => {
    const selector: Selector = new Map()
    for (;;) {
      const m = /^\s*([A-Za-z0-9_*]+(?:\/[A-Za-z0-9_*]+)*)\s*/.exec(fields.slice(pos))
      if (!m?.[1]) throw new FieldsError(`bad fields near "${fields.slice(pos)}"`)
      pos += m[0].length
      // 'a/b' is shorthand for 'a(b)'.
      const path = m[1].split('/')
      let sub: Selector | true = true
      if (fields.charAt(pos) === '(') {
        pos++
        sub = parseList()
        if (fields.charAt(pos) !== ')') throw new FieldsError('missing )')
        pos++
        while (fields.charAt(pos) === ' ') pos++
      }
      for (let i = path.length - 1; i > 0; i--) sub = new Map([[path[i] ?? '', sub]])
      const head = path[0] ?? ''
      const existing = selector.get(head)
      if (existing instanceof Map && sub instanceof Map) for (const [k, v] of sub) existing.set(k, v)
      else selector.set(head, sub)
      if (fields.charAt(pos) === ',') {
        pos++
        continue
      }
      return selector
    }
  }
  const result = parseList()
  if (pos !== fields.length) throw new FieldsError(`bad fields near "${fields.slice(pos)}"`)
  return result
}

function apply(value: unknown, selector: Selector | true): unknown {
  if (selector === true || selector.has('*')) return value
  if (Array.isArray(value)) return value.map((item) => apply(item, selector))
  if (value === null || typeof value !== 'object') return value
  const source = value as Record<string, unknown>
  const out: Record<string, unknown> = {}
  for (const [key, sub] of selector) {
    if (key in source) out[key] = apply(source[key], sub)
  }
  return out
}

/** Thrown for a name the resource does not have; Drive answers 400 "Invalid field selection <name>". */
export class UnknownFieldError extends FieldsError {
  override name = 'UnknownFieldError'
  constructor(readonly field: string) {
    super(`Invalid field selection ${field}`)
  }
}

function check(selector: Selector, schema: FieldSchema) {
  for (const [key, sub] of selector) {
    if (key === '*') continue
    const known = Object.hasOwn(schema, key) ? schema[key] : undefined
    if (known === undefined) throw new UnknownFieldError(key)
    if (sub instanceof Map && known !== true) check(sub, known)
  }
}

/**
 * Applies a Google partial-response `fields` selector (e.g. `nextPageToken,files(id,name)`) to a resource. With a
 * schema, a name the resource does not have throws UnknownFieldError, as Google refuses it (400) rather than
 * dropping it.
 */
export function projectFields(
  resource: Record<string, unknown>,
  fields: string | null,
  schema?: FieldSchema,
): Record<string, unknown> {
  if (fields === null || fields.trim() === '' || fields.trim() === '*') return resource
  const selector = parseSelector(fields.trim())
  if (schema) check(selector, schema)
  return apply(resource, selector) as Record<string, unknown>
}
