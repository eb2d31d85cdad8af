import type { BackupConfig } from '../../types.js'
import type { ShareRecord } from '../../clients/createShareApi.js'
import type { DriveKeyStore } from '../../clients/driveKeyStore.js'

/**
 * Puts the previous server record back and removes the new key file, so nothing half-written stays. The restore only
 * ever replaces the previous record or OUR upload (If-Match their revisions): between our upload and this rollback
 * another device may have read our record and stored its own backup over it (and pruned the older key files), and
 * replacing that would leave the server with a record whose key is gone.
 */
export async function rollback(s: {
  config: BackupConfig
  drive: DriveKeyStore | undefined
  previous: ShareRecord | null
  uploadMayHaveLanded: boolean
  ours: { cipherText: string; revision: string | undefined }
  newKeyFileId: string | undefined
  keyVersion: string
}) {
  const { config, drive, previous } = s
  let serverHoldsOld = !s.uploadMayHaveLanded
  if (s.uploadMayHaveLanded && previous) serverHoldsOld = await restorePrevious(config, previous, s.ours, s.keyVersion)
  // Without the old record back on the server the new share may be the only one, and it needs its key.
  if (drive && s.newKeyFileId && serverHoldsOld) await drive.remove(s.newKeyFileId).catch(() => {})
}

const RESTORE_ROUNDS = 3

/**
 * Restores `previous` over what the server holds, only while that is the previous record itself or our upload, and
 * says whether the server is known to hold the previous record afterwards. Our upload's answer may have been lost:
 * then each round re-reads the server first. Rewriting the previous record in place (If-Match its own revision)
 * changes its revision, so our upload, if still travelling with If-Match of that revision, can no longer land; and
 * once one of our uploads has landed, no other can. Each restore is a single try: the next round's read says whether
 * a timed-out one landed.
 */
async function restorePrevious(
  config: BackupConfig,
  previous: ShareRecord,
  ours: { cipherText: string; revision: string | undefined },
  keyVersion: string,
): Promise<boolean> {
  const restore = (ifMatch: string | undefined) =>
    config.shareApi.put(
      config.clientId,
      {
        backupMethod: previous.backupMethod,
        cipherText: previous.cipherText,
        keyVersion: previous.keyVersion,
        // Absent ones are undefined here and left out of the JSON sent.
        keyFileId: previous.keyFileId,
        googleAccount: previous.googleAccount,
      },
      {
        idempotencyKey: `${config.clientId}:${previous.keyVersion ?? 'legacy'}:restore:${keyVersion}`,
        ...(ifMatch ? { ifMatch, retry: { tries: 1 } } : {}),
      },
    )
  if (!previous.revision) {
    // A server that sends no ETag cannot take a condition (our upload was blind too): put the record back as is.
    return restore(undefined).then(
      () => true,
      () => false,
    )
  }
  const replaceable = new Set<string>([previous.revision])
  if (ours.revision) replaceable.add(ours.revision)
  const sameRecord = (a: ShareRecord, cipherText: string, version: string | number | null | undefined) =>
    a.cipherText === cipherText && String(a.keyVersion ?? '') === String(version ?? '')
  for (let round = 0; round < RESTORE_ROUNDS; round++) {
    // The upload's own answer names our revision; without it (or after a failed try) a fresh read decides.
    if (round > 0 || !ours.revision) {
      let current: ShareRecord | null
      try {
        current = await config.shareApi.get(config.clientId, previous.backupMethod)
      } catch {
        return false
      }
      if (!current?.revision) return false
      if (sameRecord(current, ours.cipherText, keyVersion)) replaceable.add(current.revision)
      else if (!replaceable.has(current.revision)) {
        // Our own restore landed (the previous record under a new revision), or someone else's record: leave it.
        return sameRecord(current, previous.cipherText, previous.keyVersion)
      }
    }
    try {
      await restore([...replaceable].join(', '))
      return true
    } catch {
      // 412 (someone wrote meanwhile), or unknown (timeout): the next round reads what stands.
    }
  }
  return false
}
