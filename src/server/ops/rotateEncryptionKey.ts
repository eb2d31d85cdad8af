import type { BackupStore, SealedRow } from '../store/BackupStore.js'
import { encryptAtRest } from '../sealing/encryptAtRest.js'
import type { EncryptionKeyConfig } from '../sealing/encryptAtRest.js'
import { maintenanceOf, scanAllRows } from '../store/scanAllRows.js'
import { openSealedRow } from '../sealing/openSealedRow.js'
import type { UnreadableRow } from '../sealing/openSealedRow.js'

export interface RotationReport {
  /** Rows sealed again under the current key by this run. */
  resealed: number
  /** Rows that were under the current key already (a rerun after an interruption skips what is done). */
  alreadyCurrent: number
  /** Rows that a write replaced (or removed) while this run held them: the writer's value stands, untouched. */
  replacedByWriters: number
  /** Rows that no configured key opens; left as they are. */
  unreadable: UnreadableRow[]
  currentKeyId: string
}

/**
 * Seals every stored row again under the current key of `encryptionKey` (its other keys open the old rows). Safe
 * while servers serve: each row is replaced by a compare-and-set on its sealed bytes, so a backup written meanwhile
 * is never overwritten; such a row is read again and re-sealed only if it is still under an old key. Resumable: a
 * rerun skips rows already under the current key, and an interrupted run leaves every row readable.
 *
 * Run it after every server has the new key as current (with the old one among the previous keys), else servers keep
 * writing rows under the old key.
 */
export async function rotateEncryptionKey(options: {
  store: BackupStore
  encryptionKey: EncryptionKeyConfig
  onProgress?: (report: RotationReport) => void
  /** Progress is reported every this many rows (default 1000). */
  progressEvery?: number
  /** Rows read per query (default 500). */
  pageSize?: number
}): Promise<RotationReport> {
  const { store } = options
  const cipher = encryptAtRest(options.encryptionKey)
  const maintenance = maintenanceOf(store)
  const report: RotationReport = {
    resealed: 0,
    alreadyCurrent: 0,
    replacedByWriters: 0,
    unreadable: [],
    currentKeyId: cipher.currentKeyId,
  }
  const every = options.progressEvery ?? 1000
  let seen = 0

  for await (const first of scanAllRows(store, options.pageSize)) {
    if (++seen % every === 0) options.onProgress?.(report)
    let row: SealedRow | undefined = first
    if (row.keyId === cipher.currentKeyId) {
      report.alreadyCurrent++
      continue
    }
    for (let attempt = 0; row !== undefined; attempt++) {
      const opened = openSealedRow(cipher, row)
      if ('unreadable' in opened) {
        report.unreadable.push(opened.unreadable)
        break
      }
      const sealed = cipher.seal(opened.plaintext, opened.context)
      if (await maintenance.resealRow(row.kind, row, row.data, sealed)) {
        report.resealed++
        break
      }
      // A writer got there first. Read the row again: a value sealed under an old key (a server not yet on the new
      // key) still needs re-sealing; anything else is the writer's, and stays.
      row = await reread(store, row)
      if (row === undefined || row.keyId === cipher.currentKeyId || attempt >= 4) {
        report.replacedByWriters++
        break
      }
    }
  }
  return report
}

async function reread(store: BackupStore, row: SealedRow): Promise<SealedRow | undefined> {
  const position = { clientId: row.clientId, backupMethod: row.backupMethod }
  if (row.kind === 'client') {
    const now = await store.get(row.clientId, row.backupMethod)
    return now && { kind: 'client', ...position, keyId: now.keyId, data: now.data, storedAt: now.storedAt }
  }
  const now = (await store.listWebhook({ clientId: row.clientId })).find((s) => s.backupMethod === row.backupMethod)
  return now && { kind: 'custodian', ...position, keyId: now.keyId, data: now.data, storedAt: now.storedAt }
}
