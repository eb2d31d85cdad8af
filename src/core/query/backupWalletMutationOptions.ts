import type { MutationOptions } from '@tanstack/react-query'
import { backupKeys } from './backupKeys.js'
import {
  type BackupConfig,
  type BackupWalletErrorType,
  type BackupWalletParameters,
  type BackupWalletReturnType,
  backupWallet,
} from '../actions/backupWallet.js'
import { flowMutationDefaults } from './flowMutationDefaults.js'

/**
 * TanStack mutation options for the backup. The mutation takes no variables: the token reaches the action through
 * `getAccessToken`, so nothing secret is ever stored as mutation variables. Retry, network mode and throwing are
 * pinned (see `flowMutationDefaults`): the host QueryClient's defaults cannot re-run or pause a backup.
 */
export function backupWalletMutationOptions(config: BackupConfig, parameters: BackupWalletParameters = {}) {
  return {
    ...flowMutationDefaults,
    mutationKey: backupKeys.backup(config.clientId),
    mutationFn: (_: void): Promise<BackupWalletReturnType> => backupWallet(config, parameters),
  } as const satisfies MutationOptions<BackupWalletReturnType, BackupWalletErrorType, void>
}
