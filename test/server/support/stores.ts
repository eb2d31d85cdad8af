import { randomBytes } from 'node:crypto'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import type { BackupStore } from '../../../src/server/index.js'
import { postgresStore, sqliteStore } from '../../../src/server/index.js'

export const postgresUrl = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || ''
export const postgresSkipReason =
  'no TEST_DATABASE_URL / DATABASE_URL: PostgreSQL tests skipped (source .ci/postgres.sh to run them)'

// CI must exercise PostgreSQL: a silent skip there would hide a broken store.
if (!postgresUrl && process.env.CI === 'true') {
  throw new Error('CI=true but neither TEST_DATABASE_URL nor DATABASE_URL is set: PostgreSQL tests cannot run')
}
if (!postgresUrl) console.warn(postgresSkipReason)

/** One store under test plus a way to look at what it keeps at rest. */
export interface StoreHarness {
  store: BackupStore
  /** Opens a second store on the same data, as another process (or a restart) would. */
  reopen(): BackupStore
  /** Every byte the store keeps at rest (files, or raw columns). */
  rawBytes(): Promise<Buffer>
  /** Versions recorded in schema_migrations. */
  migrationVersions(): Promise<number[]>
  /** Every row of one of the store's tables, read from the database directly (bytes as hex), as JSON text each. */
  tableRows(table: 'client_backups' | 'custodian_shares' | 'idempotency_keys'): Promise<string[]>
  dispose(): Promise<void>
}

export interface StoreCase {
  name: 'sqlite' | 'postgres'
  skip: boolean
  create(): Promise<StoreHarness>
}

export const storeCases: StoreCase[] = [
  {
    name: 'sqlite',
    skip: false,
    async create() {
      const dir = mkdtempSync(join(tmpdir(), 'rmb-sqlite-'))
      const filename = join(dir, 'backups.db')
      const store = sqliteStore({ filename })
      const opened: BackupStore[] = [store]
      return {
        store,
        reopen() {
          const again = sqliteStore({ filename })
          opened.push(again)
          return again
        },
        async rawBytes() {
          return Buffer.concat(readdirSync(dir).map((f) => readFileSync(join(dir, f))))
        },
        async migrationVersions() {
          const { default: Database } = await import('better-sqlite3')
          const db = new Database(filename, { readonly: true })
          try {
            return (
              db.prepare('SELECT version FROM schema_migrations ORDER BY version').all() as Array<{ version: number }>
            ).map((r) => r.version)
          } finally {
            db.close()
          }
        },
        async tableRows(table) {
          const { default: Database } = await import('better-sqlite3')
          const db = new Database(filename, { readonly: true })
          try {
            return db
              .prepare(`SELECT * FROM ${table}`)
              .all()
              .map((row) => JSON.stringify(row, hexBytes))
          } finally {
            db.close()
          }
        },
        async dispose() {
          await Promise.all(opened.map((s) => s.close()))
          rmSync(dir, { recursive: true, force: true })
        },
      }
    },
  },
  {
    name: 'postgres',
    skip: !postgresUrl,
    async create() {
      // A schema per run keeps reruns and parallel files from seeing each other's rows.
      const schema = `rmb_test_${randomBytes(6).toString('hex')}`
      const admin = new pg.Pool({ connectionString: postgresUrl, max: 2 })
      const opened: BackupStore[] = []
      const open = () => {
        const s = postgresStore({ connectionString: postgresUrl, schema })
        opened.push(s)
        return s
      }
      const store = open()
      return {
        store,
        reopen: open,
        async rawBytes() {
          const res = await admin.query<{ data: Buffer }>(
            `SELECT data FROM ${schema}.client_backups UNION ALL SELECT data FROM ${schema}.custodian_shares`,
          )
          const other = await admin.query<{ t: string }>(
            `SELECT coalesce(string_agg(row_to_json(b)::text, ''), '') AS t FROM (
               SELECT client_id, backup_method, key_version, key_id FROM ${schema}.client_backups
               UNION ALL SELECT client_id, backup_method, NULL, key_id FROM ${schema}.custodian_shares) b`,
          )
          return Buffer.concat([...res.rows.map((r) => r.data), Buffer.from(other.rows[0]?.t ?? '')])
        },
        async migrationVersions() {
          const res = await admin.query<{ version: number }>(
            `SELECT version FROM ${schema}.schema_migrations ORDER BY version`,
          )
          return res.rows.map((r) => r.version)
        },
        async tableRows(table) {
          const res = await admin.query<Record<string, unknown>>(`SELECT * FROM ${schema}.${table}`)
          return res.rows.map((row) => JSON.stringify(row, hexBytes))
        },
        async dispose() {
          await Promise.all(opened.map((s) => s.close()))
          await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
          await admin.end()
        },
      }
    },
  },
]

/** JSON.stringify's replacer for raw rows: a Buffer (BLOB, bytea) as its hex, so a scan reads its bytes too. */
function hexBytes(_key: string, value: unknown): unknown {
  if (value && typeof value === 'object' && (value as { type?: unknown }).type === 'Buffer')
    return Buffer.from((value as { data: number[] }).data).toString('hex')
  return value
}
