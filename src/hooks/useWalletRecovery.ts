'use client'
import {
  type RecoverWalletErrorType,
  type RecoverWalletReturnType,
  type RecoverWalletStep,
  recoverWalletSteps,
} from '../core/actions/recoverWallet.js'
import { recoverWalletMutationOptions } from '../core/query/recoverWalletMutationOptions.js'
import { type FlowDefinition, type WalletFlowParameters, useFlow, type WalletFlowReturnType } from './useFlow.js'

export type UseWalletRecoveryParameters = WalletFlowParameters<
  RecoverWalletReturnType,
  RecoverWalletErrorType,
  RecoverWalletStep
>

export type UseWalletRecoveryReturnType = WalletFlowReturnType<
  RecoverWalletReturnType,
  RecoverWalletErrorType,
  RecoverWalletStep
> & {
  /** Starts a recovery. Safe to call straight from a click handler: it opens Google's popup synchronously. */
  recover: () => void
}

const recoveryFlow: FlowDefinition<RecoverWalletReturnType, RecoverWalletStep> = {
  hook: 'useWalletRecovery',
  steps: recoverWalletSteps,
  mutationOptions: recoverWalletMutationOptions,
}

export function useWalletRecovery(options: UseWalletRecoveryParameters = {}): UseWalletRecoveryReturnType {
  const result = useFlow<RecoverWalletReturnType, RecoverWalletErrorType, RecoverWalletStep>(recoveryFlow, options)
  return { ...result, recover: result.mutate }
}
