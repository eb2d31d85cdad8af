import type Database from 'better-sqlite3'
import type { MaintainableStore, RowKind, SealedRow } from './BackupStore.js'

const TABLES: Record<RowKind, string> = { client: 'client_backups', custodian: 'custodian_shares' }

interface Row {
  client_id: string
  backup_method: string
  key_id: string
  data: Buffer
  stored_at: number
}

/** The operator tools' access to an open SQLite store's tables. */
export function sqliteMaintenance(db: Database.Database): MaintainableStore {
  const statements = (table: string) => ({
    first: db.prepare(
      `SELECT client_id, backup_method, key_id, data, stored_at FROM ${table} ORDER BY client_id, backup_method LIMIT ?`,
    ),
    after: db.prepare(
      `SELECT client_id, backup_method, key_id, data, stored_at FROM ${table}
       WHERE (client_id, backup_method) > (?, ?) ORDER BY client_id, backup_method LIMIT ?`,
    ),
    // Compare-and-set on the sealed bytes: every seal has a fresh IV, so equal bytes mean the same write.
    reseal: db.prepare(
      `UPDATE ${table} SET key_id = ?, data = ? WHERE client_id = ? AND backup_method = ? AND data = ?`,
    ),
  })
  const q = { client: statements(TABLES.client), custodian: statements(TABLES.custodian) }
  const ping = db.prepare('SELECT 1')
  const toRow =
    (kind: RowKind) =>
    (r: Row): SealedRow => ({
      kind,
      clientId: r.client_id,
      backupMethod: r.backup_method,
      keyId: r.key_id,
      data: r.data,
      storedAt: new Date(r.stored_at),
    })
  return {
    async scanRows(kind, after, limit) {
      const rows = (
        after === undefined ? q[kind].first.all(limit) : q[kind].after.all(after.clientId, after.backupMethod, limit)
      ) as Row[]
      return rows.map(toRow(kind))
    },
    async resealRow(kind, at, expected, next) {
      return q[kind].reseal.run(next.keyId, next.data, at.clientId, at.backupMethod, expected).changes === 1
    },
    async ping() {
      ping.get()
    },
  }
}
