'use client'
import {
  type EraseBackupErrorType,
  type EraseBackupReturnType,
  type EraseFlowStep,
  eraseFlowSteps,
} from '../core/actions/eraseBackup.js'
import { eraseBackupMutationOptions } from '../core/query/eraseBackupMutationOptions.js'
import { type FlowDefinition, type FlowOptions, useFlow, type WalletFlowReturnType } from './useFlow.js'

export type EraseBackupStep = 'idle' | EraseFlowStep | 'success' | 'error'

export type UseEraseBackupOptions = FlowOptions<EraseBackupReturnType, EraseBackupErrorType, EraseFlowStep>

export type UseEraseBackupReturnType = WalletFlowReturnType<
  EraseBackupReturnType,
  EraseBackupErrorType,
  EraseFlowStep
> & {
  /**
   * Erases the user's backup: the key files in their Drive, the server's record, then the wallet is told. Safe to call
   * straight from a click handler: in kit custody it opens Google's popup synchronously (deleting Drive files needs
   * a token).
   */
  erase: () => void
}

const eraseFlow: FlowDefinition<EraseBackupReturnType, EraseFlowStep> = {
  hook: 'useEraseBackup',
  steps: eraseFlowSteps,
  mutationOptions: eraseBackupMutationOptions,
}

/** The erase as a flow, with the backup hook's contract; the status query is invalidated when it settles. */
export function useEraseBackup(options: UseEraseBackupOptions = {}): UseEraseBackupReturnType {
  const result = useFlow<EraseBackupReturnType, EraseBackupErrorType, EraseFlowStep>(eraseFlow, options)
  return { ...result, erase: result.mutate }
}
