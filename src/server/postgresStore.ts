import type pg from 'pg'
import type {
  BackupStore,
  GoogleAccountHint,
  IdempotencyRecord,
  ListFilter,
  PutResult,
  StoredBackup,
  StoredShare,
} from './BackupStore.js'
import { revisionOf } from './revisionOf.js'
import { lazyStore } from './lazyStore.js'
import { postgresMaintenance } from './postgresMaintenance.js'
import { ServerConfigError } from './ServerConfigError.js'

export type PostgresStoreOptions = (
  | {
      /** A pool you own: `close()` leaves it open. */
      pool: pg.Pool
    }
  | {
      /** The store creates (and on `close()` ends) its own pool. */
      connectionString: string
    }
) & {
  /** Schema for the tables (created when missing). Default `public`. */
  schema?: string
}

/** Ordered, append-only: a migration is never edited once released; add a new one instead. */
const migrations: ReadonlyArray<{ version: number; name: string; sql: (s: string) => string }> = [
  {
    version: 1,
    name: 'create backups, custodian shares and idempotency keys',
    sql: (s) => `
      CREATE SEQUENCE ${s}.backup_seq;
      CREATE TABLE ${s}.client_backups (
        client_id     text        NOT NULL,
        backup_method text        NOT NULL,
        key_version   text,
        key_id        text        NOT NULL,
        data          bytea       NOT NULL,
        stored_at     timestamptz NOT NULL,
        seq           bigint      NOT NULL DEFAULT nextval('${s}.backup_seq'),
        PRIMARY KEY (client_id, backup_method)
      );
      CREATE INDEX client_backups_latest ON ${s}.client_backups (client_id, seq DESC);
      CREATE TABLE ${s}.custodian_shares (
        client_id     text        NOT NULL,
        backup_method text        NOT NULL,
        key_id        text        NOT NULL,
        data          bytea       NOT NULL,
        stored_at     timestamptz NOT NULL,
        seq           bigint      NOT NULL DEFAULT nextval('${s}.backup_seq'),
        PRIMARY KEY (client_id, backup_method)
      );
      CREATE INDEX custodian_shares_latest ON ${s}.custodian_shares (client_id, seq DESC);
      CREATE TABLE ${s}.idempotency_keys (
        client_id   text        NOT NULL,
        idem_key    text        NOT NULL,
        fingerprint text        NOT NULL,
        status      integer     NOT NULL,
        body        text        NOT NULL,
        expires_at  timestamptz NOT NULL,
        PRIMARY KEY (client_id, idem_key)
      );
      CREATE INDEX idempotency_keys_expiry ON ${s}.idempotency_keys (expires_at);
    `,
  },
  {
    version: 2,
    name: 'client backups name the Drive file id of their key',
    // Nullable: rows written before it keep working (the client then finds the key by name).
    sql: (s) => `ALTER TABLE ${s}.client_backups ADD COLUMN key_file_id text;`,
  },
  {
    version: 3,
    name: 'client backups name the Google account that holds their key',
    // Nullable JSON text: rows written before it keep working (recovery then sends no account hint).
    sql: (s) => `ALTER TABLE ${s}.client_backups ADD COLUMN google_account text;`,
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
  stored_at: Date
}
interface IdempotencyRow {
  client_id: string
  idem_key: string
  fingerprint: string
  status: number
  body: string
  expires_at: Date
}

/**
 * PostgreSQL store on `pg`. Writes are upserts, so concurrent writers leave one row; conditional (If-Match) and
 * idempotent writes run in a transaction with the row or key locked.
 */
export function postgresStore(options: PostgresStoreOptions): BackupStore {
  checkSchema(options.schema ?? 'public')
  // pg is loaded on first use, not when `react-mpc-backup/server` is imported: an SQLite-only install never needs it.
  return lazyStore(
    'postgresStore',
    loadDriver().then((driver) => openPostgresStore(options, driver)),
  )
}

type PgDriver = Pick<typeof pg, 'Pool' | 'escapeIdentifier' | 'escapeLiteral'>

// LIMIT NULL is LIMIT ALL in PostgreSQL.
const limitOf = (filter: ListFilter | undefined): number | null =>
  filter?.limit !== undefined && Number.isInteger(filter.limit) && filter.limit >= 0 ? filter.limit : null

function checkSchema(schemaName: string): void {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schemaName))
    throw new ServerConfigError('postgresStore: schema must match [a-z_][a-z0-9_]*')
}

async function loadDriver(): Promise<PgDriver> {
  try {
    return (await import('pg')).default
  } catch (cause) {
    throw new Error('postgresStore needs the pg package: npm install pg', { cause })
  }
}

function openPostgresStore(options: PostgresStoreOptions, pg: PgDriver): BackupStore {
  const schemaName = options.schema ?? 'public'
  checkSchema(schemaName)
  const s = pg.escapeIdentifier(schemaName)
  const ownsPool = !('pool' in options)
  const pool =
    'pool' in options
      ? options.pool
      : new pg.Pool({
          connectionString: options.connectionString,
          // Bounded waits keep the webhook's answer inside the provider's 10 s window when the database is sick.
          connectionTimeoutMillis: 5_000,
          statement_timeout: 5_000,
          max: 10,
        })
  if (ownsPool) {
    // An idle client losing its connection emits on the pool; without a listener that would crash the process.
    pool.on('error', () => {})
  }

  let ready: Promise<void> | undefined
  const migrated = () =>
    (ready ??= migrate(pool, s, schemaName !== 'public', pg).catch((e: unknown) => {
      ready = undefined
      throw e
    }))

  const toBackup = (r: BackupRow): StoredBackup => ({
    clientId: r.client_id,
    backupMethod: r.backup_method,
    keyVersion: r.key_version === null ? null : (JSON.parse(r.key_version) as string | number),
    keyFileId: r.key_file_id ?? null,
    googleAccount: r.google_account ? (JSON.parse(r.google_account) as GoogleAccountHint) : null,
    keyId: r.key_id,
    data: r.data,
    storedAt: r.stored_at,
  })
  const toShare = (r: BackupRow): StoredShare => ({
    clientId: r.client_id,
    backupMethod: r.backup_method,
    keyId: r.key_id,
    data: r.data,
    storedAt: r.stored_at,
  })
  const toIdem = (r: IdempotencyRow): IdempotencyRecord => ({
    clientId: r.client_id,
    key: r.idem_key,
    fingerprint: r.fingerprint,
    status: r.status,
    body: r.body,
    expiresAt: r.expires_at,
  })

  const upsertBackup = `
    INSERT INTO ${s}.client_backups (client_id, backup_method, key_version, key_id, data, stored_at, key_file_id, google_account)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
    ON CONFLICT (client_id, backup_method) DO UPDATE SET
      key_version = excluded.key_version, key_file_id = excluded.key_file_id, google_account = excluded.google_account, key_id = excluded.key_id, data = excluded.data,
      stored_at = excluded.stored_at, seq = nextval('${s}.backup_seq')`
  const backupParams = (b: StoredBackup) => [
    b.clientId,
    b.backupMethod,
    b.keyVersion === null ? null : JSON.stringify(b.keyVersion),
    b.keyId,
    b.data,
    b.storedAt,
    b.keyFileId ?? null,
    b.googleAccount ? JSON.stringify(b.googleAccount) : null,
  ]
  const selectIdem = `SELECT * FROM ${s}.idempotency_keys WHERE client_id = $1 AND idem_key = $2 AND expires_at > $3`

  let closed = false
  return {
    maintenance: postgresMaintenance(pool, s, migrated),
    async put(backup, idempotency, condition): Promise<PutResult> {
      await migrated()
      if (!idempotency && !condition) {
        await pool.query(upsertBackup, backupParams(backup))
        return { replayed: false }
      }
      const client = await pool.connect()
      try {
        await client.query('BEGIN')
        if (idempotency) {
          // A concurrent insert of the same key blocks here until the other transaction ends, then conflicts:
          // so exactly one request per key performs the write.
          const claimed = await client.query(
            `INSERT INTO ${s}.idempotency_keys (client_id, idem_key, fingerprint, status, body, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (client_id, idem_key) DO UPDATE SET
               fingerprint = excluded.fingerprint, status = excluded.status, body = excluded.body,
               expires_at = excluded.expires_at
             WHERE ${s}.idempotency_keys.expires_at <= $7`,
            [
              idempotency.clientId,
              idempotency.key,
              idempotency.fingerprint,
              idempotency.status,
              idempotency.body,
              idempotency.expiresAt,
              backup.storedAt,
            ],
          )
          if (claimed.rowCount === 0) {
            const existing = await client.query<IdempotencyRow>(selectIdem, [
              idempotency.clientId,
              idempotency.key,
              backup.storedAt,
            ])
            await client.query('ROLLBACK')
            const row = existing.rows[0]
            if (row) return { replayed: true, previous: toIdem(row) }
            throw new Error('idempotency record vanished during claim')
          }
        }
        if (condition) {
          // The row lock holds off other conditional writers until this transaction ends; they then re-read the
          // row as committed, so of two writers holding the same revision only the first matches.
          const current = await client.query<{ data: Buffer }>(
            `SELECT data FROM ${s}.client_backups WHERE client_id = $1 AND backup_method = $2 FOR UPDATE`,
            [backup.clientId, backup.backupMethod],
          )
          const data = current.rows[0]?.data
          const holds =
            data !== undefined && (condition.ifMatch === '*' || condition.ifMatch.includes(revisionOf(data)))
          if (!holds) {
            // Rolls back the idempotency claim too: a later request with the same key is judged afresh.
            await client.query('ROLLBACK')
            return { replayed: false, preconditionFailed: true }
          }
        }
        await client.query(upsertBackup, backupParams(backup))
        if (idempotency) {
          await client.query(`DELETE FROM ${s}.idempotency_keys WHERE client_id = $1 AND expires_at <= $2`, [
            idempotency.clientId,
            backup.storedAt,
          ])
        }
        await client.query('COMMIT')
        return { replayed: false }
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {})
        throw error
      } finally {
        client.release()
      }
    },
    async get(clientId, backupMethod) {
      await migrated()
      const res =
        backupMethod === undefined
          ? await pool.query<BackupRow>(
              `SELECT * FROM ${s}.client_backups WHERE client_id = $1 ORDER BY seq DESC LIMIT 1`,
              [clientId],
            )
          : await pool.query<BackupRow>(
              `SELECT * FROM ${s}.client_backups WHERE client_id = $1 AND backup_method = $2`,
              [clientId, backupMethod],
            )
      const row = res.rows[0]
      return row && toBackup(row)
    },
    async list(filter?: ListFilter) {
      await migrated()
      const res =
        filter?.clientId === undefined
          ? await pool.query<BackupRow>(`SELECT * FROM ${s}.client_backups ORDER BY seq DESC LIMIT $1`, [
              limitOf(filter),
            ])
          : await pool.query<BackupRow>(
              `SELECT * FROM ${s}.client_backups WHERE client_id = $1 ORDER BY seq DESC LIMIT $2`,
              [filter.clientId, limitOf(filter)],
            )
      return res.rows.map(toBackup)
    },
    async putWebhook(share) {
      await migrated()
      await pool.query(
        `INSERT INTO ${s}.custodian_shares (client_id, backup_method, key_id, data, stored_at)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (client_id, backup_method) DO UPDATE SET
           key_id = excluded.key_id, data = excluded.data, stored_at = excluded.stored_at,
           seq = nextval('${s}.backup_seq')`,
        [share.clientId, share.backupMethod, share.keyId, share.data, share.storedAt],
      )
    },
    async listWebhook(filter?: ListFilter) {
      await migrated()
      const res =
        filter?.clientId === undefined
          ? await pool.query<BackupRow>(`SELECT * FROM ${s}.custodian_shares ORDER BY seq DESC LIMIT $1`, [
              limitOf(filter),
            ])
          : await pool.query<BackupRow>(
              `SELECT * FROM ${s}.custodian_shares WHERE client_id = $1 ORDER BY seq DESC LIMIT $2`,
              [filter.clientId, limitOf(filter)],
            )
      return res.rows.map(toShare)
    },
    async getIdempotency(clientId, key, now) {
      await migrated()
      const res = await pool.query<IdempotencyRow>(selectIdem, [clientId, key, now])
      const row = res.rows[0]
      return row && toIdem(row)
    },
    async close() {
      if (closed) return
      closed = true
      if (ownsPool) await pool.end()
    },
  }
}

async function migrate(pool: pg.Pool, s: string, createSchema: boolean, pg: PgDriver): Promise<void> {
  const client = await pool.connect()
  try {
    await client.query('BEGIN')
    // Serialises migrations across processes; DDL is transactional in PostgreSQL, so a failure leaves nothing behind.
    await client.query(`SELECT pg_advisory_xact_lock(hashtext(${pg.escapeLiteral(`react-mpc-backup:${s}`)}))`)
    if (createSchema) await client.query(`CREATE SCHEMA IF NOT EXISTS ${s}`)
    await client.query(`CREATE TABLE IF NOT EXISTS ${s}.schema_migrations (
      version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`)
    const applied = new Set(
      (await client.query<{ version: number }>(`SELECT version FROM ${s}.schema_migrations`)).rows.map(
        (r) => r.version,
      ),
    )
    for (const m of migrations) {
      if (applied.has(m.version)) continue
      await client.query(m.sql(s))
      await client.query(`INSERT INTO ${s}.schema_migrations (version, name) VALUES ($1, $2)`, [m.version, m.name])
    }
    await client.query('COMMIT')
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {})
    throw error
  } finally {
    client.release()
  }
}
