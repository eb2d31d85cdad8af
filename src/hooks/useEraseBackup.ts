'use client'
import {
  type EraseBackupErrorType,
  type EraseBackupReturnType,
  type EraseBackupStep,
  eraseBackupSteps,
} from '../core/actions/eraseBackup.js'
import { eraseBackupMutationOptions } from '../core/query/eraseBackupMutationOptions.js'
import { type FlowDefinition, type WalletFlowParameters, useFlow, type WalletFlowReturnType } from './useFlow.js'

export type UseEraseBackupParameters = WalletFlowParameters<
  EraseBackupReturnType,
  EraseBackupErrorType,
  EraseBackupStep
>

export type UseEraseBackupReturnType = WalletFlowReturnType<
  EraseBackupReturnType,
  EraseBackupErrorType,
  EraseBackupStep
> & {
  /**
   * Erases the user's backup: the key files in their Drive, the server's record, then the wallet is told. Safe to call
   * straight from a click handler: in kit custody it opens Google's popup synchronously (deleting Drive files needs
   * a token).
   */
  erase: () => void
}

const eraseFlow: FlowDefinition<EraseBackupReturnType, EraseBackupStep> = {
  hook: 'useEraseBackup',
  steps: eraseBackupSteps,
  mutationOptions: eraseBackupMutationOptions,
}

/** The erase as a flow, with the backup hook's contract; the status query is invalidated when it settles. */
export function useEraseBackup(options: UseEraseBackupParameters = {}): UseEraseBackupReturnType {
  const result = useFlow<EraseBackupReturnType, EraseBackupErrorType, EraseBackupStep>(eraseFlow, options)
  return { ...result, erase: result.mutate }
}
