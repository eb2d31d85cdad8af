import { backupKeys } from './backupKeys.js'
import type { BackupConfig } from './backupWallet.js'
import { flowMutationDefaults } from './flowMutationDefaults.js'
import { recoverWallet, type RecoverWalletParameters, type RecoverWalletReturnType } from './recoverWallet.js'

/** Like the backup's: no variables (no secret is ever stored as one), and the same pinned options. */
export function recoverWalletMutationOptions(config: BackupConfig, params: RecoverWalletParameters = {}) {
  return {
    ...flowMutationDefaults,
    mutationKey: backupKeys.recovery(config.clientId),
    mutationFn: (_: void): Promise<RecoverWalletReturnType> => recoverWallet(config, params),
  } as const
}
