import {
  BackupError,
  DriveQuotaExceeded,
  DriveRateLimited,
  DriveUnavailable,
  GoogleScopeDenied,
  GoogleTokenExpired,
  KeyNotFound,
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

export type DriveFile = { id: string; name: string; modifiedTime?: string }

export type DriveKeyStore = {
  /** Find-then-update: names are not unique in Drive, so a blind create would pile up duplicates. */
  write(name: string, content: string): Promise<DriveFile>
  read(name: string): Promise<string>
  readById(id: string): Promise<string>
  list(namePrefix: string, step?: BackupStep): Promise<DriveFile[]>
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
  const auth = { Authorization: `Bearer ${options.accessToken}` }

  async function call(step: BackupStep, url: string, init: RequestInit = {}): Promise<Response> {
    return withRetry(
      async () => {
        let res: Response
        const timeout = AbortSignal.timeout(options.timeoutMs ?? 20_000)
        try {
          res = await doFetch(url, {
            ...init,
            headers: { ...auth, ...(init.headers as Record<string, string> | undefined) },
            signal: options.signal ? anySignal(options.signal, timeout) : timeout,
          })
        } catch (cause) {
          if (options.signal?.aborted) throw cause
          const reason = timeout.aborted ? 'timeout' : 'network'
          throw new DriveUnavailable(
            timeout.aborted ? 'Google Drive did not answer in time.' : 'Google Drive could not be reached.',
            { step, facts: { reason, message: messageOf(cause) } },
          )
        }
        if (!res.ok) throw await driveError(res, step)
        return res
      },
      (error) => ({
        retryable: error instanceof BackupError && error.retryable,
        retryAfterMs: error instanceof BackupError ? error.facts.retryAfterMs : undefined,
      }),
      options.retry,
      options.signal,
    )
  }

  async function find(name: string, step: BackupStep): Promise<DriveFile[]> {
    const q = `name='${escapeQ(name)}' and trashed=false`
    const url = `${API}/drive/v3/files?spaces=appDataFolder&q=${encodeURIComponent(q)}&fields=${encodeURIComponent('files(id,name,modifiedTime)')}`
    const body = (await (await call(step, url)).json()) as { files?: DriveFile[] }
    return body.files ?? []
  }

  async function readById(id: string): Promise<string> {
    const res = await call('read', `${API}/drive/v3/files/${encodeURIComponent(id)}?alt=media`)
    return res.text()
  }

  return {
    async write(name, content) {
      const [existing] = await find(name, 'store')
      if (existing) {
        await call('store', `${API}/upload/drive/v3/files/${encodeURIComponent(existing.id)}?uploadType=media`, {
          method: 'PATCH',
          headers: { 'Content-Type': 'text/plain' },
          body: content,
        })
        return existing
      }
      const boundary = `rmb${Math.random().toString(36).slice(2)}`
      const metadata = { name, parents: ['appDataFolder'], mimeType: 'text/plain' }
      const body =
        `--${boundary}\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n${JSON.stringify(metadata)}\r\n` +
        `--${boundary}\r\nContent-Type: text/plain\r\n\r\n${content}\r\n--${boundary}--`
      const res = await call('store', `${API}/upload/drive/v3/files?uploadType=multipart&fields=id,name`, {
        method: 'POST',
        headers: { 'Content-Type': `multipart/related; boundary=${boundary}` },
        body,
      })
      return (await res.json()) as DriveFile
    },

    async read(name) {
      const [file] = await find(name, 'read')
      if (!file) throw new KeyNotFound('No backup key for this wallet in this Google account.', { step: 'read' })
      return readById(file.id)
    },

    readById,

    async list(namePrefix, step = 'store') {
      const q = `name contains '${escapeQ(namePrefix)}' and trashed=false`
      const url = `${API}/drive/v3/files?spaces=appDataFolder&q=${encodeURIComponent(q)}&fields=${encodeURIComponent('files(id,name,modifiedTime)')}`
      const body = (await (await call(step, url)).json()) as { files?: DriveFile[] }
      // `contains` matches anywhere in Drive; keep true prefixes only.
      return (body.files ?? []).filter((f) => f.name.startsWith(namePrefix))
    },

    async remove(id) {
      await call('store', `${API}/drive/v3/files/${encodeURIComponent(id)}`, { method: 'DELETE' })
    },
  }
}

function anySignal(a: AbortSignal, b: AbortSignal): AbortSignal {
  if (typeof AbortSignal.any === 'function') return AbortSignal.any([a, b])
  const c = new AbortController()
  for (const s of [a, b]) {
    if (s.aborted) c.abort(s.reason)
    else s.addEventListener('abort', () => c.abort(s.reason), { once: true })
  }
  return c.signal
}

function escapeQ(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")
}

function messageOf(cause: unknown): string {
  return cause instanceof Error ? cause.message.slice(0, 200) : 'network error'
}

async function driveError(res: Response, step: BackupStep): Promise<BackupError> {
  let reason: string | undefined
  let message: string | undefined
  try {
    const body = (await res.json()) as { error?: { message?: string; errors?: Array<{ reason?: string }> } }
    reason = body.error?.errors?.[0]?.reason
    message = body.error?.message
  } catch {
    // Not Google's JSON error body (a proxy page, say): the status decides alone.
  }
  const facts: ErrorFacts = { status: res.status }
  if (reason) facts.reason = reason
  if (message) facts.message = message.slice(0, 200)
  const retryAfterMs = parseRetryAfter(res.headers.get('Retry-After'))
  if (retryAfterMs !== undefined) facts.retryAfterMs = retryAfterMs
  const o = { step, facts }
  if (res.status === 401) return new GoogleTokenExpired('The Google sign-in expired; sign in again.', o)
  if (reason === 'storageQuotaExceeded') return new DriveQuotaExceeded('The Google Drive storage quota is full.', o)
  if (reason === 'insufficientPermissions')
    return new GoogleScopeDenied('Google Drive app data access was not granted.', o)
  if (res.status === 429 || reason === 'rateLimitExceeded' || reason === 'userRateLimitExceeded')
    return new DriveRateLimited('Google Drive is rate limiting requests; try again shortly.', o)
  if (res.status >= 500) return new DriveUnavailable('Google Drive is unavailable right now.', o)
  return new DriveUnavailable(`Google Drive refused the request (${res.status}).`, { ...o, retryable: false })
}
