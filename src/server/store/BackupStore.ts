/** The user's encrypted client backup (`cipherText`), sealed again at rest; one row per (clientId, backupMethod). */
export interface StoredBackup {
  clientId: string
  backupMethod: string
  /** Version of the Drive key that encrypts this cipherText, as the browser client sent it. */
  keyVersion: string | number | null
  /** Drive file id of that key (not secret), so the client reads it by id; absent on rows from older clients. */
  keyFileId?: string | null | undefined
  /**
   * The Google account holding the key, as Drive's about.get names it (not secret: it lets recovery pre-select the
   * account). Absent on rows from older clients.
   */
  googleAccount?: GoogleAccountHint | null | undefined
  /**
   * The provider's id of the wallet backup this record describes (Portal: the backup share pair), as the client sent
   * it after the provider confirmed the backup (not secret). Absent on rows from older clients.
   */
  walletBackupId?: string | null | undefined
  /** Id of the at-rest key that sealed `data`, so keys can rotate without rewriting rows. */
  keyId: string
  /** Sealed bytes (never plaintext). */
  data: Buffer
  storedAt: Date
}

export interface GoogleAccountHint {
  /** Drive's stable id of the user (`about.user.permissionId`). */
  permissionId: string
  /** The account's email, used as `login_hint`; masked wherever it is shown or logged. */
  email: string
}

/** A custodian share posted by the provider's webhook, sealed at rest; one row per (clientId, backupMethod). */
export interface StoredShare {
  clientId: string
  backupMethod: string
  keyId: string
  data: Buffer
  storedAt: Date
}

/** The first answer given for an Idempotency-Key, replayed verbatim to later requests with the same key. */
export interface IdempotencyRecord {
  clientId: string
  key: string
  /** Hash of the request that first used the key, to refuse the key's reuse for a different request. */
  fingerprint: string
  status: number
  /** JSON text of the response body; it never contains share material. */
  body: string
  expiresAt: Date
}

/**
 * An If-Match precondition on the row of the same (clientId, backupMethod): `'*'` asks for any current row, a
 * list asks for a current row whose `revisionOf(data)` is one of these strong tags. No current row never matches.
 */
export interface PutCondition {
  ifMatch: '*' | readonly string[]
}

export type PutResult =
  | { replayed: false; preconditionFailed?: false }
  | { replayed: true; previous: IdempotencyRecord }
  | { replayed: false; preconditionFailed: true }

/** What `BackupStore.erase` removes beyond the owner's own rows. */
export interface EraseOptions {
  /**
   * Also the provider's custodian shares of the client (`/webhook/backup` rows). The app's own call only, never the
   * owner's HTTP route: the provider fetches them back for recovery, so erasing them is the app's decision.
   */
  custodian?: boolean
}

/** How many rows an erase removed, per table (all zero when there was nothing to erase). */
export interface EraseResult {
  backups: number
  idempotencyRecords: number
  custodianShares: number
}

export interface ListFilter {
  clientId?: string
  /** At most this many rows (the newest); all when absent. A store may ignore it and return more. */
  limit?: number
}

/**
 * Persistence for the backup router. Stores hold opaque sealed bytes; encryption happens before them
 * so every store gets it for free. Lists are newest first.
 */
export interface BackupStore {
  /**
   * Replaces the row of the same (clientId, backupMethod). With an idempotency record, the write and the
   * record are one transaction: if a live record for the same (clientId, key) exists, nothing is written
   * and that record is returned instead, so concurrent replays store once.
   *
   * With a condition, stores must check it against the current row in the same transaction as the write (a
   * check before it would let two writers holding the same revision both succeed). A replay of a live
   * idempotency record comes first; otherwise, when the condition fails, nothing is written (the idempotency
   * record included) and `{ replayed: false, preconditionFailed: true }` is returned.
   */
  put(backup: StoredBackup, idempotency?: IdempotencyRecord, condition?: PutCondition): Promise<PutResult>
  /** The row of that method, or the latest row of the client when no method is given. */
  get(clientId: string, backupMethod?: string): Promise<StoredBackup | undefined>
  list(filter?: ListFilter): Promise<StoredBackup[]>
  putWebhook(share: StoredShare): Promise<void>
  listWebhook(filter?: ListFilter): Promise<StoredShare[]>
  /** A record that has not expired at `now`, if any. */
  getIdempotency(clientId: string, key: string, now: Date): Promise<IdempotencyRecord | undefined>
  /**
   * Removes the client's backup rows (every method, with the Google account they name) and its idempotency records,
   * and with `{ custodian: true }` its custodian shares, in one transaction; no other client's row is touched.
   * Idempotent: erasing a client with nothing stored removes nothing and succeeds.
   */
  erase(clientId: string, options?: EraseOptions): Promise<EraseResult>
  close(): Promise<void>
  /**
   * Resolves once the store can serve: its driver loaded, its database reachable and migrated. Rejects with a
   * ServerConfigError whose message names the fix. Optional for stores of your own (then taken as ready).
   */
  ready?(): Promise<void>
  /** Operator tools and health checks (see MaintainableStore); optional for stores of your own. */
  maintenance?: MaintainableStore
}

/** Which table a row lives in: the owner's client backups, or the provider's custodian shares. */
export type RowKind = 'client' | 'custodian'

/** Where a row is: rows are walked in (clientId, backupMethod) order. */
export interface RowPosition {
  clientId: string
  backupMethod: string
}

/** A row as the operator tools see it: its place, its key id and its sealed bytes (never opened by the store). */
export interface SealedRow extends RowPosition {
  kind: RowKind
  keyId: string
  data: Buffer
  storedAt: Date
}

/**
 * What the operator tools (`rotate-key`, `verify`, `stats`) and the health check need from a store. Both bundled
 * stores have it; a store of your own may leave it out (the tools then say so).
 */
export interface MaintainableStore {
  /** Up to `limit` rows of `kind` after `after` (exclusive), in (clientId, backupMethod) order. */
  scanRows(kind: RowKind, after: RowPosition | undefined, limit: number): Promise<SealedRow[]>
  /**
   * Replaces the row's key id and sealed bytes only if the row still holds `expected` (compare-and-set in one
   * statement): a write that landed since the row was read is never replaced. True when replaced. The row keeps its
   * place in the "latest" order and its storedAt.
   */
  resealRow(kind: RowKind, at: RowPosition, expected: Buffer, next: { keyId: string; data: Buffer }): Promise<boolean>
  /** Resolves when the database answers a trivial query; rejects otherwise. */
  ping(): Promise<void>
}
