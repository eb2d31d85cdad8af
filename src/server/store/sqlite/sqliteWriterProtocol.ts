import type { IdempotencyRecord, PutCondition, StoredBackup, StoredShare } from '../BackupStore.js'
import type { IdempotencyRow } from '../storeRows.js'

/**
 * The messages between sqliteStore (main thread) and its writer thread (sqliteWriter.ts). The writer imports only the
 * types from here (nothing of ours at run time), so a bundler that splits it out needs nothing else of the kit.
 *
 * in:  { jobs: WriterJob[] } | { close: true }
 * out: { ready: true } | { failed: WriterError } | { outcomes: WriterOutcome[] } (one outcome per job, in order)
 *
 * To add a job: a variant here (its `op` and fields), its result in WriterResults, and its handler in the writer's
 * `handlers` (the compiler asks for it). Every job of a batch runs in its own savepoint of the batch's transaction.
 */
export type WriterJob =
  | {
      op: 'put'
      backup: StoredBackup
      idem: IdempotencyRecord | undefined
      condition: PutCondition | undefined
      /** The columns that need encoding (storeRows.backupColumns), encoded on the main thread. */
      columns: {
        key_version: string | null
        key_file_id: string | null
        google_account: string | null
        wallet_backup_id: string | null
      }
    }
  | { op: 'putShare'; share: StoredShare }
  | { op: 'read'; name: string; args: unknown[]; all: boolean }
  /**
   * Named writes (`WriterData.writes`, e.g. erasure) run together in the job's savepoint; answers their changes.
   * `scrub`: the writes delete data that must leave the disk, so the batch's commit is followed by a checkpoint that
   * truncates the WAL (its older page images still hold the deleted rows) before the answer is posted.
   */
  | { op: 'run'; names: string[]; args: unknown[]; scrub?: true }

/** What each job answers (a Buffer read by the writer arrives as a Uint8Array: structured clone). */
export interface WriterResults {
  put: { replayed: false; preconditionFailed?: true } | { replayed: true; previous: IdempotencyRow }
  putShare: undefined
  read: unknown
  run: number[]
}

export type WriterOp = WriterJob['op']

/** Everything the writer needs, given once as `workerData`. */
export interface WriterData {
  filename: string
  synchronous: 'FULL' | 'NORMAL'
  /** Ordered, append-only; applied in one IMMEDIATE transaction when the writer opens the file. */
  migrations: ReadonlyArray<{ version: number; name: string; sql: string }>
  /** Named read statements, by name (the writer answers reads only for `:memory:`, whose data only it can see). */
  reads: Readonly<Record<string, string>>
  /** Named write statements, by name, for `run` jobs (sqliteErase.ts). */
  writes: Readonly<Record<string, string>>
  /** Period of the sweep of expired idempotency records, in ms. */
  sweepMs: number
}

/**
 * The writer's `workerData`. The key marks the thread as the writer: imported anywhere else (a bundler's split chunk
 * loaded on the main thread), sqliteWriter.ts does nothing.
 */
export interface WriterStart {
  sqliteWriter: WriterData
}

export interface WriterError {
  message: string
  code?: string
}

export type WriterOutcome = { ok: true; value: unknown } | { ok: false; error: WriterError }

export type ToWriter = { jobs: WriterJob[] } | { close: true }

export type FromWriter = { ready: true } | { failed: WriterError } | { outcomes: WriterOutcome[] }

/** An error the writer reported, as an Error again (errors cross threads as their message and code). */
export function writerError(e: WriterError | undefined): Error {
  return Object.assign(new Error(e?.message ?? 'sqliteStore writer failed'), e?.code ? { code: e.code } : {})
}
