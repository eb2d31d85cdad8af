import { z } from 'zod'

const CLIENT_ID = /^[A-Za-z0-9._:@|-]{1,200}$/
const clientId = z.string().regex(CLIENT_ID)
// Provider methods are free strings such as "GDRIVE-SECP256K1"; keep them as sent.
const method = z.string().regex(/^[A-Za-z0-9._:-]{1,64}$/)
// The client finds a key file by parsing its name, version included: only versions it can parse back are stored.
const keyVersion = z.union([
  z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
])
// Drive file ids are URL-safe base64-like strings; the id is not secret (useless without the owner's token).
const keyFileId = z.string().regex(/^[A-Za-z0-9_-]{1,256}$/)
// Drive's about.user.permissionId and the account email: not secret, used only to pre-select the account at recovery.
// The provider's id of the backup a record describes (Portal: a backup share pair id); not secret. Lets the client
// tell its backup from a newer one of the same method made by someone else.
const walletBackupId = z.string().regex(/^[A-Za-z0-9._:@|-]{1,256}$/)
const googleAccount = z.object({
  permissionId: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/),
  email: z
    .string()
    .max(320)
    .regex(/^[^\s@]+@[^\s@]+$/),
})

/** What the share server accepts, shared by its route modules (openapi/share-server.yaml says the same). */
export const backupBodySchemas = {
  CLIENT_ID,
  JSON_TYPE: /^\s*application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i,
  idempotencyKey: z.string().regex(/^[\x21-\x7e]{1,255}$/),
  clientBackup: z.union([
    z.object({
      backupMethod: method,
      cipherText: z.string().min(1),
      keyVersion: keyVersion.nullish(),
      keyFileId: keyFileId.nullish(),
      googleAccount: googleAccount.nullish(),
      walletBackupId: walletBackupId.nullish(),
    }),
    // Legacy SDKs post `{ backupShare }` without a method.
    z.object({
      backupShare: z.string().min(1),
      backupMethod: method.nullish(),
      keyVersion: keyVersion.nullish(),
    }),
  ]),
  webhookBackup: z.object({
    clientId,
    share: z.string().min(1),
    backupMethod: method.nullish(),
  }),
  webhookFetch: z.object({ clientId }),
  getQuery: z.object({ backupMethod: method.optional() }),
}
