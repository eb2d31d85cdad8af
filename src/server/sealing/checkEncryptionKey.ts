import type { BackupStore } from '../store/BackupStore.js'
import { DEFAULT_KEY_ID, encryptAtRest } from './encryptAtRest.js'
import type { EncryptionKeyConfig } from './encryptAtRest.js'
import { sealContext } from './sealContext.js'
import { ServerConfigError } from '../errors/ServerConfigError.js'

export interface EncryptionKeyCheck {
  /** Id (fingerprint or label) of the key that seals new rows. */
  keyId: string
  /** Rows sampled (newest client backups and custodian shares). */
  sampled: number
  opened: number
  /** Key ids of the sampled rows that did not open, each once. */
  unreadableKeyIds: string[]
}

/**
 * Opens a sample of the newest stored rows with the configured keys. Throws ServerConfigError naming the key ids
 * when rows exist and none of them opens (the server was started with the wrong key: it would seal new rows that
 * the right key cannot read, beside old rows it cannot read). Some unreadable rows among readable ones are only
 * reported in the result, for the caller to log.
 */
export async function checkEncryptionKey(options: {
  store: BackupStore
  encryptionKey: EncryptionKeyConfig
  /** Rows of each kind to try (default 20). */
  sample?: number
}): Promise<EncryptionKeyCheck> {
  const cipher = encryptAtRest(options.encryptionKey)
  const limit = options.sample ?? 20
  const [backups, shares] = await Promise.all([options.store.list({ limit }), options.store.listWebhook({ limit })])
  const rows = [
    ...backups.slice(0, limit).map((row) => ({ row, context: sealContext.client(row.clientId, row.backupMethod) })),
    ...shares.slice(0, limit).map((row) => ({ row, context: sealContext.custodian(row.clientId, row.backupMethod) })),
  ]
  let opened = 0
  const unreadable = new Set<string>()
  for (const { row, context } of rows) {
    try {
      cipher.open(row, context)
      opened++
    } catch {
      unreadable.add(row.keyId)
    }
  }
  const result = { keyId: cipher.currentKeyId, sampled: rows.length, opened, unreadableKeyIds: [...unreadable] }
  if (rows.length > 0 && opened === 0) {
    throw new ServerConfigError(
      `The encryption key (key id ${cipher.keyIds.filter((id) => id !== DEFAULT_KEY_ID).join(', ')}) opens none of the ${rows.length} newest stored rows ` +
        `(sealed with key id ${result.unreadableKeyIds.join(', ')}). Start with the key those rows were sealed with ` +
        '(give the new key with the old one as a previous key to rotate); refusing to start.',
    )
  }
  return result
}
