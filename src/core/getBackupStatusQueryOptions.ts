import { backupKeys } from './backupKeys.js'
import type { BackupConfig } from './backupWallet.js'
import { BackupError } from './errors.js'
import { getBackupStatus, type BackupStatus, type GetBackupStatusParameters } from './getBackupStatus.js'

/**
 * The token is read when the query runs, never put in the key: keys are visible in devtools and the cache. Every
 * option a host QueryClient's `defaultOptions.queries` could set is pinned here, so the host cannot make the status
 * query hammer the server (`retry: 5`), refetch on every render (`staleTime: 0`) or throw to an error boundary.
 * A caller can still pass its own through `useBackupStatus({ query })`.
 */
export function getBackupStatusQueryOptions(
  config: BackupConfig,
  params: { getAccessToken?: () => string | undefined } = {},
) {
  return {
    queryKey: backupKeys.status(config.clientId),
    queryFn: ({ signal }: { signal: AbortSignal }): Promise<BackupStatus> => {
      const p: GetBackupStatusParameters = { signal }
      // A token already held, or none: a status query never asks Google for one.
      const accessToken = params.getAccessToken?.()
      if (accessToken) p.accessToken = accessToken
      return getBackupStatus(config, p)
    },
    // Each request inside already retries 429/5xx/network with backoff; one more whole try, for retryable errors
    // only (a 401 or 403 will not heal by asking again).
    retry: (failureCount: number, error: Error) => failureCount < 1 && error instanceof BackupError && error.retryable,
    staleTime: 30_000,
    gcTime: 5 * 60_000,
    refetchOnWindowFocus: true,
    refetchOnReconnect: true,
    // A status check started offline waits for the connection (`fetchStatus: 'paused'`; <BackupStatus> says
    // "offline") and runs when it returns, instead of failing with a network error that says nothing new.
    networkMode: 'online',
    throwOnError: false,
  } as const
}
