'use client'
import {
  onlineManager,
  type UseMutationOptions,
  type UseMutationResult,
  useMutation,
  useQueryClient,
} from '@tanstack/react-query'
import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react'
import { backupKeys } from '../core/query/backupKeys.js'
import type { BackupConfig } from '../core/actions/backupWallet.js'
import { createFlowController, type FlowRunParameters } from '../core/flow/createFlowController.js'
import type { BackupError } from '../core/errors/errors.js'
import { flowMutationDefaults } from '../core/query/flowMutationDefaults.js'
import { useWalletBackupConfig } from './WalletBackupContext.js'

/**
 * TanStack mutation options a caller may add (as wagmi's hooks take `mutation`). Callbacks run after the kit's own;
 * `throwOnError` opts in to the app's error boundary. What would re-run or pause a flow (`retry`, `networkMode`) and
 * what the kit owns (`mutationFn`, `mutationKey`) are not accepted.
 */
export type FlowMutationParameters<TData, TError> = Pick<
  UseMutationOptions<TData, TError, void, unknown>,
  'meta' | 'gcTime' | 'throwOnError' | 'onMutate' | 'onSuccess' | 'onError' | 'onSettled'
>

export type WalletFlowParameters<TData, TError, TStep extends string> = {
  onSuccess?: ((data: TData) => void) | undefined
  onError?: ((error: TError) => void) | undefined
  onStep?: ((step: 'idle' | TStep | 'success' | 'error') => void) | undefined
  mutation?: FlowMutationParameters<TData, TError> | undefined
}

export type FlowNotReadyReason = 'wallet-loading' | 'google-loading'

/**
 * What both flow hooks return: TanStack's mutation result, except that `mutate` and `mutateAsync` take no arguments
 * and start the flow the way a click must (Google's popup opened synchronously, a fresh AbortController per run),
 * as wagmi points `mutate` at its own action. TanStack's own `mutate` would open the popup after an await (blocked)
 * and reuse an aborted run's signal.
 */
export type WalletFlowReturnType<TData, TError, TStep extends string> =
  // Omitted from each member of TanStack's union on `status` (a plain Omit would flatten it and lose narrowing).
  (UseMutationResult<TData, TError, void> extends infer R
    ? R extends unknown
      ? Omit<R, 'mutate' | 'mutateAsync'>
      : never
    : never) & {
    /** Starts the flow (the same as `backup()` / `recover()`): call it straight from a click handler. */
    mutate: () => void
    /** Starts the flow like `mutate` and resolves with its result (rejects with its typed error). */
    mutateAsync: () => Promise<TData>
    step: 'idle' | 'authorizing' | TStep | 'success' | 'error'
    /** False until the wallet is ready and (kit custody) Google's script has loaded. */
    isReady: boolean
    /** Why the flow cannot start yet: the wallet SDK is still loading, or Google's script is. */
    notReadyReason: FlowNotReadyReason | undefined
    /** `GoogleScriptUnavailable` when Google's script failed or timed out loading; `retryGoogle()` loads it again. */
    googleError: TError | undefined
    retryGoogle: () => void
    /** False while the browser reports offline (TanStack's onlineManager): a start then fails with BrowserOffline. */
    isOnline: boolean
    /** Ends the running flow with `Aborted` (the wallet is told `false` if a share was already made). */
    abort: () => void
  }

/** A flow as the hooks see it: its option factory and its steps (the first after `authorizing` is shown first). */
export type FlowDefinition<TData, TStep extends string> = {
  hook: string
  steps: readonly ['authorizing', TStep, ...TStep[]]
  mutationOptions: (
    config: BackupConfig,
    parameters: FlowRunParameters<TStep>,
  ) => { mutationKey: readonly unknown[]; mutationFn: (variables: void) => Promise<TData> }
}

type MutationCallbacks<TData, TError> = Required<UseMutationOptions<TData, TError, void, unknown>>

/**
 * The wiring shared by the backup and recovery hooks: a TanStack mutation started through a framework-free flow
 * controller (one run at a time, the popup opened in the click, the step the action reports), to which the hook only
 * subscribes.
 */
export function useFlow<TData, TError extends BackupError, TStep extends string>(
  flow: FlowDefinition<TData, TStep>,
  options: WalletFlowParameters<TData, TError, TStep>,
): WalletFlowReturnType<TData, TError, TStep> {
  const config = useWalletBackupConfig(flow.hook)
  const { broker, clientId } = config
  const queryClient = useQueryClient()
  const needsGoogle = config.wallet.keyCustody === 'kit'
  const controllerOptions = {
    broker,
    user: clientId,
    readUser: config.readClientId,
    onUserChanged: config.learnClientId,
    needsGoogle,
    firstStep: flow.steps[1],
    isOnline: isOnlineNow,
    onStep: options.onStep,
  }
  const [controller] = useState(() => createFlowController<TData, TStep>(controllerOptions))
  // The latest options reach the controller and the mutation's callbacks after the render commits (as TanStack's
  // useMutation hands its observer new options), never written during the render itself.
  const optionsRef = useRef(options)
  useEffect(() => {
    optionsRef.current = options
    controller.setOptions(controllerOptions)
  })
  const flowStep = useSyncExternalStore(controller.subscribe, controller.getStep, controller.getStep)
  const ready = useSyncExternalStore(broker.subscribe, broker.isReady, serverNotReady)
  const scriptError = useSyncExternalStore(broker.subscribe, broker.scriptError, serverNoError)
  // GoogleScriptUnavailable is in every flow's error union.
  const googleError = needsGoogle && !ready ? (scriptError as TError | undefined) : undefined
  useEffect(() => {
    // The app hears it like any failure of the flow (a toast, a log), once per failed load.
    if (googleError) optionsRef.current.onError?.(googleError)
  }, [googleError])
  const isOnline = useSyncExternalStore(subscribeOnline, isOnlineNow, serverOnline)
  const settled = (step: 'success' | 'error', callback: () => void) => {
    optionsRef.current.onStep?.(step)
    callback()
    return queryClient.invalidateQueries({ queryKey: backupKeys.status(clientId) })
  }

  const base = flow.mutationOptions(config, controller.parameters)
  const user = options.mutation
  const userCallbacks = () => optionsRef.current.mutation ?? {}
  const mutation = useMutation<TData, TError, void, unknown>({
    ...base,
    ...flowMutationDefaults,
    // The action runs for the client id read when the run starts, which may be newer than this render's.
    mutationFn: (v) =>
      controller.execute((user) =>
        (user === clientId
          ? base
          : flow.mutationOptions({ ...config, clientId: user }, controller.parameters)
        ).mutationFn(v),
      ),
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
      controller.finish()
      return userCallbacks().onSettled?.(...args)
    },
  })

  const { mutateAsync, reset } = mutation
  // A successful erase of this client (by any erase mutation in this QueryClient: backupKeys.erase) makes a finished
  // backup or recovery untrue: its result is reset to idle, so no button keeps saying "Wallet backed up" once the
  // backup is erased. (One flow per client at a time: no backup or recovery of the client runs when its erase succeeds.)
  const erasing = base.mutationKey[2] === 'erase'
  useEffect(() => {
    if (!erasing)
      return queryClient.getMutationCache().subscribe((event) => {
        const key = event.mutation?.options.mutationKey
        if ('action' in event && event.action.type === 'success' && key?.[2] === 'erase' && key[1] === clientId) reset()
      })
  }, [queryClient, clientId, erasing, reset])
  const startAsync = useCallback(() => controller.start(() => mutateAsync()), [controller, mutateAsync])
  const start = useCallback(() => void startAsync().catch(noop), [startAsync])
  const abort = useCallback(() => controller.abort(), [controller])

  const step = mutation.status === 'pending' ? flowStep : mutation.status === 'idle' ? 'idle' : mutation.status
  const notReadyReason: FlowNotReadyReason | undefined = !config.walletReady
    ? 'wallet-loading'
    : needsGoogle && !ready
      ? 'google-loading'
      : undefined
  return {
    ...mutation,
    mutate: start,
    mutateAsync: startAsync,
    abort,
    step,
    isReady: notReadyReason === undefined,
    notReadyReason,
    isOnline,
    googleError,
    retryGoogle: broker.retryScript,
  }
}

const noop = () => {}
const serverNotReady = () => false
const serverNoError = () => undefined
const serverOnline = () => true
const isOnlineNow = () => onlineManager.isOnline()
// One function for the component's life: a new one each render would make React resubscribe every render.
const subscribeOnline = (listener: () => void) => onlineManager.subscribe(listener)
