import { backupKeys } from './backupKeys.js'
import type { BackupConfig } from './backupWallet.js'
import { getBackupStatus, type BackupStatus, type GetBackupStatusParameters } from './getBackupStatus.js'

/** The token is read when the query runs, never put in the key: keys are visible in devtools and the cache. */
export function getBackupStatusQueryOptions(
  config: BackupConfig,
  params: { getAccessToken?: () => string | undefined } = {},
) {
  return {
    queryKey: backupKeys.status(config.clientId),
    queryFn: ({ signal }: { signal: AbortSignal }): Promise<BackupStatus> => {
      const p: GetBackupStatusParameters = { signal }
      const accessToken = params.getAccessToken?.()
      if (accessToken) p.accessToken = accessToken
      return getBackupStatus(config, p)
    },
    staleTime: 30_000,
  } as const
}
