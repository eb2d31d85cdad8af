import { existsSync, mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import type Database from 'better-sqlite3'
import type { BackupStore, ListFilter } from '../BackupStore.js'
import { lazyStore } from '../lazyStore.js'
import { sqliteErase } from './sqliteErase.js'
import { sqliteMaintenance } from './sqliteMaintenance.js'
import { startSqliteWriter } from './startSqliteWriter.js'
import {
  type FromWriter,
  type WriterJob,
  type WriterOp,
  type WriterOutcome,
  type WriterResults,
  writerError,
} from './sqliteWriterProtocol.js'
import { type BackupRow, type IdempotencyRow, type ShareRow, storeRows } from '../storeRows.js'
import { tightenFileMode } from './tightenFileMode.js'

export interface SqliteStoreOptions {
  /** Database file; its folder is created when missing. `:memory:` works for throwaway use. */
  filename: string
  /**
   * FULL (default) syncs the WAL on every commit, so a 200 survives power loss too; NORMAL in WAL mode
   * still survives a killed process (the OS holds the pages) but may lose the last commits on power loss or an
   * OS crash, and is faster (one fsync per group commit is most of a FULL write's cost; see bench/server.mjs).
   *
   * FULL stays the default on purpose: an answer is a promise others act on. After a 200 the browser deletes
   * its older Drive key files; after a webhook's 200 the provider records the custodian backup as stored. Losing that
   * commit would leave a server row that no remaining key opens, i.e. an unrecoverable wallet. Choose NORMAL
   * only where the disk or a replica already makes acknowledged writes survive power loss.
   */
  synchronous?: 'FULL' | 'NORMAL'
  /**
   * Hears that an existing database file (or its -wal / -shm) was readable by others and has been made owner-only
   * (0600). Default console.warn. New files are created 0600, a new folder 0700.
   */
  onWarning?: (message: string) => void
  /**
   * How often expired idempotency records are deleted, in ms (default 10 minutes), on the writer thread between
   * commits. Writes never wait for it: an expired record is ignored and taken over by its key's next use.
   */
  idempotencySweepMs?: number
}

/** Ordered, append-only: a migration is never edited once released; add a new one instead. */
const migrations: ReadonlyArray<{ version: number; name: string; sql: string }> = [
  {
    version: 1,
    name: 'create backups, custodian shares and idempotency keys',
    sql: `
      CREATE TABLE client_backups (
        client_id     TEXT    NOT NULL,
        backup_method TEXT    NOT NULL,
        key_version   TEXT,
        key_id        TEXT    NOT NULL,
        data          BLOB    NOT NULL,
        stored_at     INTEGER NOT NULL,
        seq           INTEGER NOT NULL,
        PRIMARY KEY (client_id, backup_method)
      );
      CREATE INDEX client_backups_latest ON client_backups (client_id, seq DESC);
      CREATE INDEX client_backups_seq ON client_backups (seq);
      CREATE TABLE custodian_shares (
        client_id     TEXT    NOT NULL,
        backup_method TEXT    NOT NULL,
        key_id        TEXT    NOT NULL,
        data          BLOB    NOT NULL,
        stored_at     INTEGER NOT NULL,
        seq           INTEGER NOT NULL,
        PRIMARY KEY (client_id, backup_method)
      );
      CREATE INDEX custodian_shares_latest ON custodian_shares (client_id, seq DESC);
      CREATE INDEX custodian_shares_seq ON custodian_shares (seq);
      CREATE TABLE idempotency_keys (
        client_id   TEXT    NOT NULL,
        idem_key    TEXT    NOT NULL,
        fingerprint TEXT    NOT NULL,
        status      INTEGER NOT NULL,
        body        TEXT    NOT NULL,
        expires_at  INTEGER NOT NULL,
        PRIMARY KEY (client_id, idem_key)
      );
      CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at);
    `,
  },
  {
    version: 2,
    name: 'client backups name the Drive file id of their key',
    // Nullable: rows written before it keep working (the client then finds the key by name).
    sql: `ALTER TABLE client_backups ADD COLUMN key_file_id TEXT;`,
  },
  {
    version: 3,
    name: 'client backups name the Google account that holds their key',
    // Nullable JSON text: rows written before it keep working (recovery then sends no account hint).
    sql: `ALTER TABLE client_backups ADD COLUMN google_account TEXT;`,
  },
  {
    version: 4,
    name: 'fewer B-trees per write: seq is the rowid, no latest indexes, idempotency keys clustered on their key',
    // A backup write touched 7 B-trees (5.7 WAL pages per commit). seq becomes the rowid, so the newest row is the
    // last one and its index is gone; the unique (client_id, backup_method) index already finds a client's rows (one
    // per method) to pick the newest from. Idempotency rows are small: WITHOUT ROWID keeps each in its key's B-tree
    // alone, and expired ones are swept by a periodic scan on the writer thread instead of an index kept on every write.
    sql: `
      CREATE TABLE client_backups_v4 (
        seq            INTEGER PRIMARY KEY,
        client_id      TEXT    NOT NULL,
        backup_method  TEXT    NOT NULL,
        key_version    TEXT,
        key_id         TEXT    NOT NULL,
        data           BLOB    NOT NULL,
        stored_at      INTEGER NOT NULL,
        key_file_id    TEXT,
        google_account TEXT,
        UNIQUE (client_id, backup_method)
      );
      INSERT INTO client_backups_v4 (seq, client_id, backup_method, key_version, key_id, data, stored_at, key_file_id, google_account)
        SELECT seq, client_id, backup_method, key_version, key_id, data, stored_at, key_file_id, google_account FROM client_backups;
      DROP TABLE client_backups;
      ALTER TABLE client_backups_v4 RENAME TO client_backups;
      CREATE TABLE custodian_shares_v4 (
        seq            INTEGER PRIMARY KEY,
        client_id      TEXT    NOT NULL,
        backup_method  TEXT    NOT NULL,
        key_id         TEXT    NOT NULL,
        data           BLOB    NOT NULL,
        stored_at      INTEGER NOT NULL,
        UNIQUE (client_id, backup_method)
      );
      INSERT INTO custodian_shares_v4 (seq, client_id, backup_method, key_id, data, stored_at)
        SELECT seq, client_id, backup_method, key_id, data, stored_at FROM custodian_shares;
      DROP TABLE custodian_shares;
      ALTER TABLE custodian_shares_v4 RENAME TO custodian_shares;
      CREATE TABLE idempotency_keys_v4 (
        client_id   TEXT    NOT NULL,
        idem_key    TEXT    NOT NULL,
        fingerprint TEXT    NOT NULL,
        status      INTEGER NOT NULL,
        body        TEXT    NOT NULL,
        expires_at  INTEGER NOT NULL,
        PRIMARY KEY (client_id, idem_key)
      ) WITHOUT ROWID;
      INSERT INTO idempotency_keys_v4 SELECT client_id, idem_key, fingerprint, status, body, expires_at FROM idempotency_keys;
      DROP TABLE idempotency_keys;
      ALTER TABLE idempotency_keys_v4 RENAME TO idempotency_keys;
    `,
  },
  {
    version: 5,
    name: 'client backups name the wallet backup (provider pair id) they describe',
    // Nullable: rows written before it keep working (status then cannot tell a newer backup of the method from ours).
    sql: `ALTER TABLE client_backups ADD COLUMN wallet_backup_id TEXT;`,
  },
]

/** Every read, by name: run on the main thread's own connection, or by the writer thread for `:memory:`. */
const reads = {
  getByMethod: 'SELECT * FROM client_backups WHERE client_id = ? AND backup_method = ?',
  // The primary key's index finds the client's few rows (one per method); the newest is picked among them.
  getLatest: 'SELECT * FROM client_backups WHERE client_id = ? ORDER BY seq DESC LIMIT 1',
  listAll: 'SELECT * FROM client_backups ORDER BY seq DESC LIMIT ?',
  listClient: 'SELECT * FROM client_backups WHERE client_id = ? ORDER BY seq DESC LIMIT ?',
  listSharesAll: 'SELECT * FROM custodian_shares ORDER BY seq DESC LIMIT ?',
  listSharesClient: 'SELECT * FROM custodian_shares WHERE client_id = ? ORDER BY seq DESC LIMIT ?',
  getIdem: 'SELECT * FROM idempotency_keys WHERE client_id = ? AND idem_key = ? AND expires_at > ?',
} as const
type ReadName = keyof typeof reads

/**
 * Embedded store on better-sqlite3 (WAL). Writes run on a writer thread with its own connection, so the commit and
 * its fsync never block the event loop; reads run on the calling thread's own connection (a few microseconds each).
 *
 * better-sqlite3 is loaded on first use, not when `react-mpc-backup/server` is imported, so a PostgreSQL-only
 * install never needs it. The database opens (and migrates) at the first call, not when the store is made (a route
 * module evaluated by `next build` creates no file); a failure to open is the answer of every call, so the first
 * one (the server's start-up check, `ready()`) reports it.
 */
export function sqliteStore(options: SqliteStoreOptions): BackupStore {
  return lazyStore('sqliteStore', async () => {
    if (options.filename !== ':memory:') {
      // Before SQLite opens it: SQLite gives the -wal and -shm files the database file's mode.
      const warn = options.onWarning ?? ((message: string) => console.warn(`[react-mpc-backup] ${message}`))
      mkdirSync(dirname(options.filename), { recursive: true, mode: 0o700 })
      tightenFileMode(options.filename, 'file', warn)
      for (const suffix of ['-wal', '-shm'])
        if (existsSync(options.filename + suffix)) tightenFileMode(options.filename + suffix, 'file', warn)
    }
    return openSqliteStore(options, await loadDriver())
  })
}

async function loadDriver(): Promise<typeof Database> {
  try {
    // By package name, here and in the writer thread: a bundler either bundles it or leaves it to Node, both times
    // as the same package.
    return (await import('better-sqlite3')).default
  } catch (cause) {
    throw new Error('sqliteStore needs the better-sqlite3 package: npm install better-sqlite3', { cause })
  }
}

type Pending = { job: WriterJob; resolve: (value: unknown) => void; reject: (error: unknown) => void }

async function openSqliteStore(
  options: SqliteStoreOptions,
  Database: typeof import('better-sqlite3'),
): Promise<BackupStore> {
  const memory = options.filename === ':memory:'
  if (!memory) mkdirSync(dirname(options.filename), { recursive: true })
  // Resolves once the writer has opened and migrated the file. It is unref'd: the writer must never keep a process
  // alive on its own; pending writes hold the event loop through their promises (and ref it while a batch is out).
  const worker = await startSqliteWriter({
    filename: options.filename,
    synchronous: options.synchronous === 'NORMAL' ? 'NORMAL' : 'FULL',
    migrations,
    reads,
    writes: sqliteErase.statements,
    sweepMs: options.idempotencySweepMs ?? 10 * 60_000,
  })
  let broken: Error | undefined
  const fail = (error: Error) => {
    broken ??= error
    for (const p of [...(inFlight ?? []), ...queue]) p.reject(broken)
    inFlight = undefined
    queue = []
    drained?.()
  }
  worker.on('error', (error) => fail(error))
  worker.on('exit', () => fail(new Error('sqliteStore is closed')))

  // Reads on this thread, on a connection of their own (WAL: readers never wait for the writer). A `:memory:`
  // database exists only in the writer's connection, so there the writer answers reads too.
  const reader = memory ? undefined : new Database(options.filename, { fileMustExist: true })
  reader?.pragma('busy_timeout = 5000')
  const readStatements = reader
    ? (Object.fromEntries(Object.entries(reads).map(([name, sql]) => [name, reader.prepare(sql)])) as Record<
        ReadName,
        Database.Statement
      >)
    : undefined
  const read = async <T>(name: ReadName, args: unknown[], all: boolean): Promise<T> => {
    if (readStatements) return (all ? readStatements[name].all(...args) : readStatements[name].get(...args)) as T
    return fromWorker((await submit({ op: 'read', name, args, all })) as T)
  }

  // Group commit: the writes that arrive while a batch is being committed go together as the next batch, hence one
  // fsync under synchronous=FULL for all of them; each caller is answered only after its batch committed.
  let queue: Pending[] = []
  // One batch at a time: the next waits in `queue` until this one's answer is back.
  let inFlight: Pending[] | undefined
  // Set by close() while it waits for the accepted writes to be committed.
  let drained: (() => void) | undefined
  let scheduled = false
  let closed = false
  const flush = () => {
    scheduled = false
    if (queue.length === 0 || inFlight) return
    inFlight = queue
    queue = []
    worker.ref()
    worker.postMessage({ jobs: inFlight.map((p) => p.job) })
  }
  worker.on('message', (msg: FromWriter) => {
    const batch = inFlight
    if (!batch || !('outcomes' in msg)) return
    inFlight = undefined
    worker.unref()
    msg.outcomes.forEach((outcome: WriterOutcome, i) => {
      const p = batch[i]!
      if (outcome.ok) p.resolve(outcome.value)
      else p.reject(writerError(outcome.error))
    })
    if (queue.length > 0) flush()
    else drained?.()
  })
  const submit = <Op extends WriterOp>(job: Extract<WriterJob, { op: Op }>): Promise<WriterResults[Op]> =>
    new Promise((resolve, reject) => {
      if (closed) return reject(new Error('sqliteStore is closed'))
      if (broken) return reject(broken)
      queue.push({ job, resolve: resolve as (value: unknown) => void, reject })
      // The rest of this event-loop turn joins the batch.
      if (!scheduled && !inFlight) {
        scheduled = true
        setImmediate(flush)
      }
    })

  const { toBackup, toShare, toIdempotency, backupColumns } = storeRows
  return {
    maintenance: sqliteMaintenance(reader, () => read('getLatest', [''], false)),
    async put(backup, idempotency, condition) {
      const result = await submit({ op: 'put', backup, idem: idempotency, condition, columns: backupColumns(backup) })
      return result.replayed ? { replayed: true, previous: toIdempotency(result.previous) } : result
    },
    async get(clientId, backupMethod) {
      const row =
        backupMethod === undefined
          ? await read<BackupRow | undefined>('getLatest', [clientId], false)
          : await read<BackupRow | undefined>('getByMethod', [clientId, backupMethod], false)
      return row && toBackup(row)
    },
    async list(filter?: ListFilter) {
      const limit = limitOf(filter)
      const rows =
        filter?.clientId === undefined
          ? await read<BackupRow[]>('listAll', [limit], true)
          : await read<BackupRow[]>('listClient', [filter.clientId, limit], true)
      return rows.map(toBackup)
    },
    async putWebhook(share) {
      await submit({ op: 'putShare', share })
    },
    async listWebhook(filter?: ListFilter) {
      const limit = limitOf(filter)
      const rows =
        filter?.clientId === undefined
          ? await read<ShareRow[]>('listSharesAll', [limit], true)
          : await read<ShareRow[]>('listSharesClient', [filter.clientId, limit], true)
      return rows.map(toShare)
    },
    async getIdempotency(clientId, key, now) {
      const row = await read<IdempotencyRow | undefined>('getIdem', [clientId, key, now.getTime()], false)
      return row && toIdempotency(row)
    },
    async erase(clientId, options) {
      return sqliteErase.result((await submit(sqliteErase.job(clientId, options))) as number[])
    },
    async close() {
      if (closed) return
      closed = true
      // Writes already accepted are committed before the writer stops.
      flush()
      if (inFlight) await new Promise<void>((resolve) => (drained = resolve))
      const exited = new Promise((r) => worker.once('exit', r))
      worker.ref()
      worker.postMessage({ close: true })
      await exited
      reader?.close()
    },
  }
}

/** Rows read by the writer thread come back by structured clone: its Buffers arrive as plain Uint8Arrays. */
function fromWorker<T>(value: T): T {
  const fix = (row: unknown) => {
    const r = row as { data?: unknown }
    if (r && r.data instanceof Uint8Array && !Buffer.isBuffer(r.data))
      r.data = Buffer.from(r.data.buffer, r.data.byteOffset, r.data.byteLength)
  }
  if (Array.isArray(value)) value.forEach(fix)
  else fix(value)
  return value
}

// SQLite reads a negative LIMIT as no limit.
const limitOf = (filter: ListFilter | undefined): number =>
  filter?.limit !== undefined && Number.isInteger(filter.limit) && filter.limit >= 0 ? filter.limit : -1
