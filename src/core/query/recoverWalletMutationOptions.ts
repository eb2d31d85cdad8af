import type { MutationOptions } from '@tanstack/react-query'
import { backupKeys } from './backupKeys.js'
import type { BackupConfig } from '../actions/backupWallet.js'
import { flowMutationDefaults } from './flowMutationDefaults.js'
import {
  type RecoverWalletErrorType,
  type RecoverWalletParameters,
  type RecoverWalletReturnType,
  recoverWallet,
} from '../actions/recoverWallet.js'

/** Like the backup's: no variables (no secret is ever stored as one), and the same pinned options. */
export function recoverWalletMutationOptions(config: BackupConfig, parameters: RecoverWalletParameters = {}) {
  return {
    ...flowMutationDefaults,
    mutationKey: backupKeys.recovery(config.clientId),
    mutationFn: (_: void): Promise<RecoverWalletReturnType> => recoverWallet(config, parameters),
  } as const satisfies MutationOptions<RecoverWalletReturnType, RecoverWalletErrorType, void>
}
