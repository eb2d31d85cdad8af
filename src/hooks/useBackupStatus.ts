'use client'
import { type UseQueryOptions, type UseQueryResult, useQuery } from '@tanstack/react-query'
import type { GetBackupStatusReturnType } from '../core/actions/getBackupStatus.js'
import {
  type GetBackupStatusQueryKey,
  type GetBackupStatusErrorType,
  getBackupStatusQueryOptions,
} from '../core/query/getBackupStatusQueryOptions.js'
import { useWalletBackupConfig } from './WalletBackupContext.js'

export type UseBackupStatusParameters = {
  /**
   * TanStack query options a caller may set (as wagmi's hooks take `query`); they win over the kit's pinned ones.
   * The key and the query function stay the kit's: the token is read when the query runs, never kept in a key.
   */
  query?:
    | Omit<
        UseQueryOptions<
          GetBackupStatusReturnType,
          GetBackupStatusErrorType,
          GetBackupStatusReturnType,
          GetBackupStatusQueryKey
        >,
        'queryKey' | 'queryFn'
      >
    | undefined
}

export type UseBackupStatusReturnType = UseQueryResult<GetBackupStatusReturnType, GetBackupStatusErrorType>

/**
 * The backup's status as a query. Drive is checked only with a token already held: it never opens a popup.
 * Backup and recovery invalidate it, so it flips without a reload. The host QueryClient's query defaults do not
 * apply (see getBackupStatusQueryOptions); `query` overrides them on purpose.
 */
export function useBackupStatus(parameters: UseBackupStatusParameters = {}): UseBackupStatusReturnType {
  const config = useWalletBackupConfig('useBackupStatus')
  const { broker, clientId } = config
  const options = getBackupStatusQueryOptions(config, {
    // Only a token held for this client id's user: never the previous app user's.
    getAccessToken: () => broker.heldToken(clientId),
    // The account the record names pre-selects this user's next popup (memory only, not in the query data).
    onGoogleAccount: (email) => broker.setAccountHint(email, clientId),
    query: parameters.query,
  })
  return useQuery({
    ...options,
    // A wallet that is not ready would leave the query hanging (Portal drops calls made before its iframe loads).
    enabled: config.walletReady ? (parameters.query?.enabled ?? true) : false,
  })
}
