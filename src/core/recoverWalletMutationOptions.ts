import { backupKeys } from './backupKeys.js'
import type { BackupConfig } from './backupWallet.js'
import { recoverWallet, type RecoverWalletParameters, type RecoverWalletReturnType } from './recoverWallet.js'

/** Like the backup's: no variables, so no secret is ever stored as one. */
export function recoverWalletMutationOptions(config: BackupConfig, params: RecoverWalletParameters = {}) {
  return {
    mutationKey: backupKeys.recovery(config.clientId),
    mutationFn: (_: void): Promise<RecoverWalletReturnType> => recoverWallet(config, params),
  } as const
}
