'use client'
import { useQuery, type UseQueryOptions, type UseQueryResult } from '@tanstack/react-query'
import type { BackupStatus } from '../core/getBackupStatus.js'
import { getBackupStatusQueryOptions } from '../core/getBackupStatusQueryOptions.js'
import { useWalletBackupConfig } from './WalletBackupContext.js'

export type UseBackupStatusOptions = {
  enabled?: boolean
  staleTime?: number
  /**
   * TanStack query options a caller may set (as wagmi's hooks take `query`); they win over the kit's pinned ones.
   * The key and the query function stay the kit's: the token is read when the query runs, never kept in a key.
   */
  query?: Omit<UseQueryOptions<BackupStatus, Error>, 'queryKey' | 'queryFn'> | undefined
}

/**
 * The backup's status as a query. Drive is checked only with a token already held: it never opens a popup.
 * Backup and recovery invalidate it, so it flips without a reload. The host QueryClient's query defaults do not
 * apply (see getBackupStatusQueryOptions); `query` overrides them on purpose.
 */
export function useBackupStatus(options: UseBackupStatusOptions = {}): UseQueryResult<BackupStatus, Error> {
  const config = useWalletBackupConfig('useBackupStatus')
  const { query, ...rest } = options
  const merged = {
    // The account the record names pre-selects the next popup (memory only, not in the query data).
    ...getBackupStatusQueryOptions(config, {
      getAccessToken: config.broker.heldToken,
      onGoogleAccount: config.broker.setAccountHint,
    }),
    ...rest,
    ...query,
  }
  return useQuery<BackupStatus, Error>({
    ...merged,
    // A wallet that is not ready would leave the query hanging (Portal drops calls made before its iframe loads).
    enabled: config.walletReady ? (merged.enabled ?? true) : false,
  })
}
