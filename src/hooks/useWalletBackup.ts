'use client'
import type { UseMutationResult } from '@tanstack/react-query'
import type { BackupFlowStep, BackupWalletErrorType, BackupWalletReturnType } from '../core/backupWallet.js'
import { backupWalletMutationOptions } from '../core/backupWalletMutationOptions.js'
import { useFlow, type FlowNotReadyReason, type FlowOptions } from './useFlow.js'

export type WalletBackupStep = 'idle' | BackupFlowStep | 'success' | 'error'

export type UseWalletBackupOptions = FlowOptions<BackupWalletReturnType, BackupWalletErrorType, BackupFlowStep>

export type UseWalletBackupReturnType = UseMutationResult<BackupWalletReturnType, BackupWalletErrorType, void> & {
  /** Starts a backup. Safe to call straight from a click handler: it opens Google's popup synchronously. */
  backup: () => void
  step: WalletBackupStep
  /** False until the wallet is ready and (kit custody) Google's script has loaded. */
  isReady: boolean
  /** `wallet-loading` | `google-loading` while not ready. */
  notReadyReason: FlowNotReadyReason | undefined
  /** `GoogleScriptUnavailable` when Google's script failed or timed out loading; `retryGoogle()` loads it again. */
  googleError: BackupWalletErrorType | undefined
  retryGoogle: () => void
  /** False while the browser reports offline (TanStack's onlineManager): a start then fails with BrowserOffline. */
  isOnline: boolean
  /** Ends the running flow with `Aborted` (the wallet is told `false` if a share was already made). */
  abort: () => void
}

export function useWalletBackup(options: UseWalletBackupOptions = {}): UseWalletBackupReturnType {
  const { start, ...result } = useFlow('useWalletBackup', backupWalletMutationOptions, options)
  return { ...result, backup: start }
}
