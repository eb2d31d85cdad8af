import type pg from 'pg'
import type { MaintainableStore, RowKind, SealedRow } from '../BackupStore.js'
import { storeRows } from '../storeRows.js'
import type { ShareRow } from '../storeRows.js'

const TABLES: Record<RowKind, string> = storeRows.tables

type Row = ShareRow & { stored_at: Date }

/** The operator tools' access to a PostgreSQL store's tables; `schema` migrates and gives the escaped schema. */
export function postgresMaintenance(pool: pg.Pool, schema: () => Promise<string>): MaintainableStore {
  return {
    async scanRows(kind, after, limit) {
      const s = await schema()
      const table = `${s}.${TABLES[kind]}`
      const columns = 'client_id, backup_method, key_id, data, stored_at'
      // COLLATE "C": byte order, the same order as the row-value comparison of the cursor, whatever the locale.
      const order = 'ORDER BY client_id COLLATE "C", backup_method COLLATE "C"'
      const res =
        after === undefined
          ? await pool.query<Row>(`SELECT ${columns} FROM ${table} ${order} LIMIT $1`, [limit])
          : await pool.query<Row>(
              `SELECT ${columns} FROM ${table}
               WHERE (client_id COLLATE "C", backup_method COLLATE "C") > ($1 COLLATE "C", $2 COLLATE "C")
               ${order} LIMIT $3`,
              [after.clientId, after.backupMethod, limit],
            )
      return res.rows.map(
        (r): SealedRow => ({
          kind,
          clientId: r.client_id,
          backupMethod: r.backup_method,
          keyId: r.key_id,
          data: r.data,
          storedAt: r.stored_at,
        }),
      )
    },
    async resealRow(kind, at, expected, next) {
      const s = await schema()
      // Compare-and-set in one statement: a concurrent upsert either lands first (no match, nothing replaced) or
      // waits for this row lock and then replaces the re-sealed row with its own newer value.
      const res = await pool.query(
        `UPDATE ${s}.${TABLES[kind]} SET key_id = $1, data = $2
         WHERE client_id = $3 AND backup_method = $4 AND data = $5`,
        [next.keyId, next.data, at.clientId, at.backupMethod, expected],
      )
      return res.rowCount === 1
    },
    async ping() {
      await pool.query('SELECT 1')
    },
  }
}
