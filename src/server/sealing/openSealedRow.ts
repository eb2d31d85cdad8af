import type { SealedRow } from '../store/BackupStore.js'
import type { AtRestCipher } from './encryptAtRest.js'
import { sealContext } from './sealContext.js'
import { StorageKeyMismatchError } from '../errors/StorageKeyMismatchError.js'

/** A row no configured key opens: its place and key id only (its contents are never read out). */
export interface UnreadableRow {
  kind: SealedRow['kind']
  clientId: string
  backupMethod: string
  keyId: string
}

/**
 * Opens a stored row with the configured keys (and the AAD of its place). A row that no key opens comes back as
 * `unreadable`; any other failure throws.
 */
export function openSealedRow(
  cipher: AtRestCipher,
  row: SealedRow,
): { plaintext: string; context: string } | { unreadable: UnreadableRow } {
  const context = sealContext[row.kind](row.clientId, row.backupMethod)
  try {
    return { plaintext: cipher.open(row, context), context }
  } catch (error) {
    if (!(error instanceof StorageKeyMismatchError)) throw error
    return { unreadable: { kind: row.kind, clientId: row.clientId, backupMethod: row.backupMethod, keyId: row.keyId } }
  }
}
