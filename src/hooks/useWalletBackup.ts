'use client'
import {
  type BackupFlowStep,
  type BackupWalletErrorType,
  type BackupWalletReturnType,
  backupFlowSteps,
} from '../core/actions/backupWallet.js'
import { backupWalletMutationOptions } from '../core/query/backupWalletMutationOptions.js'
import { type FlowDefinition, type FlowOptions, useFlow, type WalletFlowReturnType } from './useFlow.js'

export type WalletBackupStep = 'idle' | BackupFlowStep | 'success' | 'error'

export type UseWalletBackupOptions = FlowOptions<BackupWalletReturnType, BackupWalletErrorType, BackupFlowStep>

export type UseWalletBackupReturnType = WalletFlowReturnType<
  BackupWalletReturnType,
  BackupWalletErrorType,
  BackupFlowStep
> & {
  /** Starts a backup. Safe to call straight from a click handler: it opens Google's popup synchronously. */
  backup: () => void
}

const backupFlow: FlowDefinition<BackupWalletReturnType, BackupFlowStep> = {
  hook: 'useWalletBackup',
  steps: backupFlowSteps,
  mutationOptions: backupWalletMutationOptions,
}

export function useWalletBackup(options: UseWalletBackupOptions = {}): UseWalletBackupReturnType {
  const result = useFlow<BackupWalletReturnType, BackupWalletErrorType, BackupFlowStep>(backupFlow, options)
  return { ...result, backup: result.mutate }
}
