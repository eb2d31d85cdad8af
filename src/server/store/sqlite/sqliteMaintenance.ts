import type Database from 'better-sqlite3'
import type { MaintainableStore, RowKind, SealedRow } from '../BackupStore.js'
import { storeRows } from '../storeRows.js'
import type { ShareRow } from '../storeRows.js'

const TABLES: Record<RowKind, string> = storeRows.tables

type Row = ShareRow & { stored_at: number }

/**
 * The operator tools' access to a SQLite store's tables, on the main thread's connection (`db`): the re-seal is one
 * conditional UPDATE, which SQLite serialises with the writer thread's commits. A `:memory:` database lives only in the
 * writer's connection (`db` undefined): there only `ping` (through the writer) works.
 */
export function sqliteMaintenance(db: Database.Database | undefined, ping: () => Promise<unknown>): MaintainableStore {
  if (!db) {
    const unsupported = async (): Promise<never> => {
      throw new Error("sqliteStore(':memory:') cannot be scanned or re-sealed by the operator tools")
    }
    return { scanRows: unsupported, resealRow: unsupported, ping: async () => void (await ping()) }
  }
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
      await ping()
    },
  }
}
