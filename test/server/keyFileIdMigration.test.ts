import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import pg from 'pg'
import { describe, expect, it } from 'vitest'
import { postgresStore, sqliteStore, type BackupStore } from '../../src/server/index.js'
import { postgresSkipReason, postgresUrl } from './support/stores.js'

// The client_backups table as schema version 1 made it (before key_file_id), with a row an older kit wrote.
const v1Backups = (s: string, blob: string, time: string) => `
  CREATE TABLE ${s}schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at ${time} NOT NULL${s ? ' DEFAULT now()' : ''});
  CREATE TABLE ${s}client_backups (client_id TEXT NOT NULL, backup_method TEXT NOT NULL, key_version TEXT, key_id TEXT NOT NULL,
    data ${blob} NOT NULL, stored_at ${time} NOT NULL, seq BIGINT NOT NULL${s ? ` DEFAULT nextval('${s}backup_seq')` : ''}, PRIMARY KEY (client_id, backup_method));
  CREATE TABLE ${s}custodian_shares (client_id TEXT NOT NULL, backup_method TEXT NOT NULL, key_id TEXT NOT NULL,
    data ${blob} NOT NULL, stored_at ${time} NOT NULL, seq BIGINT NOT NULL${s ? ` DEFAULT nextval('${s}backup_seq')` : ''}, PRIMARY KEY (client_id, backup_method));
  CREATE TABLE ${s}idempotency_keys (client_id TEXT NOT NULL, idem_key TEXT NOT NULL, fingerprint TEXT NOT NULL,
    status INTEGER NOT NULL, body TEXT NOT NULL, expires_at ${time} NOT NULL, PRIMARY KEY (client_id, idem_key));
`

async function checkUpgrade(store: BackupStore, versions: () => Promise<number[]>, latest: number[]) {
  const old = await store.get('old-client', 'GDRIVE')
  expect(old).toMatchObject({
    clientId: 'old-client',
    keyVersion: 'v1',
    keyFileId: null,
    googleAccount: null,
    walletBackupId: null,
  })
  expect(old?.data.toString()).toBe('sealed')
  expect(await versions()).toEqual(latest)
  await store.put({
    clientId: 'old-client',
    backupMethod: 'GDRIVE',
    keyVersion: 'v2',
    keyFileId: '1fileId',
    keyId: 'default',
    data: Buffer.from('sealed2'),
    storedAt: new Date(),
  })
  expect(await store.get('old-client', 'GDRIVE')).toMatchObject({ keyVersion: 'v2', keyFileId: '1fileId' })
  // A client that sends no file id (an older kit) replaces the row and the id with it.
  await store.put({
    clientId: 'old-client',
    backupMethod: 'GDRIVE',
    keyVersion: 'v3',
    keyId: 'default',
    data: Buffer.from('sealed3'),
    storedAt: new Date(),
  })
  expect(await store.get('old-client', 'GDRIVE')).toMatchObject({ keyVersion: 'v3', keyFileId: null })
  // Migration 3: the Google account that holds the key round-trips; a write without it clears it.
  const googleAccount = { permissionId: '01234567890123456789', email: 'alice@example.com' }
  await store.put({
    clientId: 'old-client',
    backupMethod: 'GDRIVE',
    keyVersion: 'v4',
    googleAccount,
    keyId: 'default',
    data: Buffer.from('sealed4'),
    storedAt: new Date(),
  })
  expect(await store.get('old-client', 'GDRIVE')).toMatchObject({ keyVersion: 'v4', googleAccount })
  await store.put({
    clientId: 'old-client',
    backupMethod: 'GDRIVE',
    keyVersion: 'v5',
    keyId: 'default',
    data: Buffer.from('sealed5'),
    storedAt: new Date(),
  })
  expect(await store.get('old-client', 'GDRIVE')).toMatchObject({ keyVersion: 'v5', googleAccount: null })
  // Migration 5: the id of the wallet backup the record describes round-trips; a write without it clears it.
  await store.put({
    clientId: 'old-client',
    backupMethod: 'GDRIVE',
    keyVersion: 'v6',
    walletBackupId: 'bsp_6',
    keyId: 'default',
    data: Buffer.from('sealed6'),
    storedAt: new Date(),
  })
  expect(await store.get('old-client', 'GDRIVE')).toMatchObject({ keyVersion: 'v6', walletBackupId: 'bsp_6' })
  await store.put({
    clientId: 'old-client',
    backupMethod: 'GDRIVE',
    keyVersion: 'v7',
    keyId: 'default',
    data: Buffer.from('sealed7'),
    storedAt: new Date(),
  })
  expect(await store.get('old-client', 'GDRIVE')).toMatchObject({ keyVersion: 'v7', walletBackupId: null })
}

describe('schema migrations 2 (key_file_id), 3 (google_account) and 5 (wallet_backup_id)', () => {
  it('sqlite: upgrades a version 1 database in place; its old rows read with keyFileId null', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rmb-mig-'))
    const filename = join(dir, 'backups.db')
    try {
      const db = new Database(filename)
      db.exec(v1Backups('', 'BLOB', 'INTEGER'))
      db.prepare('INSERT INTO schema_migrations VALUES (1, ?, ?)').run('v1', Date.now())
      db.prepare('INSERT INTO client_backups VALUES (?, ?, ?, ?, ?, ?, 1)').run(
        'old-client',
        'GDRIVE',
        '"v1"',
        'default',
        Buffer.from('sealed'),
        Date.now(),
      )
      db.close()
      const store = sqliteStore({ filename })
      try {
        await checkUpgrade(store, async () => {
          const ro = new Database(filename, { readonly: true })
          try {
            return (
              ro.prepare('SELECT version FROM schema_migrations ORDER BY version').all() as Array<{ version: number }>
            ).map((r) => r.version)
          } finally {
            ro.close()
          }
        }, [1, 2, 3, 4, 5])
      } finally {
        await store.close()
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it.skipIf(!postgresUrl)(
    'postgres: upgrades a version 1 schema in place; its old rows read with keyFileId null',
    async () => {
      if (!postgresUrl) console.warn(postgresSkipReason)
      const schema = `rmb_mig_${randomBytes(6).toString('hex')}`
      const admin = new pg.Pool({ connectionString: postgresUrl, max: 1 })
      try {
        await admin.query(`CREATE SCHEMA ${schema}; CREATE SEQUENCE ${schema}.backup_seq;`)
        await admin.query(v1Backups(`${schema}.`, 'BYTEA', 'TIMESTAMPTZ'))
        await admin.query(`INSERT INTO ${schema}.schema_migrations VALUES (1, 'v1', now())`)
        await admin.query(
          `INSERT INTO ${schema}.client_backups VALUES ('old-client', 'GDRIVE', '"v1"', 'default', $1, now(), 1)`,
          [Buffer.from('sealed')],
        )
        const store = postgresStore({ connectionString: postgresUrl, schema })
        try {
          await checkUpgrade(
            store,
            async () =>
              (
                await admin.query<{ version: number }>(
                  `SELECT version FROM ${schema}.schema_migrations ORDER BY version`,
                )
              ).rows.map((r) => r.version),
            // 6: the shared rate limits' table (PostgreSQL only).
            [1, 2, 3, 4, 5, 6],
          )
        } finally {
          await store.close()
        }
      } finally {
        await admin.query(`DROP SCHEMA ${schema} CASCADE`)
        await admin.end()
      }
    },
  )
})
