import { authorize } from './internal/authorize.js'
import type { BackupErrorType } from '../errors/errors.js'
import { storeNewBackup } from './internal/storeNewBackup.js'
import type { BackupConfig, BackupWalletParameters, BackupWalletReturnType } from '../types.js'
import { withClientLock } from '../utils/withClientLock.js'

export { backupFlowSteps } from '../types.js'
export type { BackupConfig, BackupFlowStep, BackupWalletParameters, BackupWalletReturnType } from '../types.js'

export type BackupWalletErrorType = BackupErrorType

/**
 * The user backup: generate -> store (Drive key + server share, in parallel) -> notify. Any failure after the share
 * exists tells the wallet `false` exactly once, and the previous good backup is left able to recover: its key file
 * stays in Drive until the new backup is confirmed, and the server's previous record is put back if the upload may
 * have replaced it.
 */
export function backupWallet(
  config: BackupConfig,
  params: BackupWalletParameters = {},
): Promise<BackupWalletReturnType> {
  return withClientLock(config.clientId, params.signal, () => runBackup(config, params))
}

async function runBackup(config: BackupConfig, params: BackupWalletParameters): Promise<BackupWalletReturnType> {
  const drive = await authorize(config, params)
  return storeNewBackup(config, params, drive)
}
