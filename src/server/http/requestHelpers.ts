/** Helpers the host adapters share to build a {@link ServerRequest}: header lookup, cookies and the query. */

/** A header by name from a lower-case header record; repeated values joined with `, `. */
export function headerOf(
  headers: Readonly<Record<string, string | string[] | undefined>>,
  name: string,
): string | undefined {
  const value = headers[name.toLowerCase()]
  return Array.isArray(value) ? value.join(', ') : value
}

/** The `Cookie` header's pairs (RFC 6265 syntax; a value that is not valid percent-encoding is kept as sent). */
export function parseCookies(header: string | undefined): Record<string, string> {
  const cookies: Record<string, string> = Object.create(null) as Record<string, string>
  if (!header) return cookies
  for (const pair of header.split(';')) {
    const at = pair.indexOf('=')
    if (at <= 0) continue
    const name = pair.slice(0, at).trim()
    if (name === '' || name in cookies) continue
    let value = pair.slice(at + 1).trim()
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1)
    try {
      cookies[name] = decodeURIComponent(value)
    } catch {
      cookies[name] = value
    }
  }
  return cookies
}

/** A query string's parameters (without the `?`); a name given twice holds an array. */
export function parseQuery(search: string): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>
  if (search === '') return query
  for (const [name, value] of new URLSearchParams(search)) {
    const held = query[name]
    if (held === undefined) query[name] = value
    else if (Array.isArray(held)) held.push(value)
    else query[name] = [held, value]
  }
  return query
}

/** Splits a request target into its path and query string (without the `?`). */
export function splitTarget(target: string): [path: string, search: string] {
  const at = target.indexOf('?')
  return at === -1 ? [target, ''] : [target.slice(0, at), target.slice(at + 1)]
}
