import {
  BackupError,
  DriveQuotaExceeded,
  DriveRateLimited,
  DriveUnavailable,
  GoogleScopeDenied,
  GoogleTokenExpired,
  type BackupStep,
  type ErrorFacts,
} from './errors.js'
import { parseRetryAfter, withRetry, type RetryOptions } from './withRetry.js'

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

export type DriveListOptions = { step?: BackupStep | undefined; exact?: boolean | undefined; withKeys?: boolean | undefined }

export type DriveKeyStore = {
  /**
   * Find-then-update: names are not unique in Drive, so a blind create would pile up duplicates. A key of up to
   * 121 bytes is also kept as the file's private app property (visible to this OAuth client only, like the app
   * data folder itself), so `list({ withKeys: true })` returns it without one more request per file.
   */
  write(name: string, content: string): Promise<DriveFile>
  readById(id: string): Promise<string>
  /** Files whose name starts with `prefix` (or equals it, with `exact`); `step` names the flow step in errors. */
  list(prefix: string, options?: DriveListOptions): Promise<DriveFile[]>
  remove(id: string): Promise<void>
}

/** The key file of one wallet client at one key version. */
export function keyFileName(clientId: string, keyVersion: string): string {
  return `${keyFilePrefix(clientId)}${keyVersion}.key`
}

export function keyFilePrefix(clientId: string): string {
  return `react-mpc-backup.${clientId}.v`
}

export function createDriveKeyStore(options: DriveKeyStoreOptions): DriveKeyStore {
  const doFetch = options.fetch ?? ((...args: Parameters<typeof fetch>) => fetch(...args))
  const { signal } = options

  const call = (step: BackupStep, path: string, init: RequestInit = {}): Promise<Response> =>
    withRetry(
      async () => {
        let res: Response
        const timeout = AbortSignal.timeout(options.timeoutMs ?? 20_000)
        try {
          res = await doFetch(API + path, {
            ...init,
            headers: { Authorization: `Bearer ${options.accessToken}`, ...(init.headers as Record<string, string> | undefined) },
            signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
          })
        } catch (cause) {
          if (signal?.aborted) throw cause
          const reason = timeout.aborted ? 'timeout' : 'network'
          throw new DriveUnavailable(`Google Drive ${timeout.aborted ? 'timed out' : 'unreachable'}.`, { step, facts: { reason, message: messageOf(cause) } })
        }
        if (!res.ok) throw await driveError(res, step)
        return res
      },
      options.retry,
      signal,
    )

  // `contains` matches anywhere in a name: keep true prefixes (or the exact name) only.
  const list = async (prefix: string, { step = 'store', exact, withKeys }: DriveListOptions = {}) => {
    const q = `name ${exact ? '=' : 'contains'} '${prefix.replace(/[\\']/g, '\\$&')}' and trashed=false`
    const fields = `files(id,name,modifiedTime${withKeys ? ',appProperties' : ''})`
    const body = (await (
      await call(step, `/drive/v3/files?spaces=appDataFolder&fields=${fields}&q=${encodeURIComponent(q)}`)
    ).json()) as { files?: DriveFile[] }
    return (body.files ?? []).filter((f) => (exact ? f.name === prefix : f.name.startsWith(prefix)))
  }

  return {
    async write(name, content) {
      const [existing] = await list(name, { exact: true })
      // Drive allows 124 bytes of UTF-8 for a property's key ("key") and value together.
      const fits = new TextEncoder().encode(content).length <= 121
      const b = `rmb${Math.random().toString(36).slice(2)}`
      const metadata = JSON.stringify({
        name,
        ...(existing ? {} : { parents: ['appDataFolder'] }),
        ...(fits || existing ? { appProperties: { key: fits ? content : null } } : {}),
      })
      const res = await call('store', `/upload/drive/v3/files${existing ? `/${encodeURIComponent(existing.id)}` : ''}?uploadType=multipart&fields=id,name`, {
        method: existing ? 'PATCH' : 'POST',
        headers: { 'Content-Type': `multipart/related; boundary=${b}` },
        body: `--${b}\r\nContent-Type: application/json\r\n\r\n${metadata}\r\n--${b}\r\nContent-Type: text/plain\r\n\r\n${content}\r\n--${b}--`,
      })
      return (await res.json()) as DriveFile
    },
    readById: async (id) => (await call('read', `/drive/v3/files/${encodeURIComponent(id)}?alt=media`)).text(),
    list,
    async remove(id) {
      await call('store', `/drive/v3/files/${encodeURIComponent(id)}`, { method: 'DELETE' })
    },
  }
}

function messageOf(cause: unknown): string {
  return cause instanceof Error ? cause.message.slice(0, 200) : 'network error'
}

async function driveError(res: Response, step: BackupStep): Promise<BackupError> {
  const { status } = res
  const facts: ErrorFacts = { status }
  try {
    const { error } = (await res.json()) as { error?: { message?: string; errors?: Array<{ reason?: string }> } }
    const reason = error?.errors?.[0]?.reason
    if (reason) facts.reason = reason
    if (error?.message) facts.message = error.message.slice(0, 200)
  } catch {
    // Not Google's JSON error body (a proxy page, say): the status decides alone.
  }
  const retryAfterMs = parseRetryAfter(res.headers.get('Retry-After'))
  if (retryAfterMs !== undefined) facts.retryAfterMs = retryAfterMs
  const { reason } = facts
  const o = { step, facts }
  if (status === 401) return new GoogleTokenExpired('Google sign-in expired.', o)
  if (reason === 'storageQuotaExceeded') return new DriveQuotaExceeded('Google Drive is full.', o)
  if (reason === 'insufficientPermissions') return new GoogleScopeDenied('Drive access not granted.', o)
  if (status === 429 || /^(user)?ratelimitexceeded$/i.test(reason ?? ''))
    return new DriveRateLimited('Google Drive is rate limiting.', o)
  return new DriveUnavailable(`Google Drive error ${status}.`, { ...o, retryable: status >= 500 })
}
