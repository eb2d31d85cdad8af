// The share server of this app: the kit's web-standard handler, one per server process. The route handler
// (app/api/[...path]/route.ts) answers with it and instrumentation.ts checks it once at start: two bundles, so the
// handler is kept on globalThis, or each would open a store of its own.
import { join } from 'node:path'
import { createWebHandler, postgresStore, sqliteStore, type WebHandler } from 'react-mpc-backup/server'
import { sessionAuthenticate } from './session'

const slot = Symbol.for('react-mpc-backup.example-nextjs.share-server')

/**
 * Made when first asked for, never at module load: `next build` evaluates the route's module, and a SQLite store
 * opens (and creates) its database file as soon as it is made. The options are checked by `ready()` (at start, from
 * instrumentation.ts) or at the first request: a missing secret answers 503 `not_ready` and the log says which.
 */
export function shareServer(): WebHandler {
  const holder = globalThis as typeof globalThis & { [slot]?: WebHandler }
  holder[slot] ??= createWebHandler({
    basePath: '/api',
    // SQLite on this machine's disk by default; a serverless or multi-instance deployment has no lasting local disk
    // shared by its instances and must use PostgreSQL (DATABASE_URL).
    store: process.env.DATABASE_URL
      ? postgresStore({ connectionString: process.env.DATABASE_URL })
      : sqliteStore({ filename: join(process.env.DATA_DIR || '.data', 'backups.db') }),
    // The signed session cookie of lib/session.ts names the caller's clientId.
    authenticate: sessionAuthenticate,
    webhookSecret: process.env.WEBHOOK_SECRET ?? '',
    encryptionKey: process.env.BACKUP_ENCRYPTION_KEY ?? '',
  })
  return holder[slot]
}
