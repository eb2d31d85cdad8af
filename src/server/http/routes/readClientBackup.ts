import type { RequestHandler } from 'express'
import { authorizeOwner } from '../authorizeOwner.js'
import { backupBodySchemas } from '../backupBodySchemas.js'
import type { StoredBackup } from '../../store/BackupStore.js'
import type { RouterContext } from '../createRouterContext.js'
import { fieldsOf } from '../fieldsOf.js'
import { HttpError } from '../../errors/HttpError.js'
import { revisionOf } from '../../store/revisionOf.js'
import { sealContext } from '../../sealing/sealContext.js'
import { sendJsonText } from '../sendJsonText.js'

const clientContext = sealContext.client

/**
 * `GET /clients/:clientId/backup[?backupMethod=]`: the owner's backup of that method, or the latest one that opens;
 * 404 `backup_not_found` when there is none.
 */
export function readClientBackup(context: RouterContext): RequestHandler {
  const { store, cipher, emit } = context

  /** A row's cipherText, or undefined (reported, ids only) when no configured key opens it. */
  const openRow = (clientId: string, row: StoredBackup) =>
    context.openOrSkip(
      () => cipher.open(row, clientContext(clientId, row.backupMethod)),
      'client',
      clientId,
      row.backupMethod,
    )

  /** The newest of the client's rows that opens, starting with `latest`; 500 when none does. */
  const latestReadable = async (clientId: string, latest: StoredBackup): Promise<[StoredBackup, string]> => {
    const first = openRow(clientId, latest)
    if (first !== undefined) return [latest, first]
    for (const row of await store.list({ clientId })) {
      if (row.backupMethod === latest.backupMethod) continue
      const text = openRow(clientId, row)
      if (text !== undefined) return [row, text]
    }
    throw new HttpError(500, 'storage_key_mismatch')
  }

  return async (req, res) => {
    const clientId = await authorizeOwner(context, req, res)
    const query = backupBodySchemas.getQuery.safeParse(req.query)
    if (!query.success) throw new HttpError(400, 'invalid_query', fieldsOf(query.error))
    let row = await store.get(clientId, query.data.backupMethod)
    if (res.headersSent) return
    if (!row) {
      emit('backup.not_found', clientId, query.data.backupMethod ?? null)
      // A code of its own: clients read only this 404 as "no backup yet" (a missing route is not an empty backup).
      throw new HttpError(404, 'backup_not_found')
    }
    let cipherText: string
    if (query.data.backupMethod !== undefined) {
      const only = row
      cipherText = context.openOrReport(
        () => cipher.open(only, clientContext(clientId, only.backupMethod)),
        clientId,
        only.backupMethod,
      )
    } else {
      // Without a method the answer is the latest row that opens: one unreadable row must not hide the others.
      const readable = await latestReadable(clientId, row)
      if (res.headersSent) return
      ;[row, cipherText] = readable
    }
    emit('backup.read', clientId, row.backupMethod)
    res.setHeader('ETag', revisionOf(row.data))
    sendJsonText(
      res,
      200,
      JSON.stringify({
        cipherText,
        backupMethod: row.backupMethod,
        keyVersion: row.keyVersion,
        ...(row.keyFileId ? { keyFileId: row.keyFileId } : {}),
        ...(row.googleAccount ? { googleAccount: row.googleAccount } : {}),
        ...(row.walletBackupId ? { walletBackupId: row.walletBackupId } : {}),
        storedAt: row.storedAt.toISOString(),
      }),
    )
  }
}
