/**
 * A fixed, input-free description of a known failure (a missing driver, a refused connection, a table that already
 * exists...), or undefined. Logs may carry these; never a driver's or parser's own message, which can quote input.
 */
export function knownErrorMessage(error: unknown): string | undefined {
  const code = errorCodeOf(error)
  if (code !== undefined && code in KNOWN) return KNOWN[code]
  const message = error instanceof Error ? error.message : ''
  // The stores' own driver-loading errors: fixed text written by the kit.
  const driver = /^(?:sqliteStore|postgresStore) needs the (better-sqlite3|pg) package/.exec(message)
  if (driver) return `the ${driver[1]} package is not installed (npm install ${driver[1]})`
  return undefined
}

/** The stable code an error carries (a Node system error's `ECONNREFUSED`, a PostgreSQL SQLSTATE, SQLite's `SQLITE_BUSY`). */
export function errorCodeOf(error: unknown): string | undefined {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined
  return typeof code === 'string' && /^[A-Za-z0-9_]{1,40}$/.test(code) ? code : undefined
}

const KNOWN: Record<string, string> = {
  ECONNREFUSED: 'connection refused: is the database running, and is its address right?',
  ENOTFOUND: "the database host name does not resolve: is the connection string's host right?",
  ETIMEDOUT: 'the connection to the database timed out',
  ECONNRESET: 'the database closed the connection',
  EACCES: 'permission denied on the database file or folder',
  ENOENT: 'the database folder does not exist',
  '28P01': 'password authentication failed: check the connection string',
  '28000': 'the database refused this user (pg_hba.conf or role)',
  '3D000': 'the database does not exist',
  '42P07': 'a relation (table) of that name already exists: give the store a schema of its own',
  '42501': 'permission denied in the database: the user needs CREATE on the database or schema',
  '57P01': 'the database server is shutting down',
  '53300': 'the database has too many connections',
  SQLITE_BUSY: 'the database file is locked by another process',
  SQLITE_CANTOPEN: 'the database file cannot be opened: check the path and its folder',
  SQLITE_READONLY: 'the database file is read-only',
  SQLITE_CORRUPT: 'the database file is corrupt',
  SQLITE_FULL: 'the disk is full',
}
