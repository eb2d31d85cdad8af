import { Aborted, WalletTimeout, type BackupErrorStep } from '../errors/errors.js'
import type { WalletAdapter } from './WalletAdapter.js'
import { toAbortedError } from '../utils/abort.js'

/** Per wallet call, readiness wait included. An MPC backup or recovery takes seconds; no user waits a minute. */
export const DEFAULT_WALLET_TIMEOUT_MS = 60_000

type CallWalletOptions = {
  step: BackupErrorStep
  /** Ends the wait with `Aborted`. Left out for the `false` after a failure: the wallet must hear it even then. */
  signal?: AbortSignal | undefined
  timeoutMs?: number | undefined
}

/**
 * Runs one wallet call once the wallet is ready, raced against the flow's signal and a deadline. A wallet that never
 * answers (Portal's iframe drops what is posted before it loads, and its promises never settle) cannot hold the
 * flow, the client lock or the button: the caller gets `Aborted` or `WalletTimeout` and moves on. The call itself
 * is not cancelled (the SDK has no way to); `run` is not even started if readiness never comes.
 */
export function callWallet<T>(
  wallet: WalletAdapter,
  run: () => Promise<T>,
  { signal, step, timeoutMs = DEFAULT_WALLET_TIMEOUT_MS }: CallWalletOptions,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let phase: 'wallet-not-ready' | 'wallet-no-answer' = 'wallet-not-ready'
    let unsubscribe: (() => void) | undefined
    let timer: ReturnType<typeof setTimeout> | undefined
    let done = false
    // Settles the call once, and stops whatever else could still settle it.
    const end =
      <V>(settle: (value: V) => void) =>
      (value: V) => {
        if (done) return
        done = true
        clearTimeout(timer)
        unsubscribe?.()
        signal?.removeEventListener('abort', onAbort)
        settle(value)
      }
    const onAbort = () => end(reject)(toAbortedError())
    if (signal?.aborted) return onAbort()
    timer = setTimeout(
      () =>
        end(reject)(
          new WalletTimeout(
            `The wallet ${phase === 'wallet-not-ready' ? 'did not become ready' : 'did not answer'} within ${Math.round(timeoutMs / 1000)} s.`,
            { step, facts: { reason: phase } },
          ),
        ),
      timeoutMs,
    )
    signal?.addEventListener('abort', onAbort, { once: true })
    const start = () => {
      if (done || phase === 'wallet-no-answer') return
      phase = 'wallet-no-answer'
      // Portal validates some input synchronously inside an async function, but a plain adapter may throw here: the
      // executor turns that throw into a rejection.
      new Promise<T>((answer) => answer(run())).then(end(resolve), end(reject))
    }
    if (isWalletReady(wallet)) return start()
    unsubscribe = wallet.onReady?.(() => {
      // Subscribers may be called synchronously from inside onReady, before `unsubscribe` is assigned.
      queueMicrotask(start)
    })
  })
}

/** An adapter that says nothing about readiness is ready. */
export function isWalletReady(wallet: WalletAdapter): boolean {
  return wallet.isReady ? wallet.isReady() : true
}

export const isAbortedOrTimeout = (error: unknown): boolean =>
  error instanceof Aborted || error instanceof WalletTimeout
