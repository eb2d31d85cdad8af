import { HttpError } from '../../errors/HttpError.js'
import { sealContext } from '../../sealing/sealContext.js'
import type { StoredBackup } from '../../store/BackupStore.js'
import { revisionOf } from '../../store/revisionOf.js'
import { authorizeOwner } from '../authorizeOwner.js'
import { backupBodySchemas } from '../backupBodySchemas.js'
import type { RouterContext } from '../createRouterContext.js'
import { jsonResponse } from '../responses.js'
import type { ServerRequest, ServerResponse } from '../ServerRequest.js'
import { DROPPED } from '../withDeadline.js'
import type { Deadline } from '../withDeadline.js'

const clientContext = sealContext.client
/**
 * `GET /clients/:clientId/backup[?backupMethod=]`: the owner's backup of that method, or the latest one that opens;
 * 404 `backup_not_found` when there is none.
 */
export function readClientBackup(context: RouterContext) {
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

  return async (request: ServerRequest, pathClientId: string, deadline: Deadline): Promise<ServerResponse> => {
    const clientId = await authorizeOwner(context, request, pathClientId)
    const query = backupBodySchemas.getQuery.safeParse(request.query)
    if (!query.success) throw new HttpError(400, 'invalid_query', query.fields)
    let row = await store.get(clientId, query.data.backupMethod)
    if (deadline.expired) return DROPPED
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
      if (deadline.expired) return DROPPED
      ;[row, cipherText] = readable
    }
    emit('backup.read', clientId, row.backupMethod)
    return jsonResponse(
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
      { ETag: revisionOf(row.data) },
    )
  }
}
