import type { GoogleAccountHint, IdempotencyRecord, StoredBackup, StoredShare } from './BackupStore.js'

/** A `client_backups` row as both stores keep it (SQLite keeps times as epoch ms, PostgreSQL as timestamptz). */
export interface BackupRow {
  client_id: string
  backup_method: string
  /** JSON text, so a number and a numeric string stay apart. */
  key_version: string | null
  key_file_id?: string | null
  /** JSON text of the account hint. */
  google_account?: string | null
  wallet_backup_id?: string | null
  key_id: string
  data: Buffer
  stored_at: number | Date
}
export type ShareRow = Omit<BackupRow, 'key_version' | 'key_file_id' | 'google_account' | 'wallet_backup_id'>
export interface IdempotencyRow {
  client_id: string
  idem_key: string
  fingerprint: string
  status: number
  body: string
  expires_at: number | Date
}

const asDate = (t: number | Date): Date => (t instanceof Date ? t : new Date(t))

/** The one mapping between the stores' rows and the BackupStore records, shared by sqliteStore and postgresStore. */
export const storeRows = {
  /** The sealed tables, by the kind of row they hold. */
  tables: { client: 'client_backups', custodian: 'custodian_shares' } as const,
  toBackup: (r: BackupRow): StoredBackup => ({
    clientId: r.client_id,
    backupMethod: r.backup_method,
    keyVersion: r.key_version === null ? null : (JSON.parse(r.key_version) as string | number),
    keyFileId: r.key_file_id ?? null,
    googleAccount: r.google_account ? (JSON.parse(r.google_account) as GoogleAccountHint) : null,
    walletBackupId: r.wallet_backup_id ?? null,
    keyId: r.key_id,
    data: r.data,
    storedAt: asDate(r.stored_at),
  }),
  toShare: (r: ShareRow): StoredShare => ({
    clientId: r.client_id,
    backupMethod: r.backup_method,
    keyId: r.key_id,
    data: r.data,
    storedAt: asDate(r.stored_at),
  }),
  toIdempotency: (r: IdempotencyRow): IdempotencyRecord => ({
    clientId: r.client_id,
    key: r.idem_key,
    fingerprint: r.fingerprint,
    status: r.status,
    body: r.body,
    expiresAt: asDate(r.expires_at),
  }),
  /** The columns a backup writes that need encoding (the rest are stored as they are). */
  backupColumns: (b: StoredBackup) => ({
    key_version: b.keyVersion === null ? null : JSON.stringify(b.keyVersion),
    key_file_id: b.keyFileId ?? null,
    google_account: b.googleAccount ? JSON.stringify(b.googleAccount) : null,
    wallet_backup_id: b.walletBackupId ?? null,
  }),
}
