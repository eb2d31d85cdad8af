'use client'
import type { UseMutationResult } from '@tanstack/react-query'
import type { RecoverWalletErrorType, RecoverWalletReturnType, RecoveryFlowStep } from '../core/recoverWallet.js'
import { recoverWalletMutationOptions } from '../core/recoverWalletMutationOptions.js'
import { useFlow, type FlowNotReadyReason, type FlowOptions } from './useFlow.js'

export type WalletRecoveryStep = 'idle' | RecoveryFlowStep | 'success' | 'error'

export type UseWalletRecoveryOptions = FlowOptions<RecoverWalletReturnType, RecoverWalletErrorType, RecoveryFlowStep>

export type UseWalletRecoveryReturnType = UseMutationResult<RecoverWalletReturnType, RecoverWalletErrorType, void> & {
  /** Starts a recovery. Safe to call straight from a click handler: it opens Google's popup synchronously. */
  recover: () => void
  step: WalletRecoveryStep
  isReady: boolean
  notReadyReason: FlowNotReadyReason | undefined
  /** `GoogleScriptUnavailable` when Google's script failed or timed out loading; `retryGoogle()` loads it again. */
  googleError: RecoverWalletErrorType | undefined
  retryGoogle: () => void
  /** False while the browser reports offline (TanStack's onlineManager): a start then fails with BrowserOffline. */
  isOnline: boolean
  /** Ends the running flow with `Aborted` (the wallet is told `false` if a share was already made). */
  abort: () => void
}

export function useWalletRecovery(options: UseWalletRecoveryOptions = {}): UseWalletRecoveryReturnType {
  const { start, ...result } = useFlow('useWalletRecovery', recoverWalletMutationOptions, options)
  return { ...result, recover: start }
}
