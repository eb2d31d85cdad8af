import type pg from 'pg'
import type { EraseOptions, EraseResult } from '../BackupStore.js'

/**
 * `erase` on PostgreSQL: one statement whose data-modifying parts delete the client's rows from each table. A single
 * statement is its own transaction, so the three deletes commit together or not at all, in one round trip. A write of
 * the same client that commits first is erased; one that commits after stands (as a backup made after the erase).
 * `s` is the escaped schema.
 */
export const postgresErase = {
  async run(pool: pg.Pool, s: string, clientId: string, options: EraseOptions = {}): Promise<EraseResult> {
    const res = await pool.query<EraseResult>(
      `WITH b AS (DELETE FROM ${s}.client_backups WHERE client_id = $1 RETURNING 1),
        i AS (DELETE FROM ${s}.idempotency_keys WHERE client_id = $1 RETURNING 1),
        c AS (DELETE FROM ${s}.custodian_shares WHERE client_id = $1 AND $2::boolean RETURNING 1)
      SELECT (SELECT count(*) FROM b)::int AS backups, (SELECT count(*) FROM i)::int AS "idempotencyRecords",
        (SELECT count(*) FROM c)::int AS "custodianShares"`,
      [clientId, options.custodian === true],
    )
    const row = res.rows[0]!
    return { backups: row.backups, idempotencyRecords: row.idempotencyRecords, custodianShares: row.custodianShares }
  },
}
