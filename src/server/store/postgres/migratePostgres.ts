import type pg from 'pg'
import { postgresSchema } from './postgresSchema.js'

type Driver = Pick<typeof pg, 'escapeIdentifier' | 'escapeLiteral'>

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
  {
    version: 4,
    name: "no latest indexes: the primary key finds a client's rows, and replacing a row can stay a HOT update",
    // The primary key's index already finds a client's rows (one per method) to pick the newest from. Without an
    // index on seq, a replacement changes no indexed column, so PostgreSQL can update the row in place (HOT).
    sql: (s) => `DROP INDEX IF EXISTS ${s}.client_backups_latest; DROP INDEX IF EXISTS ${s}.custodian_shares_latest;`,
  },
  {
    version: 5,
    name: 'client backups name the wallet backup (provider pair id) they describe',
    // Nullable: rows written before it keep working (status then cannot tell a newer backup of the method from ours).
    sql: (s) => `ALTER TABLE ${s}.client_backups ADD COLUMN wallet_backup_id text;`,
  },
  {
    version: 6,
    name: 'token buckets of the rate limits, shared by every process on the database',
    // UNLOGGED: a bucket update writes no WAL, so a limit check is not a durable commit (measured in
    // docs/PERFORMANCE.md); a crash empties the table, which only forgets spent tokens. full_at (when the bucket is
    // full again) is indexed so a sweep finds expired rows without scanning the live ones.
    sql: (s) => `
      CREATE UNLOGGED TABLE ${s}.rate_limits (
        limiter text             NOT NULL,
        key     text             NOT NULL,
        tokens  double precision NOT NULL,
        at      timestamptz      NOT NULL,
        full_at timestamptz      NOT NULL,
        granted integer          NOT NULL,
        PRIMARY KEY (limiter, key)
      );
      CREATE INDEX rate_limits_full_at ON ${s}.rate_limits (full_at);`,
  },
]

/**
 * Finds (with no `given` schema) and migrates the store's schema in one transaction under an advisory lock, and
 * returns its escaped name. `warn` hears, once, that the tables were found in `public`.
 */
export async function migratePostgres(
  pool: pg.Pool,
  pg: Driver,
  given: string | undefined,
  warn: (message: string) => void,
): Promise<string> {
  const client = await pool.connect()
  try {
    await client.query('BEGIN')
    // The lock serialises migrations across processes; DDL is transactional in PostgreSQL, so a failure leaves
    // nothing behind (not even the schema).
    const { name, foundInPublic } = await postgresSchema.locate(client, pg, given)
    const s = pg.escapeIdentifier(name)
    if (name !== 'public') await client.query(`CREATE SCHEMA IF NOT EXISTS ${s}`)
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
    if (foundInPublic)
      warn(
        `postgresStore: the kit's tables were found in schema public (made by an earlier version) and stay there; ` +
          `new installs use schema ${postgresSchema.DEFAULT}. Set the schema option (DATABASE_SCHEMA) to choose.`,
      )
    return s
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {})
    throw error
  } finally {
    client.release()
  }
}
