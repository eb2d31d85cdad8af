import type { BackupStore } from '../store/BackupStore.js'
import { encryptAtRest } from '../sealing/encryptAtRest.js'
import type { EncryptionKeyConfig } from '../sealing/encryptAtRest.js'
import { openSealedRow } from '../sealing/openSealedRow.js'
import type { UnreadableRow } from '../sealing/openSealedRow.js'
import { scanAllRows } from '../store/scanAllRows.js'

export interface VerifyReport {
  rows: number
  readable: number
  /** Rows that no configured key opens (their place and key id only; contents are never read out). */
  unreadable: UnreadableRow[]
  /** Rows per key id, and how many of them opened. */
  byKeyId: Record<string, { rows: number; readable: number }>
}

/** Opens every stored row with the configured keys and reports the ones that do not open, by key id. */
export async function verifyStoredRows(options: {
  store: BackupStore
  encryptionKey: EncryptionKeyConfig
  /** Rows read per query (default 500). */
  pageSize?: number
}): Promise<VerifyReport> {
  const cipher = encryptAtRest(options.encryptionKey)
  const report: VerifyReport = { rows: 0, readable: 0, unreadable: [], byKeyId: {} }
  for await (const row of scanAllRows(options.store, options.pageSize)) {
    report.rows++
    const perKey = report.byKeyId[row.keyId] ?? { rows: 0, readable: 0 }
    report.byKeyId[row.keyId] = perKey
    perKey.rows++
    // Opened to prove the key and the AAD hold; the plaintext is dropped at once.
    const opened = openSealedRow(cipher, row)
    if ('unreadable' in opened) {
      report.unreadable.push(opened.unreadable)
    } else {
      report.readable++
      perKey.readable++
    }
  }
  return report
}
