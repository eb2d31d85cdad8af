'use client'
import { useMutation, useQueryClient, type UseMutationResult } from '@tanstack/react-query'
import { useCallback, useRef, useState, useSyncExternalStore } from 'react'
import { backupKeys } from '../core/backupKeys.js'
import type { BackupConfig } from '../core/backupWallet.js'
import type { TokenBroker } from '../core/createTokenBroker.js'
import type { BackupError } from '../core/errors.js'
import { useWalletBackupConfig } from './WalletBackupContext.js'

export type FlowOptions<TData, TError, TStep extends string> = {
  onSuccess?: ((data: TData) => void) | undefined
  onError?: ((error: TError) => void) | undefined
  onStep?: ((step: 'idle' | TStep | 'success' | 'error') => void) | undefined
}

type FlowParams<TStep> = {
  readonly signal: AbortSignal | undefined
  getAccessToken: () => Promise<string>
  onTokenRejected: () => void
  onStep: (step: TStep) => void
}

type MutationOptionsFactory<TData, TStep> = (
  config: BackupConfig,
  params: FlowParams<TStep>,
) => { mutationKey: readonly unknown[]; mutationFn: (v: void) => Promise<TData> }

export type FlowResult<TData, TError, TStep extends string> = UseMutationResult<TData, TError, void> & {
  start: () => void
  abort: () => void
  step: 'idle' | TStep | 'success' | 'error'
  isReady: boolean
  /** Why the flow cannot start yet: the wallet SDK is still loading, or Google's script is. */
  notReadyReason: FlowNotReadyReason | undefined
}

export type FlowNotReadyReason = 'wallet-loading' | 'google-loading'

/**
 * The wiring shared by the backup and recovery hooks: a TanStack mutation started from a click, with Google's popup
 * opened synchronously before it, one run at a time, and the step derived from the mutation's status.
 */
export function useFlow<TData, TError extends BackupError, TStep extends string>(
  hook: string,
  factory: MutationOptionsFactory<TData, TStep>,
  options: FlowOptions<TData, TError, TStep>,
): FlowResult<TData, TError, TStep> {
  const config = useWalletBackupConfig(hook)
  const { broker, clientId } = config
  const queryClient = useQueryClient()
  const [flowStep, setFlowStep] = useState<TStep | 'authorizing'>('authorizing')
  const optionsRef = useRef(options)
  optionsRef.current = options
  const token = useRef<Promise<string> | undefined>(undefined)
  const running = useRef(false)
  const controller = useRef<AbortController | undefined>(undefined)
  const needsGoogle = config.wallet.keyCustody === 'kit'
  const ready = useSyncExternalStore(broker.subscribe, broker.isReady, serverNotReady)
  const settled = (step: 'success' | 'error', callback: () => void) => {
    optionsRef.current.onStep?.(step)
    callback()
    return queryClient.invalidateQueries({ queryKey: backupKeys.status(clientId) })
  }

  const mutation = useMutation<TData, TError, void>({
    ...factory(config, {
      // Read when the run starts: each run has its own controller.
      get signal() {
        return controller.current?.signal
      },
      getAccessToken: () => token.current ?? broker.request(),
      onTokenRejected: broker.clear,
      onStep: (step) => {
        setFlowStep(step)
        optionsRef.current.onStep?.(step)
      },
    }),
    onSuccess: (data) => settled('success', () => optionsRef.current.onSuccess?.(data)),
    onError: (error) => settled('error', () => optionsRef.current.onError?.(error)),
    onSettled: () => {
      running.current = false
      token.current = undefined
    },
  })

  const { mutate } = mutation
  const start = useCallback(() => {
    if (running.current) return
    running.current = true
    controller.current = new AbortController()
    const held = startAuthorization(broker, needsGoogle, token)
    setFlowStep(held ? ('generating' as TStep) : 'authorizing')
    mutate()
  }, [broker, mutate, needsGoogle])

  const abort = useCallback(() => controller.current?.abort(), [])

  const step =
    mutation.status === 'pending' ? flowStep : mutation.status === 'idle' ? ('idle' as const) : mutation.status
  const notReadyReason: FlowNotReadyReason | undefined = !config.walletReady
    ? 'wallet-loading'
    : needsGoogle && !ready
      ? 'google-loading'
      : undefined
  return {
    ...mutation,
    start,
    abort,
    step: step as FlowResult<TData, TError, TStep>['step'],
    isReady: notReadyReason === undefined,
    notReadyReason,
  }
}

/** Opens the popup now, inside the click, unless a usable token is held. Returns whether no popup was needed. */
function startAuthorization(broker: TokenBroker, needsGoogle: boolean, token: { current: Promise<string> | undefined }) {
  if (!needsGoogle) return true
  const held = broker.heldToken() !== undefined
  token.current = broker.request()
  // Rejections surface through the mutation; this only keeps the promise from being reported as unhandled.
  token.current.catch(() => {})
  return held
}

const serverNotReady = () => false
