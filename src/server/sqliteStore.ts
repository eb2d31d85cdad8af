import { existsSync, mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import type Database from 'better-sqlite3'
import type {
  BackupStore,
  GoogleAccountHint,
  IdempotencyRecord,
  ListFilter,
  PutCondition,
  PutResult,
  StoredBackup,
  StoredShare,
} from './BackupStore.js'
import { revisionOf } from './revisionOf.js'
import { tightenFileMode } from './tightenFileMode.js'
import { lazyStore } from './lazyStore.js'
import { sqliteMaintenance } from './sqliteMaintenance.js'

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
]

interface BackupRow {
  client_id: string
  backup_method: string
  key_version: string | null
  key_file_id?: string | null
  google_account?: string | null
  key_id: string
  data: Buffer
  stored_at: number
}
interface IdempotencyRow {
  client_id: string
  idem_key: string
  fingerprint: string
  status: number
  body: string
  expires_at: number
}

/**
 * Embedded store on better-sqlite3 (WAL). Calls are synchronous underneath; each is a few microseconds.
 *
 * better-sqlite3 is loaded on first use, not when `react-mpc-backup/server` is imported, so a PostgreSQL-only
 * install never needs it. The database opens (and migrates) in the background; a failure to open is the answer of
 * every call, so the first query (the server's start-up check) reports it.
 */
export function sqliteStore(options: SqliteStoreOptions): BackupStore {
  if (options.filename !== ':memory:') {
    // Before SQLite opens it: SQLite gives the -wal and -shm files the database file's mode.
    const warn = options.onWarning ?? ((message: string) => console.warn(`[react-mpc-backup] ${message}`))
    mkdirSync(dirname(options.filename), { recursive: true, mode: 0o700 })
    tightenFileMode(options.filename, 'file', warn)
    for (const suffix of ['-wal', '-shm'])
      if (existsSync(options.filename + suffix)) tightenFileMode(options.filename + suffix, 'file', warn)
  }
  return lazyStore(
    'sqliteStore',
    loadDriver().then((Driver) => openSqliteStore(options, Driver)),
  )
}

async function loadDriver(): Promise<typeof Database> {
  try {
    return (await import('better-sqlite3')).default
  } catch (cause) {
    throw new Error('sqliteStore needs the better-sqlite3 package: npm install better-sqlite3', { cause })
  }
}

function openSqliteStore(options: SqliteStoreOptions, Database: typeof import('better-sqlite3')): BackupStore {
  if (options.filename !== ':memory:') mkdirSync(dirname(options.filename), { recursive: true })
  const db = new Database(options.filename)
  db.pragma('journal_mode = WAL')
  db.pragma(`synchronous = ${options.synchronous === 'NORMAL' ? 'NORMAL' : 'FULL'}`)
  db.pragma('busy_timeout = 5000')
  migrate(db)

  const q = {
    putBackup: db.prepare(`
      INSERT INTO client_backups (client_id, backup_method, key_version, key_file_id, google_account, key_id, data, stored_at, seq)
      VALUES (@client_id, @backup_method, @key_version, @key_file_id, @google_account, @key_id, @data, @stored_at,
              (SELECT coalesce(max(seq), 0) + 1 FROM client_backups))
      ON CONFLICT (client_id, backup_method) DO UPDATE SET
        key_version = excluded.key_version, key_file_id = excluded.key_file_id, google_account = excluded.google_account,
        key_id = excluded.key_id, data = excluded.data, stored_at = excluded.stored_at, seq = excluded.seq`),
    getByMethod: db.prepare('SELECT * FROM client_backups WHERE client_id = ? AND backup_method = ?'),
    getData: db.prepare('SELECT data FROM client_backups WHERE client_id = ? AND backup_method = ?'),
    getLatest: db.prepare('SELECT * FROM client_backups WHERE client_id = ? ORDER BY seq DESC LIMIT 1'),
    listAll: db.prepare('SELECT * FROM client_backups ORDER BY seq DESC LIMIT ?'),
    listClient: db.prepare('SELECT * FROM client_backups WHERE client_id = ? ORDER BY seq DESC LIMIT ?'),
    putShare: db.prepare(`
      INSERT INTO custodian_shares (client_id, backup_method, key_id, data, stored_at, seq)
      VALUES (@client_id, @backup_method, @key_id, @data, @stored_at,
              (SELECT coalesce(max(seq), 0) + 1 FROM custodian_shares))
      ON CONFLICT (client_id, backup_method) DO UPDATE SET
        key_id = excluded.key_id, data = excluded.data, stored_at = excluded.stored_at, seq = excluded.seq`),
    listSharesAll: db.prepare('SELECT * FROM custodian_shares ORDER BY seq DESC LIMIT ?'),
    listSharesClient: db.prepare('SELECT * FROM custodian_shares WHERE client_id = ? ORDER BY seq DESC LIMIT ?'),
    getIdem: db.prepare('SELECT * FROM idempotency_keys WHERE client_id = ? AND idem_key = ? AND expires_at > ?'),
    // An expired record is taken over; a live one is left alone (no row changes -> replay).
    claimIdem: db.prepare(`
      INSERT INTO idempotency_keys (client_id, idem_key, fingerprint, status, body, expires_at)
      VALUES (@client_id, @idem_key, @fingerprint, @status, @body, @expires_at)
      ON CONFLICT (client_id, idem_key) DO UPDATE SET
        fingerprint = excluded.fingerprint, status = excluded.status, body = excluded.body, expires_at = excluded.expires_at
      WHERE idempotency_keys.expires_at <= @now`),
    purgeIdem: db.prepare('DELETE FROM idempotency_keys WHERE expires_at <= ?'),
  }

  const toBackup = (r: BackupRow): StoredBackup => ({
    clientId: r.client_id,
    backupMethod: r.backup_method,
    keyVersion: r.key_version === null ? null : (JSON.parse(r.key_version) as string | number),
    keyFileId: r.key_file_id ?? null,
    googleAccount: r.google_account ? (JSON.parse(r.google_account) as GoogleAccountHint) : null,
    keyId: r.key_id,
    data: r.data,
    storedAt: new Date(r.stored_at),
  })
  const toShare = (r: Omit<BackupRow, 'key_version'>): StoredShare => ({
    clientId: r.client_id,
    backupMethod: r.backup_method,
    keyId: r.key_id,
    data: r.data,
    storedAt: new Date(r.stored_at),
  })
  const toIdem = (r: IdempotencyRow): IdempotencyRecord => ({
    clientId: r.client_id,
    key: r.idem_key,
    fingerprint: r.fingerprint,
    status: r.status,
    body: r.body,
    expiresAt: new Date(r.expires_at),
  })

  let closed = false
  let writes = 0
  const putOne = (
    backup: StoredBackup,
    idem: IdempotencyRecord | undefined,
    condition: PutCondition | undefined,
  ): PutResult => {
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
        if (row) return { replayed: true, previous: toIdem(row) }
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
      key_version: backup.keyVersion === null ? null : JSON.stringify(backup.keyVersion),
      key_file_id: backup.keyFileId ?? null,
      google_account: backup.googleAccount ? JSON.stringify(backup.googleAccount) : null,
      key_id: backup.keyId,
      data: backup.data,
      stored_at: now,
    })
    // Expired idempotency records only need to vanish eventually; sweeping now and then keeps writes cheap.
    if (++writes % 256 === 0) q.purgeIdem.run(now)
    return { replayed: false }
  }
  const putShareOne = (share: StoredShare): void => {
    q.putShare.run({
      client_id: share.clientId,
      backup_method: share.backupMethod,
      key_id: share.keyId,
      data: share.data,
      stored_at: share.storedAt.getTime(),
    })
  }

  // Group commit: writes arriving in the same event-loop turn share one transaction, hence one fsync under
  // synchronous=FULL, and each caller is answered only after that commit. Each write runs in its own savepoint
  // (a nested better-sqlite3 transaction), so one failing write does not undo the others.
  type Job = { run: () => unknown; resolve: (value: unknown) => void; reject: (error: unknown) => void }
  let queue: Job[] = []
  const savepoint = db.transaction((run: () => unknown) => run())
  const commitBatch = db.transaction((jobs: Job[]) =>
    jobs.map((job) => {
      try {
        return { ok: true as const, value: savepoint(job.run) }
      } catch (error) {
        return { ok: false as const, error }
      }
    }),
  )
  const flush = () => {
    const jobs = queue
    if (jobs.length === 0) return
    queue = []
    let outcomes: ReturnType<typeof commitBatch>
    try {
      // IMMEDIATE takes the write lock up front, so another process cannot make the commit fail half-way.
      outcomes = commitBatch.immediate(jobs)
    } catch (error) {
      for (const job of jobs) job.reject(error)
      return
    }
    outcomes.forEach((outcome, i) => {
      const job = jobs[i]!
      if (outcome.ok) job.resolve(outcome.value)
      else job.reject(outcome.error)
    })
  }
  const write = <T>(run: () => T): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      if (closed) return reject(new Error('sqliteStore is closed'))
      if (queue.length === 0) setImmediate(flush)
      queue.push({ run, resolve: resolve as (value: unknown) => void, reject })
    })

  return {
    maintenance: sqliteMaintenance(db),
    put(backup, idempotency, condition) {
      return write(() => putOne(backup, idempotency, condition)).catch((error: unknown): PutResult => {
        if (error instanceof PreconditionFailed) return { replayed: false, preconditionFailed: true }
        throw error
      })
    },
    async get(clientId, backupMethod) {
      const row = (
        backupMethod === undefined ? q.getLatest.get(clientId) : q.getByMethod.get(clientId, backupMethod)
      ) as BackupRow | undefined
      return row && toBackup(row)
    },
    async list(filter?: ListFilter) {
      const limit = limitOf(filter)
      const rows = (
        filter?.clientId === undefined ? q.listAll.all(limit) : q.listClient.all(filter.clientId, limit)
      ) as BackupRow[]
      return rows.map(toBackup)
    },
    putWebhook(share) {
      return write(() => putShareOne(share))
    },
    async listWebhook(filter?: ListFilter) {
      const rows = (
        filter?.clientId === undefined
          ? q.listSharesAll.all(limitOf(filter))
          : q.listSharesClient.all(filter.clientId, limitOf(filter))
      ) as BackupRow[]
      return rows.map(toShare)
    },
    async getIdempotency(clientId, key, now) {
      const row = q.getIdem.get(clientId, key, now.getTime()) as IdempotencyRow | undefined
      return row && toIdem(row)
    },
    async close() {
      if (closed) return
      closed = true
      if (queue.length > 0) flush()
      db.close()
    },
  }
}

// SQLite reads a negative LIMIT as no limit.
const limitOf = (filter: ListFilter | undefined): number =>
  filter?.limit !== undefined && Number.isInteger(filter.limit) && filter.limit >= 0 ? filter.limit : -1

/** Unwinds one write's savepoint when its If-Match condition does not hold; never leaves the store. */
class PreconditionFailed extends Error {}

function migrate(db: Database.Database): void {
  // The one table that must exist before we can know which migrations ran.
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`)
  const apply = db.transaction(() => {
    const applied = new Set(
      (db.prepare('SELECT version FROM schema_migrations').all() as Array<{ version: number }>).map((r) => r.version),
    )
    const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)')
    for (const m of migrations) {
      if (applied.has(m.version)) continue
      db.exec(m.sql)
      record.run(m.version, m.name, new Date().toISOString())
    }
  })
  // IMMEDIATE takes the write lock first, so two processes opening one file cannot both apply a migration.
  apply.immediate()
}
