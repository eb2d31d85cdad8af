import type { QueryFunction, QueryObserverOptions } from '@tanstack/react-query'
import { backupKeys } from './backupKeys.js'
import type { BackupConfig } from '../actions/backupWallet.js'
import {
  type Aborted,
  BackupError,
  type DriveQuotaExceeded,
  type DriveRateLimited,
  type DriveUnavailable,
  type GoogleScopeDenied,
  type GoogleSetupError,
  type GoogleTokenExpired,
  type ShareFetchFailed,
  type ShareNotFound,
  type ShareTokenFailed,
  type ShareUnauthorized,
} from '../errors/errors.js'
import {
  type GetBackupStatusReturnType,
  type GetBackupStatusParameters,
  getBackupStatus,
} from '../actions/getBackupStatus.js'

/** What a status check can fail with: the server's read, Drive's (with a held token only), an abort. */
export type GetBackupStatusErrorType =
  | ShareFetchFailed
  | ShareNotFound
  | ShareUnauthorized
  | ShareTokenFailed
  | DriveUnavailable
  | DriveRateLimited
  | DriveQuotaExceeded
  | GoogleTokenExpired
  | GoogleScopeDenied
  | GoogleSetupError
  | Aborted

export type GetBackupStatusQueryKey = ReturnType<typeof backupKeys.status>

/** TanStack query options a caller may pass through (as wagmi's `query`): all but the key and the query function. */
export type GetBackupStatusQueryParameter = Omit<
  QueryObserverOptions<
    GetBackupStatusReturnType,
    GetBackupStatusErrorType,
    GetBackupStatusReturnType,
    GetBackupStatusReturnType,
    GetBackupStatusQueryKey
  >,
  'queryKey' | 'queryFn'
>

/** What `getBackupStatusQueryOptions` returns: options for `useQuery` / `queryClient.fetchQuery`, key and function set. */
export type GetBackupStatusQueryOptionsReturnType = QueryObserverOptions<
  GetBackupStatusReturnType,
  GetBackupStatusErrorType,
  GetBackupStatusReturnType,
  GetBackupStatusReturnType,
  GetBackupStatusQueryKey
> & { queryKey: GetBackupStatusQueryKey; queryFn: QueryFunction<GetBackupStatusReturnType, GetBackupStatusQueryKey> }

export type GetBackupStatusQueryOptionsParameters = {
  /** A token already held, or none: a status query never asks Google for one. */
  getAccessToken?: (() => string | undefined) | undefined
  onGoogleAccount?: ((email: string) => void) | undefined
  /** The caller's TanStack options; they win over the kit's pinned ones. */
  query?: GetBackupStatusQueryParameter | undefined
}

/**
 * The token is read when the query runs, never put in the key: keys are visible in devtools and the cache. Every
 * option a host QueryClient's `defaultOptions.queries` could set is pinned here, so the host cannot make the status
 * query hammer the server (`retry: 5`), refetch on every render (`staleTime: 0`) or throw to an error boundary.
 * A caller can still pass its own through `query`.
 */
export function getBackupStatusQueryOptions(
  config: BackupConfig,
  parameters: GetBackupStatusQueryOptionsParameters = {},
): GetBackupStatusQueryOptionsReturnType {
  return {
    // Each request inside already retries 429/5xx/network with backoff; one more whole try, for retryable errors
    // only (a 401 or 403 will not heal by asking again).
    retry: (failureCount: number, error: GetBackupStatusErrorType) =>
      failureCount < 1 && error instanceof BackupError && error.retryable,
    staleTime: 30_000,
    gcTime: 5 * 60_000,
    refetchOnWindowFocus: true,
    refetchOnReconnect: true,
    // A status check started offline waits for the connection (`fetchStatus: 'paused'`; <GetBackupStatusReturnType> says
    // "offline") and runs when it returns, instead of failing with a network error that says nothing new.
    networkMode: 'online',
    throwOnError: false,
    ...parameters.query,
    queryKey: backupKeys.status(config.clientId),
    queryFn: ({ signal }) => {
      const p: GetBackupStatusParameters = { signal, onGoogleAccount: parameters.onGoogleAccount }
      const accessToken = parameters.getAccessToken?.()
      if (accessToken) p.accessToken = accessToken
      return getBackupStatus(config, p)
    },
  }
}
