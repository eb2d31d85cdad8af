/**
 * What the share server accepts, shared by its route modules (openapi/share-server.yaml says the same). Plain checks
 * rather than a schema library: the server entry loads no validation package. Each `safeParse` keeps only the
 * fields it knows, and names the fields that failed (never their values, which may be shares).
 */

import { HttpError } from '../errors/HttpError.js'

type Parsed<T> = { success: true; data: T } | { success: false; fields: string[] }

/** A field check: undefined when the value is valid, else the failing field paths below this one ('' = itself). */
type Check = (value: unknown) => string[] | undefined

const CLIENT_ID = /^[A-Za-z0-9._:@|-]{1,200}$/
// Provider methods are free strings such as "GDRIVE-SECP256K1"; keep them as sent.
const METHOD = /^[A-Za-z0-9._:-]{1,64}$/
// The client finds a key file by parsing its name, version included: only versions it can parse back are stored.
const KEY_VERSION = /^[A-Za-z0-9_-]{1,64}$/
// Drive file ids are URL-safe base64-like strings; the id is not secret (useless without the owner's token).
const KEY_FILE_ID = /^[A-Za-z0-9_-]{1,256}$/
// The provider's id of the backup a record describes (Portal: a backup share pair id); not secret. Lets the client
// tell its backup from a newer one of the same method made by someone else.
const WALLET_BACKUP_ID = /^[A-Za-z0-9._:@|-]{1,256}$/
const PERMISSION_ID = /^[A-Za-z0-9_-]{1,128}$/
const EMAIL = /^[^\s@]+@[^\s@]+$/

const ok = undefined
const bad = ['']
const matching =
  (pattern: RegExp, max = Number.POSITIVE_INFINITY): Check =>
  (v) =>
    typeof v === 'string' && v.length <= max && pattern.test(v) ? ok : bad
const nonEmptyString: Check = (v) => (typeof v === 'string' && v.length > 0 ? ok : bad)
const keyVersion: Check = (v) =>
  (typeof v === 'string' && KEY_VERSION.test(v)) || (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0)
    ? ok
    : bad
const nullish =
  (check: Check): Check =>
  (v) =>
    v === undefined || v === null ? ok : check(v)
const optional =
  (check: Check): Check =>
  (v) =>
    v === undefined ? ok : check(v)

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Checks each known field, keeps only those present; unknown fields are dropped. */
function objectOf<T>(shape: Record<string, Check>): { safeParse(value: unknown): Parsed<T>; check: Check } {
  const entries = Object.entries(shape)
  const check: Check = (value) => {
    if (!isRecord(value)) return bad
    const failed: string[] = []
    for (const [name, field] of entries) {
      const result = field(value[name])
      if (result) for (const path of result) failed.push(path === '' ? name : `${name}.${path}`)
    }
    return failed.length > 0 ? failed : ok
  }
  return {
    check,
    safeParse(value) {
      const failed = check(value)
      if (failed) return { success: false, fields: fieldList(failed) }
      const data: Record<string, unknown> = {}
      for (const [name] of entries)
        if ((value as Record<string, unknown>)[name] !== undefined)
          data[name] = (value as Record<string, unknown>)[name]
      return { success: true, data: data as T }
    },
  }
}

function fieldList(paths: string[]): string[] {
  return [...new Set(paths.map((p) => p || '(root)'))].slice(0, 10)
}

const googleAccount = objectOf<{ permissionId: string; email: string }>({
  permissionId: matching(PERMISSION_ID),
  email: matching(EMAIL, 320),
})

interface GoogleAccountField {
  permissionId: string
  email: string
}

/** A backup as the current client posts it. */
interface ClientBackupBody {
  backupMethod: string
  cipherText: string
  keyVersion?: string | number | null
  keyFileId?: string | null
  googleAccount?: GoogleAccountField | null
  walletBackupId?: string | null
}

/** A backup as legacy SDKs post it: `{ backupShare }`, the method optional. */
interface LegacyBackupBody {
  backupShare: string
  backupMethod?: string | null
  keyVersion?: string | number | null
}

const currentBackup = objectOf<ClientBackupBody>({
  backupMethod: matching(METHOD),
  cipherText: nonEmptyString,
  keyVersion: nullish(keyVersion),
  keyFileId: nullish(matching(KEY_FILE_ID)),
  googleAccount: nullish(googleAccount.check),
  walletBackupId: nullish(matching(WALLET_BACKUP_ID)),
})
const legacyBackup = objectOf<LegacyBackupBody>({
  backupShare: nonEmptyString,
  backupMethod: nullish(matching(METHOD)),
  keyVersion: nullish(keyVersion),
})

export const backupBodySchemas = {
  CLIENT_ID,
  JSON_TYPE: /^\s*application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i,
  idempotencyKey: {
    safeParse: (value: unknown): Parsed<string> =>
      typeof value === 'string' && /^[\x21-\x7e]{1,255}$/.test(value)
        ? { success: true, data: value }
        : { success: false, fields: ['(root)'] },
  },
  /** The current shape, or the legacy one when the body carries `backupShare` and no `cipherText`. */
  clientBackup: {
    safeParse(value: unknown): Parsed<ClientBackupBody | LegacyBackupBody> {
      const legacy = isRecord(value) && value.cipherText === undefined && value.backupShare !== undefined
      return legacy ? legacyBackup.safeParse(value) : currentBackup.safeParse(value)
    },
  },
  webhookBackup: objectOf<{ clientId: string; share: string; backupMethod?: string | null }>({
    clientId: matching(CLIENT_ID),
    share: nonEmptyString,
    backupMethod: nullish(matching(METHOD)),
  }),
  webhookFetch: objectOf<{ clientId: string }>({ clientId: matching(CLIENT_ID) }),
  getQuery: objectOf<{ backupMethod?: string }>({ backupMethod: optional(matching(METHOD)) }),
}

/** The parsed value, or 400 `invalid_body` naming the fields that failed (never their values). */
export function parseBody<T>(
  schema: { safeParse(value: unknown): { success: true; data: T } | { success: false; fields: string[] } },
  value: unknown,
): T {
  const result = schema.safeParse(value)
  if (!result.success) throw new HttpError(400, 'invalid_body', result.fields)
  return result.data
}
