'use client'
import { useQuery, type UseQueryResult } from '@tanstack/react-query'
import type { BackupStatus } from '../core/getBackupStatus.js'
import { getBackupStatusQueryOptions } from '../core/getBackupStatusQueryOptions.js'
import { useWalletBackupConfig } from './WalletBackupContext.js'

/**
 * The backup's status as a query. Drive is checked only with a token already held: it never opens a popup.
 * Backup and recovery invalidate it, so it flips without a reload.
 */
export function useBackupStatus(options: { enabled?: boolean; staleTime?: number } = {}): UseQueryResult<BackupStatus, Error> {
  const config = useWalletBackupConfig('useBackupStatus')
  // A wallet that is not ready would leave the query hanging (Portal drops calls made before its iframe loads).
  return useQuery({
    ...getBackupStatusQueryOptions(config, { getAccessToken: config.broker.heldToken }),
    ...options,
    enabled: config.walletReady && (options.enabled ?? true),
  })
}
