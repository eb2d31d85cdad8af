const HARMLESS_PARAMS = new Set([
  'sslmode',
  'application_name',
  'connect_timeout',
  'target_session_attrs',
  'keepalives',
  'keepalives_idle',
  'ssl',
])

/**
 * A database URL fit to print: no user info at all, and every query parameter except a few known harmless ones
 * masked (`password`, `sslpassword`, `passfile` and anything a driver may add later are all secrets until shown
 * otherwise). Text that does not parse as a URL is not printed at all.
 */
export function redactConnectionString(url: string): string {
  let u: URL
  try {
    u = new URL(url)
  } catch {
    return '(unparsable connection string)'
  }
  const masked = u.username !== '' || u.password !== ''
  u.username = ''
  u.password = ''
  for (const name of new Set(u.searchParams.keys())) {
    if (!HARMLESS_PARAMS.has(name.toLowerCase())) u.searchParams.set(name, '***')
  }
  const text = u.toString()
  return masked ? text.replace('//', '//***@') : text
}
