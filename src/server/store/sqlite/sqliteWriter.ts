/**
 * sqliteStore's writer thread: the entry module of a `worker_threads` Worker (started by startSqliteWriter.ts). It
 * owns the one write connection; the main thread sends it batches of jobs (sqliteWriterProtocol.ts).
 *
 * One message is one batch, committed as one IMMEDIATE transaction (one fsync under synchronous=FULL); each job runs
 * in its own savepoint, so a failing job does not undo the others. The answers are posted only after the commit
 * returned, so the main thread answers a request only once its write is on disk.
 *
 * It loads `better-sqlite3` by package name and imports nothing of ours at run time (types only): a bundler that
 * emits it as a worker chunk, or splits it out of a dynamic import, needs nothing else of the kit beside it.
 */
import { createHash } from 'node:crypto'
import { isMainThread, type MessagePort, parentPort, workerData } from 'node:worker_threads'
import Database from 'better-sqlite3'
import type {
  FromWriter,
  ToWriter,
  WriterData,
  WriterError,
  WriterJob,
  WriterOp,
  WriterOutcome,
  WriterResults,
  WriterStart,
} from './sqliteWriterProtocol.js'
import type { IdempotencyRow } from '../storeRows.js'

/**
 * This module's URL wherever a bundler put it: startSqliteWriter's way to the writer when the bundler left
 * `new Worker(new URL('./sqliteWriter.js', import.meta.url))` alone (it imports this module, then starts a worker on it).
 */
export const sqliteWriterUrl: string = import.meta.url

type Handlers = { [Op in WriterOp]: (job: Extract<WriterJob, { op: Op }>) => WriterResults[Op] }

const errorOf = (e: unknown): WriterError => {
  const error = e as { message?: unknown; code?: unknown } | null | undefined
  return {
    message: String(error?.message),
    ...(typeof error?.code === 'string' ? { code: error.code } : {}),
  }
}

// Buffers arrive as Uint8Arrays (structured clone); SQLite must store them as BLOBs.
const blob = (u8: Uint8Array): Buffer => Buffer.from(u8.buffer, u8.byteOffset, u8.byteLength)

// The same tag as revisionOf.ts (not imported: see the header; both are checked by the If-Match suite on both stores).
const revisionOf = (data: Uint8Array): string =>
  `"${createHash('sha256').update(data).digest('base64url').slice(0, 22)}"`

/** How long the write connection waits for another connection's lock (restored after a WAL truncation's own wait). */
const BUSY_TIMEOUT_MS = 5000

/** Thrown inside a job so its savepoint rolls back what the job did before the precondition was found to fail. */
class PreconditionFailed extends Error {}

function openDatabase(data: WriterData): Database.Database {
  const db = new Database(data.filename)
  try {
    db.pragma('journal_mode = WAL')
    db.pragma(`synchronous = ${data.synchronous === 'NORMAL' ? 'NORMAL' : 'FULL'}`)
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`)
    // Deleted or replaced content (an erased share, the share a new backup replaced) is overwritten with zeros in the
    // file as it is freed, instead of lingering in free pages until reused. Its WAL copies go at the next checkpoint
    // that truncates the log (after every erase: see `scrub`).
    db.pragma('secure_delete = ON')
    db.exec(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
    )
    // IMMEDIATE takes the write lock first, so two processes opening one file cannot both apply a migration.
    db.transaction(() => {
      const rows = db.prepare('SELECT version FROM schema_migrations').all() as Array<{ version: number }>
      const applied = new Set(rows.map((r) => r.version))
      const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)')
      for (const m of data.migrations) {
        if (applied.has(m.version)) continue
        db.exec(m.sql)
        record.run(m.version, m.name, new Date().toISOString())
      }
    }).immediate()
    return db
  } catch (e) {
    db.close()
    throw e
  }
}

function writeStatements(db: Database.Database) {
  return {
    putBackup: db.prepare(
      [
        'INSERT INTO client_backups (client_id, backup_method, key_version, key_file_id, google_account, wallet_backup_id,',
        'key_id, data, stored_at, seq)',
        'VALUES (@client_id, @backup_method, @key_version, @key_file_id, @google_account, @wallet_backup_id, @key_id, @data,',
        '@stored_at,',
        '(SELECT coalesce(max(seq), 0) + 1 FROM client_backups))',
        'ON CONFLICT (client_id, backup_method) DO UPDATE SET',
        'key_version = excluded.key_version, key_file_id = excluded.key_file_id, google_account = excluded.google_account,',
        'wallet_backup_id = excluded.wallet_backup_id,',
        'key_id = excluded.key_id, data = excluded.data, stored_at = excluded.stored_at, seq = excluded.seq',
      ].join(' '),
    ),
    getData: db.prepare('SELECT data FROM client_backups WHERE client_id = ? AND backup_method = ?'),
    putShare: db.prepare(
      [
        'INSERT INTO custodian_shares (client_id, backup_method, key_id, data, stored_at, seq)',
        'VALUES (@client_id, @backup_method, @key_id, @data, @stored_at,',
        '(SELECT coalesce(max(seq), 0) + 1 FROM custodian_shares))',
        'ON CONFLICT (client_id, backup_method) DO UPDATE SET',
        'key_id = excluded.key_id, data = excluded.data, stored_at = excluded.stored_at, seq = excluded.seq',
      ].join(' '),
    ),
    getIdem: db.prepare('SELECT * FROM idempotency_keys WHERE client_id = ? AND idem_key = ? AND expires_at > ?'),
    // An expired record is taken over; a live one is left alone (no row changes -> replay).
    claimIdem: db.prepare(
      [
        'INSERT INTO idempotency_keys (client_id, idem_key, fingerprint, status, body, expires_at)',
        'VALUES (@client_id, @idem_key, @fingerprint, @status, @body, @expires_at)',
        'ON CONFLICT (client_id, idem_key) DO UPDATE SET',
        'fingerprint = excluded.fingerprint, status = excluded.status, body = excluded.body, expires_at = excluded.expires_at',
        'WHERE idempotency_keys.expires_at <= @now',
      ].join(' '),
    ),
    purgeIdem: db.prepare('DELETE FROM idempotency_keys WHERE expires_at <= ?'),
  }
}

function jobHandlers(db: Database.Database, q: ReturnType<typeof writeStatements>, data: WriterData): Handlers {
  const reads = new Map(Object.entries(data.reads).map(([name, sql]) => [name, db.prepare(sql)]))
  const writes = new Map(Object.entries(data.writes).map(([name, sql]) => [name, db.prepare(sql)]))
  return {
    put({ backup, idem, condition, columns }) {
      const now = backup.storedAt.getTime()
      if (idem) {
        const claimed = q.claimIdem.run({
          client_id: idem.clientId,
          idem_key: idem.key,
          fingerprint: idem.fingerprint,
          status: idem.status,
          body: idem.body,
          expires_at: idem.expiresAt.getTime(),
          now,
        })
        if (claimed.changes === 0) {
          const row = q.getIdem.get(idem.clientId, idem.key, now) as IdempotencyRow | undefined
          if (row) return { replayed: true, previous: row }
        }
      }
      if (condition) {
        const current = q.getData.get(backup.clientId, backup.backupMethod) as { data: Buffer } | undefined
        const holds =
          current !== undefined && (condition.ifMatch === '*' || condition.ifMatch.includes(revisionOf(current.data)))
        // Thrown so the job's savepoint rolls back the idempotency claim made above.
        if (!holds) throw new PreconditionFailed()
      }
      q.putBackup.run({
        client_id: backup.clientId,
        backup_method: backup.backupMethod,
        ...columns,
        key_id: backup.keyId,
        data: blob(backup.data),
        stored_at: now,
      })
      return { replayed: false }
    },
    putShare({ share }) {
      q.putShare.run({
        client_id: share.clientId,
        backup_method: share.backupMethod,
        key_id: share.keyId,
        data: blob(share.data),
        stored_at: share.storedAt.getTime(),
      })
      return undefined
    },
    read({ name, args, all }) {
      const statement = reads.get(name)
      if (!statement) throw new Error(`sqliteStore writer: no read named ${name}`)
      return all ? statement.all(...args) : statement.get(...args)
    },
    run({ names, args }) {
      return names.map((name) => {
        const statement = writes.get(name)
        if (!statement) throw new Error(`sqliteStore writer: no write named ${name}`)
        return statement.run(...args).changes
      })
    },
  }
}

/** Opens the database, then answers batches on `port` until it is told to close. */
function runWriter(port: MessagePort, data: WriterData): void {
  const post = (message: FromWriter) => port.postMessage(message)
  let db: Database.Database
  try {
    db = openDatabase(data)
  } catch (e) {
    post({ failed: errorOf(e) })
    return
  }
  const q = writeStatements(db)
  const handlers = jobHandlers(db, q, data)
  const runJob = (job: WriterJob): unknown => (handlers[job.op] as (job: WriterJob) => unknown)(job)
  const savepoint = db.transaction((job: WriterJob) => runJob(job))
  const commitBatch = db.transaction((jobs: WriterJob[]): WriterOutcome[] =>
    jobs.map((job) => {
      try {
        return { ok: true, value: savepoint(job) }
      } catch (e) {
        if (e instanceof PreconditionFailed) return { ok: true, value: { replayed: false, preconditionFailed: true } }
        return { ok: false, error: errorOf(e) }
      }
    }),
  )

  // Expired idempotency records only need to vanish eventually (an expired one is ignored and taken over by its key's
  // next use): a periodic scan between batches keeps writes from maintaining an index on expires_at.
  const sweep = setInterval(() => {
    try {
      q.purgeIdem.run(Date.now())
    } catch {}
  }, data.sweepMs)

  // After an erase the WAL is truncated. A reader still on an older snapshot (another process's long read) blocks
  // that: the erase's own attempt waits for it briefly; when still blocked, the truncation is tried again after each
  // later batch, without waiting, until it succeeds, so a reader left open never slows the writes down.
  let scrubPending = false
  const truncateWal = (waitMs: number) => {
    db.pragma(`busy_timeout = ${waitMs}`)
    try {
      const [result] = db.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy: number }>
      scrubPending = result?.busy !== 0
    } catch {
      scrubPending = true
    } finally {
      db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`)
    }
  }

  port.on('message', (message: ToWriter) => {
    if ('close' in message) {
      clearInterval(sweep)
      db.close()
      port.close()
      return
    }
    let outcomes: WriterOutcome[]
    try {
      outcomes = commitBatch.immediate(message.jobs)
    } catch (e) {
      const error = errorOf(e)
      outcomes = message.jobs.map(() => ({ ok: false, error }))
    }
    if (message.jobs.some((job, i) => job.op === 'run' && job.scrub && outcomes[i]?.ok)) truncateWal(250)
    else if (scrubPending) truncateWal(0)
    post({ outcomes })
  })
  post({ ready: true })
}

const start = workerData as Partial<WriterStart> | null | undefined
if (!isMainThread && parentPort && start?.sqliteWriter) runWriter(parentPort, start.sqliteWriter)
