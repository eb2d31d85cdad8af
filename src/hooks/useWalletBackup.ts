'use client'
import {
  type BackupWalletStep,
  type BackupWalletErrorType,
  type BackupWalletReturnType,
  backupWalletSteps,
} from '../core/actions/backupWallet.js'
import { backupWalletMutationOptions } from '../core/query/backupWalletMutationOptions.js'
import { type FlowDefinition, type WalletFlowParameters, useFlow, type WalletFlowReturnType } from './useFlow.js'

export type UseWalletBackupParameters = WalletFlowParameters<
  BackupWalletReturnType,
  BackupWalletErrorType,
  BackupWalletStep
>

export type UseWalletBackupReturnType = WalletFlowReturnType<
  BackupWalletReturnType,
  BackupWalletErrorType,
  BackupWalletStep
> & {
  /** Starts a backup. Safe to call straight from a click handler: it opens Google's popup synchronously. */
  backup: () => void
}

const backupFlow: FlowDefinition<BackupWalletReturnType, BackupWalletStep> = {
  hook: 'useWalletBackup',
  steps: backupWalletSteps,
  mutationOptions: backupWalletMutationOptions,
}

export function useWalletBackup(options: UseWalletBackupParameters = {}): UseWalletBackupReturnType {
  const result = useFlow<BackupWalletReturnType, BackupWalletErrorType, BackupWalletStep>(backupFlow, options)
  return { ...result, backup: result.mutate }
}
