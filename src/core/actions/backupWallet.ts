import { authorize } from './internal/authorize.js'
import { storeNewBackup } from './internal/storeNewBackup.js'
import type { BackupConfig, BackupWalletParameters, BackupWalletReturnType } from '../types.js'
import { withClientLock } from '../utils/withClientLock.js'

export { backupWalletSteps } from '../types.js'
export type { BackupConfig, BackupWalletStep, BackupWalletParameters, BackupWalletReturnType } from '../types.js'
export type { BackupWalletErrorType } from '../errors/errors.js'

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
