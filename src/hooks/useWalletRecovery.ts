'use client'
import {
  type RecoverWalletErrorType,
  type RecoverWalletReturnType,
  type RecoveryFlowStep,
  recoveryFlowSteps,
} from '../core/actions/recoverWallet.js'
import { recoverWalletMutationOptions } from '../core/query/recoverWalletMutationOptions.js'
import { type FlowDefinition, type FlowOptions, useFlow, type WalletFlowReturnType } from './useFlow.js'

export type WalletRecoveryStep = 'idle' | RecoveryFlowStep | 'success' | 'error'

export type UseWalletRecoveryOptions = FlowOptions<RecoverWalletReturnType, RecoverWalletErrorType, RecoveryFlowStep>

export type UseWalletRecoveryReturnType = WalletFlowReturnType<
  RecoverWalletReturnType,
  RecoverWalletErrorType,
  RecoveryFlowStep
> & {
  /** Starts a recovery. Safe to call straight from a click handler: it opens Google's popup synchronously. */
  recover: () => void
}

const recoveryFlow: FlowDefinition<RecoverWalletReturnType, RecoveryFlowStep> = {
  hook: 'useWalletRecovery',
  steps: recoveryFlowSteps,
  mutationOptions: recoverWalletMutationOptions,
}

export function useWalletRecovery(options: UseWalletRecoveryOptions = {}): UseWalletRecoveryReturnType {
  const result = useFlow<RecoverWalletReturnType, RecoverWalletErrorType, RecoveryFlowStep>(recoveryFlow, options)
  return { ...result, recover: result.mutate }
}
