import { backupKeys } from './backupKeys.js'
import {
  backupWallet,
  type BackupConfig,
  type BackupWalletErrorType,
  type BackupWalletParameters,
  type BackupWalletReturnType,
} from './backupWallet.js'

/**
 * TanStack mutation options for the backup. The mutation takes no variables: the token reaches the action through
 * `getAccessToken`, so nothing secret is ever stored as mutation variables.
 */
export function backupWalletMutationOptions(config: BackupConfig, params: BackupWalletParameters = {}) {
  return {
    mutationKey: backupKeys.backup(config.clientId),
    mutationFn: (_: void) => backupWallet(config, params),
  } as const satisfies {
    mutationKey: readonly unknown[]
    mutationFn: (v: void) => Promise<BackupWalletReturnType>
  }
}

export type BackupWalletMutationData = BackupWalletReturnType
export type BackupWalletMutationError = BackupWalletErrorType
