'use client'
import { useMutation, useQueryClient, type UseMutationResult } from '@tanstack/react-query'
import { useCallback, useRef, useState, useSyncExternalStore } from 'react'
import { backupKeys } from '../core/backupKeys.js'
import type { BackupFlowStep, BackupWalletErrorType, BackupWalletReturnType } from '../core/backupWallet.js'
import { backupWalletMutationOptions } from '../core/backupWalletMutationOptions.js'
import { useWalletBackupConfig } from './WalletBackupContext.js'

export type WalletBackupStep = 'idle' | BackupFlowStep | 'success' | 'error'

export type UseWalletBackupOptions = {
  onSuccess?: (data: BackupWalletReturnType) => void
  onError?: (error: BackupWalletErrorType) => void
  onStep?: (step: WalletBackupStep) => void
}

export type UseWalletBackupReturnType = UseMutationResult<BackupWalletReturnType, BackupWalletErrorType, void> & {
  /** Starts a backup. Safe to call straight from a click handler: it opens Google's popup synchronously. */
  backup: () => void
  step: WalletBackupStep
  /** False until Google's script has loaded (kit custody only). */
  isReady: boolean
}

export function useWalletBackup(options: UseWalletBackupOptions = {}): UseWalletBackupReturnType {
  const config = useWalletBackupConfig('useWalletBackup')
  const { broker, clientId } = config
  const [flowStep, setFlowStep] = useState<BackupFlowStep>('authorizing')
  const optionsRef = useRef(options)
  optionsRef.current = options
  const token = useRef<Promise<string> | undefined>(undefined)
  const running = useRef(false)
  const needsGoogle = config.wallet.keyCustody === 'kit'
  const queryClient = useQueryClient()
  const ready = useSyncExternalStore(broker.subscribe, broker.isReady, () => false)

  const mutation = useMutation<BackupWalletReturnType, BackupWalletErrorType, void>({
    ...backupWalletMutationOptions(
      { wallet: config.wallet, clientId, shareApi: config.shareApi, retry: config.retry },
      {
        getAccessToken: () => token.current ?? broker.request(),
        onTokenRejected: broker.clear,
        onStep: (step) => {
          setFlowStep(step)
          optionsRef.current.onStep?.(step)
        },
      },
    ),
    onSuccess: (data) => {
      optionsRef.current.onStep?.('success')
      optionsRef.current.onSuccess?.(data)
      return queryClient.invalidateQueries({ queryKey: backupKeys.status(clientId) })
    },
    onError: (error) => {
      optionsRef.current.onStep?.('error')
      optionsRef.current.onError?.(error)
    },
    onSettled: () => {
      running.current = false
      token.current = undefined
    },
  })

  const { mutate } = mutation
  const backup = useCallback(() => {
    if (running.current) return
    running.current = true
    if (needsGoogle) {
      // Before any await: the popup must open inside the click.
      token.current = broker.request()
      token.current.catch(() => {})
    }
    setFlowStep(needsGoogle && !broker.heldToken() ? 'authorizing' : 'generating')
    mutate()
  }, [broker, mutate, needsGoogle])

  const step: WalletBackupStep =
    mutation.status === 'pending' ? flowStep : mutation.status === 'idle' ? 'idle' : mutation.status
  return { ...mutation, backup, step, isReady: !needsGoogle || ready }
}
