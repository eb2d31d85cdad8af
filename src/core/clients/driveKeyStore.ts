import {
  BackupError,
  DriveQuotaExceeded,
  DriveRateLimited,
  DriveUnavailable,
  GoogleScopeDenied,
  GoogleSetupError,
  GoogleTokenExpired,
  type BackupErrorStep,
  type ErrorFacts,
} from '../errors/errors.js'
import { parseRetryAfter, withRetry, type RetryOptions } from '../utils/withRetry.js'

const API = 'https://www.googleapis.com'
export const DRIVE_APPDATA_SCOPE = 'https://www.googleapis.com/auth/drive.appdata'

export type DriveKeyStoreOptions = {
  accessToken: string
  fetch?: typeof fetch | undefined
  retry?: RetryOptions | undefined
  signal?: AbortSignal | undefined
  /** Per request; a request that takes longer fails as DriveUnavailable and is retried. Default 20 s. */
  timeoutMs?: number | undefined
}

export type DriveFile = {
  id: string
  name: string
  modifiedTime?: string
  /** The key itself, when listed `withKeys` and it was small enough to ride along (see `write`). */
  appProperties?: { key?: string }
}

export type DriveListOptions = {
  step?: BackupErrorStep | undefined
  exact?: boolean | undefined
  withKeys?: boolean | undefined
}

/** Listing stops after this many pages (Drive may answer short or empty pages with a `nextPageToken`). */
const DRIVE_LIST_MAX_PAGES = 20

export type DriveKeyStore = {
  /**
   * Find-then-update: names are not unique in Drive, so a blind create would pile up duplicates. A key of up to
   * 121 bytes is also kept as the file's private app property (visible to this OAuth client only, like the app
   * data folder itself), so `list({ withKeys: true })` returns it without one more request per file.
   */
  write(name: string, content: string): Promise<DriveFile>
  readById(id: string): Promise<string>
  /**
   * One file's metadata by id (key included when it rides along as an app property), or `undefined` when Drive
   * has no such file. Unlike a name query, `files.get` by id sees a file the moment it was created.
   */
  get(
    id: string,
    options?: { step?: BackupErrorStep | undefined; withKey?: boolean | undefined },
  ): Promise<DriveFile | undefined>
  /**
   * Files whose name starts with `prefix`, or with any of several (or equals it, with `exact`); `step` names the flow
   * step in errors.
   */
  list(prefix: string | readonly string[], options?: DriveListOptions): Promise<DriveFile[]>
  remove(id: string): Promise<void>
  /**
   * The signed-in Google account, from Drive's about.get, which every Drive scope may read (drive.appdata included:
   * no wider scope is asked). Undefined when Drive does not say.
   */
  account(step?: BackupErrorStep): Promise<GoogleAccount | undefined>
}

/** Drive's stable id of a user and their email: not secret; recovery uses it to pre-select the account. */
export type GoogleAccount = { permissionId: string; email: string }

/**
 * The key file of one wallet client at one key version: `react-mpc-backup-key.<length of id>.<id>.v<version>.key`.
 * The length makes the id's end certain, so no client id's names can begin another's (`acme` and `acme.vip`), and
 * keeps the id readable as it is. Earlier builds wrote `react-mpc-backup.<id>.v<version>.key`; those are still read.
 */
export function keyFileName(clientId: string, keyVersion: string): string {
  return `${keyFilePrefix(clientId)}${keyVersion}.key`
}

export function keyFilePrefix(clientId: string): string {
  return `react-mpc-backup-key.${clientId.length}.${clientId}.v`
}

/** What older kits named the key file: found only by the exact parse below (a version has no dot). */
const legacyKeyFilePrefix = (clientId: string) => `react-mpc-backup.${clientId}.v`

/**
 * A Drive file id, or a key version as the kit writes it (base-36 time, then random hex) and as a server may keep it
 * (digits): `[A-Za-z0-9_-]`, no dot or slash, so it can reach neither into another client's file name nor into a path.
 */
export const isDriveToken = (s: unknown, max: number): s is string =>
  typeof s === 'string' && s.length <= max && /^[\w-]+$/.test(s)

/**
 * The version of this client's key file `name` is, or undefined when the name is not exactly one of its key files
 * (today's name, or the one older kits wrote). An old name of `acme.vip` never parses as `acme`'s: its version would
 * be `ip.v…`, and a version has no dot.
 */
export function keyFileVersion(name: string, clientId: string): string | undefined {
  for (const prefix of [keyFilePrefix(clientId), legacyKeyFilePrefix(clientId)]) {
    const version = name.slice(prefix.length, -4)
    if (name.startsWith(prefix) && name.endsWith('.key') && isDriveToken(version, 64)) return version
  }
  return undefined
}

/**
 * Whether version `a` is older than `b`. Versions are base-36 numbers (the kit's lead with the time; a server's
 * decimal versions order as numbers too), compared by length, then digit by digit; any other version is never
 * older or newer than another, so nothing is pruned on its account.
 */
export function isOlderKeyVersion(a: string, b: string): boolean {
  const number = (v: string) => /^[\da-z]+$/.test(v) && v.replace(/^0+(?=.)/, '')
  const x = number(a)
  const y = number(b)
  return !!x && !!y && (x.length < y.length || (x.length === y.length && x < y))
}

/** Whether a file (found by id) is this client's key of that version; a record naming no version accepts any of its. */
export function isKeyOf(fileName: string, clientId: string, keyVersion: string | undefined): boolean {
  const version = keyFileVersion(fileName, clientId)
  return version !== undefined && (keyVersion === undefined || version === keyVersion)
}

/**
 * This client's key files, each with its version: Drive's `name contains` only pre-filters (today's and older names),
 * the exact parse decides.
 */
export async function listKeyFiles(
  drive: DriveKeyStore,
  clientId: string,
  options?: DriveListOptions,
): Promise<Array<DriveFile & { keyVersion: string }>> {
  const files = await drive.list([keyFilePrefix(clientId), legacyKeyFilePrefix(clientId)], options)
  return files.flatMap((f) => {
    const keyVersion = keyFileVersion(f.name, clientId)
    return keyVersion === undefined ? [] : [{ ...f, keyVersion }]
  })
}

export function createDriveKeyStore(options: DriveKeyStoreOptions): DriveKeyStore {
  const doFetch = options.fetch ?? ((...args: Parameters<typeof fetch>) => fetch(...args))
  const { signal } = options

  const call = (step: BackupErrorStep, path: string, query: Record<string, string> = {}, init: RequestInit = {}) =>
    withRetry(
      async () => {
        let res: Response
        const timeout = AbortSignal.timeout(options.timeoutMs ?? 20_000)
        try {
          res = await doFetch(`${API}${path}?${new URLSearchParams(query)}`, {
            ...init,
            headers: { Authorization: `Bearer ${options.accessToken}`, ...(init.headers as Record<string, string>) },
            signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
          })
        } catch (cause) {
          if (signal?.aborted) throw cause
          throw new DriveUnavailable(`Google Drive ${timeout.aborted ? 'timed out' : 'unreachable'}.`, {
            step,
            facts: {
              reason: timeout.aborted ? 'timeout' : 'network',
              message: cause instanceof Error ? cause.message.slice(0, 200) : 'network error',
            },
          })
        }
        if (!res.ok) throw await toDriveError(res, step)
        return res
      },
      options.retry,
      signal,
    )
  const file = (id: string) => `/drive/v3/files/${encodeURIComponent(id)}`
  const fields = (withKey: boolean | undefined) => `id,name,modifiedTime${withKey ? ',appProperties' : ''}`

  // `contains` matches anywhere in a name: keep true prefixes (or the exact name) only. Drive may end a page early
  // (even empty) while more remain, so pages are followed up to a bound; what a bounded listing misses is only
  // clutter for pruning, never a key the flows need (they read keys by id).
  const list = async (
    prefix: string | readonly string[],
    { step = 'store', exact, withKeys }: DriveListOptions = {},
  ) => {
    const prefixes = typeof prefix === 'string' ? [prefix] : prefix
    const names = prefixes.map((p) => `name ${exact ? '=' : 'contains'} '${p.replace(/[\\']/g, '\\$&')}'`)
    const query: Record<string, string> = {
      spaces: 'appDataFolder',
      fields: `nextPageToken,files(${fields(withKeys)})`,
      q: `(${names.join(' or ')}) and trashed=false`,
    }
    const found: DriveFile[] = []
    for (let page = 0; page < DRIVE_LIST_MAX_PAGES; page++) {
      const body = (await (await call(step, '/drive/v3/files', query)).json()) as {
        files?: DriveFile[]
        nextPageToken?: string
      }
      found.push(...(body.files ?? []))
      if (!body.nextPageToken) break
      query.pageToken = body.nextPageToken
    }
    return found.filter((f) => prefixes.some((p) => (exact ? f.name === p : f.name.startsWith(p))))
  }

  return {
    async write(name, content) {
      const [existing] = await list(name, { exact: true })
      // Drive allows 124 bytes of UTF-8 for a property's key ("key") and value together.
      const fits = new TextEncoder().encode(content).length <= 121
      const b = `rmb${Math.random().toString(36).slice(2)}`
      const metadata = JSON.stringify({
        name,
        parents: existing ? undefined : ['appDataFolder'],
        appProperties: fits || existing ? { key: fits ? content : null } : undefined,
      })
      const part = (type: string, body: string) => `--${b}\r\nContent-Type: ${type}\r\n\r\n${body}\r\n`
      return (await (
        await call(
          'store',
          `/upload${existing ? file(existing.id) : '/drive/v3/files'}`,
          { uploadType: 'multipart', fields: 'id,name' },
          {
            method: existing ? 'PATCH' : 'POST',
            headers: { 'Content-Type': `multipart/related; boundary=${b}` },
            body: `${part('application/json', metadata)}${part('text/plain', content)}--${b}--`,
          },
        )
      ).json()) as DriveFile
    },
    readById: async (id) => (await call('read', file(id), { alt: 'media' })).text(),
    async get(id, { step = 'read', withKey } = {}) {
      try {
        return (await (await call(step, file(id), { fields: fields(withKey) })).json()) as DriveFile
      } catch (error) {
        if (error instanceof BackupError && error.facts.status === 404) return undefined
        throw error
      }
    },
    list,
    async remove(id) {
      await call('store', file(id), {}, { method: 'DELETE' })
    },
    async account(step = 'store') {
      const res = await call(step, '/drive/v3/about', { fields: 'user(permissionId,emailAddress)' })
      const { user } = (await res.json()) as { user?: { permissionId?: unknown; emailAddress?: unknown } }
      return typeof user?.permissionId === 'string' && typeof user.emailAddress === 'string'
        ? { permissionId: user.permissionId, email: user.emailAddress }
        : undefined
    },
  }
}

async function toDriveError(res: Response, step: BackupErrorStep): Promise<BackupError> {
  const { status } = res
  const facts: ErrorFacts = { status }
  let activationUrl: string | undefined
  try {
    const { error } = (await res.json()) as {
      error?: {
        message?: string
        errors?: Array<{ reason?: string }>
        details?: Array<{ reason?: string; metadata?: { activationUrl?: string } }>
      }
    }
    const reason = error?.errors?.[0]?.reason
    if (reason) facts.reason = reason
    if (error?.message) facts.message = error.message.slice(0, 200)
    // Newer bodies say it in google.rpc.ErrorInfo details as well (reason SERVICE_DISABLED, with the activation link).
    const disabled = error?.details?.find((d) => d.reason === 'SERVICE_DISABLED')
    if (disabled) {
      facts.reason ??= 'SERVICE_DISABLED'
      activationUrl = disabled.metadata?.activationUrl
    }
  } catch {
    // Not Google's JSON error body (a proxy page, say): the status decides alone.
  }
  const retryAfterMs = parseRetryAfter(res.headers.get('Retry-After'))
  if (retryAfterMs !== undefined) facts.retryAfterMs = retryAfterMs
  const { reason } = facts
  const o = { step, facts }
  if (status === 401) return new GoogleTokenExpired('Google sign-in expired.', o)
  if (reason === 'storageQuotaExceeded') return new DriveQuotaExceeded('Google Drive is full.', o)
  // Google says insufficientScopes when the token has scopes but not one for this space (e.g. drive.file only).
  if (reason === 'insufficientPermissions' || reason === 'insufficientScopes')
    return new GoogleScopeDenied('Drive access not granted.', o)
  if (status === 403 && (reason === 'accessNotConfigured' || reason === 'SERVICE_DISABLED'))
    return new GoogleSetupError("Enable the Google Drive API in your OAuth client's Cloud project.", {
      ...o,
      details: `APIs & Services > Library > Google Drive API${activationUrl ? ` (${activationUrl})` : ''}`,
    })
  if (status === 429 || /^(user)?ratelimitexceeded$/i.test(reason ?? ''))
    return new DriveRateLimited('Google Drive is rate limiting.', o)
  return new DriveUnavailable(`Google Drive error ${status}.`, { ...o, retryable: status >= 500 })
}
