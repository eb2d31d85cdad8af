import type { EraseOptions, EraseResult } from '../BackupStore.js'

/** The writer thread's named write statements for erasure (its workerData `writes`), by the table they empty. */
const statements = {
  eraseBackups: 'DELETE FROM client_backups WHERE client_id = ?',
  eraseIdempotency: 'DELETE FROM idempotency_keys WHERE client_id = ?',
  eraseCustodian: 'DELETE FROM custodian_shares WHERE client_id = ?',
} as const

type StatementName = keyof typeof statements

/**
 * `erase` on SQLite. It is one `run` job of the writer thread: the job's statements run in the job's own savepoint of
 * the batch's IMMEDIATE transaction, so they commit together (after the batch's fsync) or not at all, and a write
 * of the same client in the same batch lands wholly before or wholly after them.
 */
export const sqliteErase = {
  statements,
  job(
    clientId: string,
    options: EraseOptions = {},
  ): { op: 'run'; names: StatementName[]; args: [string]; scrub: true } {
    const names: StatementName[] = ['eraseBackups', 'eraseIdempotency']
    if (options.custodian === true) names.push('eraseCustodian')
    // scrub: the writer zeroes deleted content (secure_delete) and then truncates the WAL, so the erased shares leave
    // the database file and its log, not only the tables.
    return { op: 'run', names, args: [clientId], scrub: true }
  },
  /** The rows each statement of `job` removed (`changes`, in the job's order), per table. */
  result(changes: number[]): EraseResult {
    return { backups: changes[0] ?? 0, idempotencyRecords: changes[1] ?? 0, custodianShares: changes[2] ?? 0 }
  },
}
