import type { MutationOptions } from '@tanstack/react-query'
import { backupKeys } from './backupKeys.js'
import type { BackupConfig } from '../types.js'
import { flowMutationDefaults } from './flowMutationDefaults.js'
import {
  type EraseBackupErrorType,
  type EraseBackupParameters,
  type EraseBackupReturnType,
  eraseBackup,
} from '../actions/eraseBackup.js'

/** Like the backup's: no variables (no secret is ever stored as one), and the same pinned options. */
export function eraseBackupMutationOptions(config: BackupConfig, parameters: EraseBackupParameters = {}) {
  return {
    ...flowMutationDefaults,
    mutationKey: backupKeys.erase(config.clientId),
    mutationFn: (_: void): Promise<EraseBackupReturnType> => eraseBackup(config, parameters),
  } as const satisfies MutationOptions<EraseBackupReturnType, EraseBackupErrorType, void>
}
