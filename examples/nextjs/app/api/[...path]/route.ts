// The share server on this app's own origin: the kit's web-standard handler answers every request under /api
// (`POST` / `GET /api/clients/:clientId/backup` from the buttons, Portal's custodian webhook under /api/webhook/...).
import { join } from 'node:path'
import { createWebHandler, postgresStore, sqliteStore, type WebHandler } from 'react-mpc-backup/server'
import { sessionAuthenticate } from '../../../lib/session'

// better-sqlite3 and pg are native / Node drivers: the Node runtime, never the edge.
export const runtime = 'nodejs'

// Made at the first request, not at module load: `next build` evaluates this module, and sqliteStore opens (and
// creates) its database file as soon as it is made. The handler checks its options at that first request too: a
// secret missing from the environment answers 503 `not_ready` and the log says which.
let handler: WebHandler | undefined

function handle(request: Request): Promise<Response> {
  handler ??= createWebHandler({
    basePath: '/api',
    // SQLite on this machine's disk by default; a serverless or multi-instance deployment has no lasting local disk
    // and must use PostgreSQL (DATABASE_URL).
    store: process.env.DATABASE_URL
      ? postgresStore({ connectionString: process.env.DATABASE_URL })
      : sqliteStore({ filename: join(process.env.DATA_DIR || '.data', 'backups.db') }),
    // The signed session cookie of lib/session.ts names the caller's clientId.
    authenticate: sessionAuthenticate,
    webhookSecret: process.env.WEBHOOK_SECRET ?? '',
    encryptionKey: process.env.BACKUP_ENCRYPTION_KEY ?? '',
  })
  return handler(request)
}

export { handle as GET, handle as POST }
