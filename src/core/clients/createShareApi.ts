import axios, { type AxiosInstance } from 'axios'
import {
  BackupError,
  ShareFetchFailed,
  ShareEraseFailed,
  ShareNotFound,
  ShareServerInvalidResponse,
  ShareTokenFailed,
  ShareUnauthorized,
  ShareUploadFailed,
  type BackupErrorStep,
  type ErrorFacts,
  factsOf,
} from '../errors/errors.js'
import { type GoogleAccount, isDriveToken } from './driveKeyStore.js'
import { isTransientServerCode, serverErrorCodeOf } from '../errors/serverErrorCodes.js'
import { parseRetryAfter, withRetry, type RetryOptions } from '../utils/withRetry.js'

export type ShareRecord = {
  cipherText: string
  backupMethod: string
  keyVersion?: string | undefined
  /** Drive file id of the key (not secret): read by id, since Drive's name queries can lag behind a new file. */
  keyFileId?: string | undefined
  /** The Google account holding the key (not secret; absent on records from older kits). */
  googleAccount?: GoogleAccount | undefined
  /** The provider's id of the wallet backup this record describes (not secret; absent on older records). */
  walletBackupId?: string | undefined
  storedAt: string
  /** The server's ETag for this record, when it sends one: uploads then replace only this revision. */
  revision?: string | undefined
}
export type ShareReceipt = {
  backupMethod: string
  storedAt: string
  /** The ETag of the record this upload stored, when the server sends one: a rollback replaces only that revision. */
  revision?: string | undefined
}

export type ShareApiConfig = ({ baseURL: string; axios?: never } | { axios: AxiosInstance; baseURL?: never }) & {
  /** Path of one client's backup under the base URL. Default: `/clients/:clientId/backup`. */
  path?: (clientId: string) => string
  retry?: RetryOptions | undefined
  /** Per request; a slower answer fails as retryable. Default 20 s. */
  timeoutMs?: number | undefined
  /**
   * A custom server that answers "no backup yet" with a bare 404: set true to read any 404 as no backup. By default
   * only `404 { error: { code: 'backup_not_found' } }` means no backup; any other 404 (a wrong `baseURL`, a missing
   * route) is a ShareFetchFailed naming the URL, so a misconfigured app never reports "Not backed up".
   */
  treat404AsNoBackup?: boolean | undefined
  /**
   * Called before every request to the server (each retry included: tokens expire), its answer sent as
   * `Authorization: Bearer <token>`. E.g. a token your server minted with `mintClientToken` at sign-in. A throw or
   * no usable token fails the call with `ShareTokenFailed` before anything is sent. The kit keeps the token nowhere
   * (no log, URL, error or query cache).
   */
  getToken?: (() => string | Promise<string>) | undefined
}

export type ShareApi = {
  put(
    clientId: string,
    record: {
      backupMethod: string
      cipherText: string
      keyVersion?: string | undefined
      keyFileId?: string | undefined
      googleAccount?: GoogleAccount | undefined
      walletBackupId?: string | undefined
    },
    options?: {
      idempotencyKey?: string
      signal?: AbortSignal | undefined
      ifMatch?: string | undefined
      /** Overrides the config's retry for this call (a rollback re-reads between its own single tries). */
      retry?: RetryOptions | undefined
    },
  ): Promise<ShareReceipt>
  /** `null` when the server says it holds no share for this client and method (404 `backup_not_found`). */
  get(
    clientId: string,
    backupMethod: string,
    options?: { signal?: AbortSignal | undefined },
  ): Promise<ShareRecord | null>
  /**
   * Erases every backup the server holds for this client (`DELETE`, every method; the server answers 204 whether or
   * not one was stored, so it is retried like a read). Fails with ShareEraseFailed or ShareUnauthorized.
   */
  erase(clientId: string, options?: { signal?: AbortSignal | undefined }): Promise<void>
}

// RFC 6750 §2.1's b64token: what can follow `Bearer ` in a header without breaking it.
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/

const defaultPath = (clientId: string) => `/clients/${encodeURIComponent(clientId)}/backup`

/** The app's own share endpoint, through the app's axios instance (its auth interceptors apply) or a base URL. */
export function createShareApi(config: ShareApiConfig): ShareApi {
  const http = config.axios ?? axios.create({ baseURL: config.baseURL })
  const path = config.path ?? defaultPath
  const timeout = config.timeoutMs ?? 20_000
  const bearer = async (step: BackupErrorStep): Promise<Record<string, string>> => {
    if (!config.getToken) return {}
    let token: unknown
    try {
      token = await config.getToken()
    } catch (cause) {
      // Only the cause's status (e.g. the app's own session endpoint said 401): its message is the app's text.
      const status = factsOf(cause).status
      throw new ShareTokenFailed("The app's getToken() failed.", {
        step,
        facts: { reason: 'get_token_failed', ...(status !== undefined ? { status } : {}) },
      })
    }
    if (typeof token !== 'string' || !B64TOKEN.test(token))
      throw new ShareTokenFailed("The app's getToken() gave no usable bearer token.", {
        step,
        facts: { reason: 'invalid_token' },
      })
    return { Authorization: `Bearer ${token}` }
  }
  const retry = <T>(
    step: BackupErrorStep,
    signal: AbortSignal | undefined,
    run: () => Promise<T>,
    options = config.retry,
  ) => withRetry(() => run().catch((cause: unknown) => Promise.reject(toShareError(cause, step))), options, signal)

  return {
    put(clientId, record, options = {}) {
      return retry(
        'store',
        options.signal,
        async () => {
          const res = await http.post<ShareReceipt>(path(clientId), record, {
            timeout,
            headers: {
              ...(await bearer('store')),
              ...(options.idempotencyKey ? { 'Idempotency-Key': options.idempotencyKey } : {}),
              // A late-landing write (the client timed out, the server had not) cannot replace what a rollback put back.
              ...(options.ifMatch ? { 'If-Match': options.ifMatch } : {}),
            },
            ...(options.signal ? { signal: options.signal } : {}),
          })
          const etag = res.headers['etag']
          return {
            backupMethod: res.data.backupMethod ?? record.backupMethod,
            storedAt: res.data.storedAt,
            ...(typeof etag === 'string' ? { revision: etag } : {}),
          }
        },
        options.retry ?? config.retry,
      )
    },
    get(clientId, backupMethod, options = {}) {
      return retry('read', options.signal, async () => {
        const res = await http.get<ShareRecord>(path(clientId), {
          timeout,
          headers: await bearer('read'),
          params: { backupMethod },
          validateStatus: (s) => (s >= 200 && s < 300) || s === 404,
          ...(options.signal ? { signal: options.signal } : {}),
        })
        if (res.status === 404) {
          if (config.treat404AsNoBackup || serverErrorCodeOf(res.data) === 'backup_not_found') return null
          const url = http.getUri({ url: path(clientId), params: { backupMethod } })
          throw new ShareFetchFailed(`No backup route at GET ${url} (404): check the server's baseURL and path.`, {
            step: 'read',
            retryable: false,
            facts: { status: 404 },
          })
        }
        const data = res.data
        if (!data || typeof data.cipherText !== 'string' || !data.cipherText)
          throw new ShareNotFound('Server sent no share.', { step: 'read', facts: { status: res.status } })
        const record = checkRecord(data, res.status)
        const etag = res.headers['etag']
        return typeof etag === 'string' ? { ...record, revision: etag } : record
      })
    },
    erase(clientId, options = {}) {
      return retry('erase', options.signal, async () => {
        const res = await http.delete(path(clientId), {
          timeout,
          validateStatus: (s) => (s >= 200 && s < 300) || s === 404,
          ...(options.signal ? { signal: options.signal } : {}),
        })
        // The kit's server answers 204 even with nothing stored: a 404 is a wrong baseURL or a server without the
        // route, never "already erased".
        if (res.status === 404)
          throw new ShareEraseFailed(
            `No erase route at DELETE ${http.getUri({ url: path(clientId) })} (404): check the server's baseURL and path, and that it serves DELETE.`,
            { step: 'erase', retryable: false, facts: { status: 404 } },
          )
      })
    },
  }
}

/**
 * The fields the kit hands on to Google, as the kit's server stores them (src/server/http/backupBodySchemas.ts): the file
 * id goes into a Drive URL with the user's token, the email becomes the sign-in popup's login hint, the version names
 * a key file. Anything else is the server's fault, said before any of it reaches Google. A numeric version (the server
 * keeps what was posted) is read as its digits; `null` as absent.
 */
function checkRecord(data: ShareRecord, status: number): ShareRecord {
  const {
    keyVersion: v,
    keyFileId,
    googleAccount: a,
  } = data as {
    keyVersion?: unknown
    keyFileId?: unknown
    googleAccount?: { permissionId?: unknown; email?: unknown } | null
  }
  const keyVersion = Number.isSafeInteger(v) && (v as number) >= 0 ? String(v) : (v ?? undefined)
  const { email } = a ?? {}
  const bad = !(keyVersion === undefined || isDriveToken(keyVersion, 64))
    ? 'keyVersion'
    : !(keyFileId == null || isDriveToken(keyFileId, 256))
      ? 'keyFileId'
      : a != null &&
          !(
            isDriveToken(a.permissionId, 128) &&
            typeof email === 'string' &&
            email.length <= 320 &&
            /^[^\s@]+@[^\s@]+$/.test(email)
          )
        ? 'googleAccount'
        : ''
  if (bad)
    throw new ShareServerInvalidResponse(`The backup server sent an invalid ${bad}.`, {
      step: 'read',
      facts: { status, reason: `invalid_${bad}` },
    })
  return {
    ...data,
    keyVersion: keyVersion as string | undefined,
    keyFileId: (keyFileId ?? undefined) as string | undefined,
    googleAccount: a ?? undefined,
  } as ShareRecord
}

/**
 * An axios failure as the step's typed error. The server's own `error.code` decides (the kit's server, and any that
 * follows its contract, says what went wrong); the status only where the body names no code we know (a proxy, a
 * custom server).
 */
function toShareError(cause: unknown, step: BackupErrorStep): BackupError {
  if (cause instanceof BackupError) return cause
  // Only the status, the server's code and axios's code leave this function: the AxiosError holds the request body.
  const c = cause as {
    response?: { status?: number; headers?: Record<string, unknown>; data?: unknown }
    code?: string
    message?: string
  }
  const status = c?.response?.status
  const code = serverErrorCodeOf(c?.response?.data)
  const facts: ErrorFacts = {}
  if (status !== undefined) facts.status = status
  if (code !== undefined) facts.reason = code
  if (typeof c?.code === 'string') facts.providerCode = c.code
  const retryAfter = c?.response?.headers?.['retry-after']
  const retryAfterMs = parseRetryAfter(typeof retryAfter === 'string' ? retryAfter : undefined)
  if (retryAfterMs !== undefined) facts.retryAfterMs = retryAfterMs
  const o = { step, facts }
  // Another device replaced the backup since it was read; retrying the same write cannot succeed.
  if (code === 'precondition_failed' || (code === undefined && status === 412))
    return new ShareUploadFailed('Backup changed on the server.', { ...o, retryable: false })
  const verb = step === 'read' ? 'read' : step === 'erase' ? 'erase' : 'save'
  if (code === 'unauthorized' || code === 'forbidden' || (code === undefined && (status === 401 || status === 403)))
    return new ShareUnauthorized(`Server refused to ${verb} the backup (${status}).`, o)
  const Failed = step === 'read' ? ShareFetchFailed : step === 'erase' ? ShareEraseFailed : ShareUploadFailed
  const retryable = code !== undefined ? isTransientServerCode(code) : !status || status === 429 || status >= 500
  return new Failed(`Server could not ${verb} the backup (${status ?? 'offline'}).`, {
    ...o,
    retryable,
  })
}
