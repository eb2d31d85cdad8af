type Selector = Map<string, Selector | true>

/** Thrown for a malformed `fields` parameter (Drive answers 400). */
export class FieldsError extends Error {
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

/** Applies a Google partial-response `fields` selector (e.g. `nextPageToken,files(id,name)`) to a resource. */
export function projectFields(resource: Record<string, unknown>, fields: string | null): Record<string, unknown> {
  if (fields === null || fields.trim() === '' || fields.trim() === '*') return resource
  return apply(resource, parseSelector(fields.trim())) as Record<string, unknown>
}
