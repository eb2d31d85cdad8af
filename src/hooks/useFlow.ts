'use client'
import {
  onlineManager,
  useMutation,
  useQueryClient,
  type UseMutationOptions,
  type UseMutationResult,
} from '@tanstack/react-query'
import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react'
import { backupKeys } from '../core/backupKeys.js'
import type { BackupConfig } from '../core/backupWallet.js'
import type { TokenBroker } from '../core/createTokenBroker.js'
import { BrowserOffline, type BackupError } from '../core/errors.js'
import { useWalletBackupConfig } from './WalletBackupContext.js'

/**
 * TanStack mutation options a caller may add (as wagmi's hooks take `mutation`). Callbacks run after the kit's own;
 * `throwOnError` opts in to the app's error boundary. What would re-run or pause a flow (`retry`, `networkMode`) and
 * what the kit owns (`mutationFn`, `mutationKey`) are not accepted.
 */
export type FlowMutationOptions<TData, TError> = Pick<
  UseMutationOptions<TData, TError, void, unknown>,
  'meta' | 'gcTime' | 'throwOnError' | 'onMutate' | 'onSuccess' | 'onError' | 'onSettled'
>

export type FlowOptions<TData, TError, TStep extends string> = {
  onSuccess?: ((data: TData) => void) | undefined
  onError?: ((error: TError) => void) | undefined
  onStep?: ((step: 'idle' | TStep | 'success' | 'error') => void) | undefined
  mutation?: FlowMutationOptions<TData, TError> | undefined
}

type MutationCallbacks<TData, TError> = Required<UseMutationOptions<TData, TError, void, unknown>>

type FlowParams<TStep> = {
  readonly signal: AbortSignal | undefined
  getAccessToken: () => Promise<string>
  onTokenRejected: () => void
  onGoogleAccount: (email: string) => void
  onStep: (step: TStep) => void
}

type MutationOptionsFactory<TData, TStep> = (
  config: BackupConfig,
  params: FlowParams<TStep>,
) => {
  mutationKey: readonly unknown[]
  mutationFn: (v: void) => Promise<TData>
  retry: false
  networkMode: 'always'
  throwOnError: false
}

export type FlowResult<TData, TError, TStep extends string> = UseMutationResult<TData, TError, void> & {
  start: () => void
  abort: () => void
  step: 'idle' | TStep | 'success' | 'error'
  isReady: boolean
  /** Why the flow cannot start yet: the wallet SDK is still loading, or Google's script is. */
  notReadyReason: FlowNotReadyReason | undefined
  /** Set when Google's script failed or timed out loading (`isReady` stays false); `retryGoogle` loads it again. */
  googleError: TError | undefined
  retryGoogle: () => void
  /** TanStack's `onlineManager`: false while the browser reports offline (a start then fails with BrowserOffline). */
  isOnline: boolean
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
  const scriptError = useSyncExternalStore(broker.subscribe, broker.scriptError, serverNoError)
  // GoogleScriptUnavailable is in every flow's error union.
  const googleError = needsGoogle && !ready ? (scriptError as TError | undefined) : undefined
  useEffect(() => {
    // The app hears it like any failure of the flow (a toast, a log), once per failed load.
    if (googleError) optionsRef.current.onError?.(googleError)
  }, [googleError])
  const isOnline = useSyncExternalStore(onlineManager.subscribe.bind(onlineManager), isOnlineNow, serverOnline)
  const offlineAtStart = useRef(false)
  const settled = (step: 'success' | 'error', callback: () => void) => {
    optionsRef.current.onStep?.(step)
    callback()
    return queryClient.invalidateQueries({ queryKey: backupKeys.status(clientId) })
  }

  const base = factory(config, {
    // Read when the run starts: each run has its own controller.
    get signal() {
      return controller.current?.signal
    },
    getAccessToken: () => token.current ?? broker.request({ signal: controller.current?.signal }),
    onTokenRejected: broker.clear,
    // Memory only (never the query cache): the account the server's record names, pre-selected in the next popup.
    onGoogleAccount: broker.setAccountHint,
    onStep: (step) => {
      setFlowStep(step)
      optionsRef.current.onStep?.(step)
    },
  })
  const user = options.mutation
  const userCallbacks = () => optionsRef.current.mutation ?? {}
  const mutation = useMutation<TData, TError, void, unknown>({
    ...base,
    // Nothing is asked of Google, the wallet or the server while offline: the flow ends at once, typed.
    mutationFn: (v) =>
      offlineAtStart.current
        ? Promise.reject(new BrowserOffline('You are offline.', { step: 'authorize' }))
        : base.mutationFn(v),
    ...(user?.meta !== undefined ? { meta: user.meta } : {}),
    ...(user?.gcTime !== undefined ? { gcTime: user.gcTime } : {}),
    ...(user?.throwOnError !== undefined ? { throwOnError: user.throwOnError } : {}),
    onMutate: (...args: Parameters<MutationCallbacks<TData, TError>['onMutate']>) =>
      userCallbacks().onMutate?.(...args),
    onSuccess: async (...args: Parameters<MutationCallbacks<TData, TError>['onSuccess']>) => {
      await settled('success', () => optionsRef.current.onSuccess?.(args[0]))
      return userCallbacks().onSuccess?.(...args)
    },
    onError: async (...args: Parameters<MutationCallbacks<TData, TError>['onError']>) => {
      await settled('error', () => optionsRef.current.onError?.(args[0]))
      return userCallbacks().onError?.(...args)
    },
    onSettled: (...args: Parameters<MutationCallbacks<TData, TError>['onSettled']>) => {
      running.current = false
      token.current = undefined
      return userCallbacks().onSettled?.(...args)
    },
  })

  const { mutate } = mutation
  const start = useCallback(() => {
    if (running.current) return
    running.current = true
    controller.current = new AbortController()
    offlineAtStart.current = !onlineManager.isOnline()
    const held = offlineAtStart.current || startAuthorization(broker, needsGoogle, token, controller.current.signal)
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
    isOnline,
    googleError,
    retryGoogle: broker.retryScript,
  }
}

/** Opens the popup now, inside the click, unless a usable token is held. Returns whether no popup was needed. */
function startAuthorization(
  broker: TokenBroker,
  needsGoogle: boolean,
  token: { current: Promise<string> | undefined },
  signal: AbortSignal,
) {
  if (!needsGoogle) return true
  const held = broker.heldToken() !== undefined
  // The signal drops this wait on abort, so a popup that never answers cannot hold the next click.
  token.current = broker.request({ signal })
  // Rejections surface through the mutation; this only keeps the promise from being reported as unhandled.
  token.current.catch(() => {})
  return held
}

const serverNotReady = () => false
const serverNoError = () => undefined
const serverOnline = () => true
const isOnlineNow = () => onlineManager.isOnline()
