import { createHash } from 'node:crypto'
import type pg from 'pg'
import { ServerConfigError } from '../../errors/ServerConfigError.js'
import type {
  BackupStore,
  IdempotencyRecord,
  ListFilter,
  PutCondition,
  PutResult,
  StoredBackup,
} from '../BackupStore.js'
import { lazyStore } from '../lazyStore.js'
import { type BackupRow, type IdempotencyRow, type ShareRow, storeRows } from '../storeRows.js'
import { migratePostgres } from './migratePostgres.js'
import { postgresErase } from './postgresErase.js'
import { postgresMaintenance } from './postgresMaintenance.js'
import { postgresSchema } from './postgresSchema.js'

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
  /**
   * Schema for the tables (created when missing). Default: `react_mpc_backup`, a schema of the kit's own, or
   * `public` when an earlier version's tables are found there (its `schema_migrations` and `client_backups`).
   */
  schema?: string
  /** Hears, once, that the tables were found in `public`. Default console.warn. Messages name no secret. */
  onWarning?: (message: string) => void
  /**
   * How often expired idempotency records are deleted, in ms (default 10 minutes). Writes never wait for it: an
   * expired record is ignored and taken over by its key's next use whether or not it was swept yet.
   */
  idempotencySweepMs?: number
}

/**
 * PostgreSQL store on `pg`. Writes are upserts, so concurrent writers leave one row; conditional (If-Match) and
 * idempotent writes run in a transaction with the row or key locked.
 */
export function postgresStore(options: PostgresStoreOptions): BackupStore {
  checkSchema(options.schema ?? postgresSchema.DEFAULT)
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
  checkSchema(options.schema ?? postgresSchema.DEFAULT)
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

  const warn = options.onWarning ?? ((message: string) => console.warn(`[react-mpc-backup] ${message}`))
  // The statements of the schema the migration found (or was given), once it has run.
  let ready: Promise<ReturnType<typeof statementsIn>> | undefined
  const migrated = () =>
    (ready ??= migratePostgres(pool, pg, options.schema, warn)
      .then(statementsIn)
      .catch((e: unknown) => {
        ready = undefined
        throw e
      }))
  const schema = async () => (await migrated()).s

  const { toBackup, toShare, toIdempotency, backupColumns } = storeRows

  // The column list and values of a backup write; $1..$9 in every statement below.
  const backupParams = (b: StoredBackup) => {
    const c = backupColumns(b)
    return [
      b.clientId,
      b.backupMethod,
      c.key_version,
      b.keyId,
      b.data,
      b.storedAt,
      c.key_file_id,
      c.google_account,
      c.wallet_backup_id,
    ]
  }
  type WriteRow = {
    stored: boolean
    holds: boolean
    replay: (Omit<IdempotencyRow, 'expires_at'> & { expires_at: string }) | null
  }

  const putOnce = async (
    { selectIdem, writeStatements }: ReturnType<typeof statementsIn>,
    backup: StoredBackup,
    idempotency: IdempotencyRecord | undefined,
    condition: PutCondition | undefined,
  ): Promise<PutResult | undefined> => {
    const params: unknown[] = backupParams(backup)
    if (condition) params.push(condition.ifMatch === '*', condition.ifMatch === '*' ? [] : [...condition.ifMatch])
    if (idempotency) {
      const i = idempotency
      params.push(i.clientId, i.key, i.fingerprint, i.status, i.body, i.expiresAt)
    }
    const sql = idempotency ? (condition ? writeStatements.idemCond : writeStatements.idem) : writeStatements.cond
    const row = (await pool.query<WriteRow>({ ...sql, values: params })).rows[0]!
    if (row.stored) return { replayed: false }
    if (row.replay)
      return { replayed: true, previous: toIdempotency({ ...row.replay, expires_at: new Date(row.replay.expires_at) }) }
    if (idempotency) {
      // The key's record was committed by a concurrent request after this statement's snapshot was taken (the claim
      // waited for it): read it now, as committed. It comes before the condition, as a replay always does.
      const again = await pool.query<IdempotencyRow>(selectIdem, [
        idempotency.clientId,
        idempotency.key,
        backup.storedAt,
      ])
      const previous = again.rows[0]
      if (previous) return { replayed: true, previous: toIdempotency(previous) }
    }
    if (!row.holds) return { replayed: false, preconditionFailed: true }
    // The claim conflicted with a record that has expired or gone since: try again.
    return undefined
  }

  let closed = false
  // Expired idempotency records are swept now and then, off the write path; the timer never keeps a process alive.
  let sweeping: Promise<unknown> | undefined
  const sweep = setInterval(
    () => {
      if (sweeping || closed) return
      sweeping = schema()
        .then((s) => pool.query(`DELETE FROM ${s}.idempotency_keys WHERE expires_at <= $1`, [new Date()]))
        .catch(() => {})
        .finally(() => {
          sweeping = undefined
        })
    },
    options.idempotencySweepMs ?? 10 * 60_000,
  )
  sweep.unref()

  return {
    ready: async () => {
      await migrated()
    },
    maintenance: postgresMaintenance(pool, schema),
    async put(backup, idempotency, condition): Promise<PutResult> {
      const q = await migrated()
      if (!idempotency && !condition) {
        await pool.query({ ...q.writeStatements.upsert, values: backupParams(backup) })
        return { replayed: false }
      }
      for (let attempt = 0; attempt < 3; attempt++) {
        const result = await putOnce(q, backup, idempotency, condition)
        if (result) return result
      }
      throw new Error('idempotency record vanished during claim')
    },
    async get(clientId, backupMethod) {
      const s = await schema()
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
      const s = await schema()
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
      const s = await schema()
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
      const s = await schema()
      const res =
        filter?.clientId === undefined
          ? await pool.query<ShareRow>(`SELECT * FROM ${s}.custodian_shares ORDER BY seq DESC LIMIT $1`, [
              limitOf(filter),
            ])
          : await pool.query<ShareRow>(
              `SELECT * FROM ${s}.custodian_shares WHERE client_id = $1 ORDER BY seq DESC LIMIT $2`,
              [filter.clientId, limitOf(filter)],
            )
      return res.rows.map(toShare)
    },
    async getIdempotency(clientId, key, now) {
      const res = await pool.query<IdempotencyRow>((await migrated()).selectIdem, [clientId, key, now])
      const row = res.rows[0]
      return row && toIdempotency(row)
    },
    async erase(clientId, options) {
      return postgresErase.run(pool, await schema(), clientId, options)
    },
    async close() {
      if (closed) return
      closed = true
      clearInterval(sweep)
      await sweeping
      if (ownsPool) await pool.end()
    },
  }
}

/** The statements that name the schema, built once it is known; `s` is the escaped schema. */
function statementsIn(s: string) {
  const backupValues =
    '$1::text, $2::text, $3::text, $4::text, $5::bytea, $6::timestamptz, $7::text, $8::text, $9::text'
  const setBackup = `key_version = excluded.key_version, key_file_id = excluded.key_file_id,
      google_account = excluded.google_account, wallet_backup_id = excluded.wallet_backup_id, key_id = excluded.key_id,
      data = excluded.data, stored_at = excluded.stored_at, seq = nextval('${s}.backup_seq')`
  const backupColumnList =
    'client_id, backup_method, key_version, key_id, data, stored_at, key_file_id, google_account, wallet_backup_id'
  const upsertBackup = `
    INSERT INTO ${s}.client_backups (${backupColumnList})
    VALUES (${backupValues})
    ON CONFLICT (client_id, backup_method) DO UPDATE SET ${setBackup}`
  const selectIdem = `SELECT * FROM ${s}.idempotency_keys WHERE client_id = $1 AND idem_key = $2 AND expires_at > $3`

  /**
   * One statement per write, so an idempotent or conditional write is one round trip (it used to be seven: a
   * separate idempotency read, connect, BEGIN, claim, upsert, per-client cleanup, COMMIT). A single statement is its
   * own transaction, and its parts are ordered by what they read of each other:
   * - `cur` (only with If-Match) locks the current row FOR UPDATE. Under READ COMMITTED a row updated by a
   *   concurrent writer is waited for and then re-read as committed, so of two writers holding the same revision only
   *   the first matches (the revision is computed in SQL exactly as revisionOf does).
   * - `claim` (only with an Idempotency-Key) inserts the key, or takes over an expired record; it runs only when
   *   the condition holds, so a 412 leaves no claim behind. A concurrent insert of the same key blocks here until
   *   the other statement ends, then conflicts: exactly one request per key writes.
   * - `stored` writes the backup only if the claim (or the condition) went through.
   * - The main query returns a live record of the key as the statement's snapshot saw it (the replay, checked
   *   before the condition as the BackupStore contract asks) and whether the condition held.
   */
  const writeSql = (idem: boolean, cond: boolean) => {
    const parts: string[] = []
    if (cond) {
      parts.push(`cur AS MATERIALIZED (
        SELECT data FROM ${s}.client_backups WHERE client_id = $1 AND backup_method = $2 FOR UPDATE)`)
      parts.push(`ok AS MATERIALIZED (
        SELECT 1 FROM cur WHERE $10::boolean
          OR '"' || left(translate(encode(sha256(cur.data), 'base64'), '+/', '-_'), 22) || '"' = ANY($11::text[]))`)
    }
    const k = cond ? 12 : 10
    if (idem) {
      parts.push(`claim AS (
        INSERT INTO ${s}.idempotency_keys (client_id, idem_key, fingerprint, status, body, expires_at)
        SELECT $${k}::text, $${k + 1}::text, $${k + 2}::text, $${k + 3}::integer, $${k + 4}::text, $${k + 5}::timestamptz
        ${cond ? 'WHERE EXISTS (SELECT 1 FROM ok)' : ''}
        ON CONFLICT (client_id, idem_key) DO UPDATE SET
          fingerprint = excluded.fingerprint, status = excluded.status, body = excluded.body,
          expires_at = excluded.expires_at
        WHERE ${s}.idempotency_keys.expires_at <= $6
        RETURNING 1)`)
    }
    const gate = idem ? 'EXISTS (SELECT 1 FROM claim)' : 'EXISTS (SELECT 1 FROM ok)'
    // With If-Match the row exists (it is locked), so an UPDATE; otherwise an upsert.
    parts.push(
      cond
        ? `stored AS (
        UPDATE ${s}.client_backups SET key_version = $3, key_file_id = $7, google_account = $8,
          wallet_backup_id = $9, key_id = $4,
          data = $5, stored_at = $6, seq = nextval('${s}.backup_seq')
        WHERE client_id = $1 AND backup_method = $2 AND ${gate}
        RETURNING 1)`
        : `stored AS (
        INSERT INTO ${s}.client_backups (${backupColumnList})
        SELECT ${backupValues} WHERE ${gate}
        ON CONFLICT (client_id, backup_method) DO UPDATE SET ${setBackup}
        RETURNING 1)`,
    )
    const replay = idem
      ? `(SELECT row_to_json(p) FROM ${s}.idempotency_keys p
          WHERE p.client_id = $${k}::text AND p.idem_key = $${k + 1}::text AND p.expires_at > $6)`
      : 'NULL::json'
    return `WITH ${parts.join(',\n')}
      SELECT EXISTS (SELECT 1 FROM stored) AS stored, ${cond ? 'EXISTS (SELECT 1 FROM ok)' : 'true'} AS holds,
        ${replay} AS replay`
  }
  // Named, so each connection parses and plans a write once instead of on every call (the CTE is not small). Only
  // statements whose result columns never change are named: a cached `SELECT *` plan would break on a new column.
  const named = (text: string) => ({
    name: `rmb_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`,
    text,
  })
  const writeStatements = {
    idem: named(writeSql(true, false)),
    cond: named(writeSql(false, true)),
    idemCond: named(writeSql(true, true)),
    upsert: named(upsertBackup),
  }
  return { s, selectIdem, writeStatements }
}
