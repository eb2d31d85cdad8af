import type { TokenBroker } from './createTokenBroker.js'
import { BrowserOffline } from './errors.js'

/** What a run of a flow hands its action (`backupWallet` / `recoverWallet` parameters). */
export type FlowRunParameters<TStep extends string> = {
  readonly signal: AbortSignal | undefined
  getAccessToken: () => Promise<string>
  onTokenRejected: () => void
  onGoogleAccount: (email: string) => void
  onStep: (step: TStep) => void
}

export type FlowControllerOptions<TStep extends string> = {
  broker: TokenBroker
  /** Kit custody: the flow needs a Google token, asked for in the click. */
  needsGoogle: boolean
  /**
   * The step a run shows first when no popup is waited for (a token is held, provider custody, offline): the flow's
   * own first step after authorizing (`generating` for a backup, `reading` for a recovery).
   */
  firstStep: TStep
  isOnline: () => boolean
  /** Told every step the action reports (the app's `onStep`). */
  onStep?: ((step: TStep) => void) | undefined
}

export type FlowController<TData, TStep extends string> = {
  subscribe(listener: () => void): () => void
  /** The step of the run in progress (meaningful while one runs). */
  getStep(): TStep | 'authorizing'
  isRunning(): boolean
  setOptions(options: FlowControllerOptions<TStep>): void
  /**
   * Starts a run. Call it synchronously inside the click: it opens Google's popup now (unless a usable token is
   * held) and makes this run's AbortController, then calls `run` (the mutation). While a run is going the click is
   * ignored, not queued: the running one's promise is returned.
   */
  start(run: () => Promise<TData>): Promise<TData>
  /** Wraps the action for this run: a run started offline fails at once, typed, and asks nothing of anyone. */
  execute(action: () => Promise<TData>): Promise<TData>
  /** The parameters the action reads (a getter signal: each run has its own controller). */
  readonly parameters: FlowRunParameters<TStep>
  /** The run is over (the mutation settled): the next click starts a new one. */
  finish(): void
  /** Ends the running flow with `Aborted`. */
  abort(): void
}

/**
 * The state of one click-started flow, outside React (as TanStack's `MutationObserver` is): one run at a time, a
 * fresh AbortController per run, the token request opened inside the click, and the step the action reports. The hook
 * only subscribes to it.
 */
export function createFlowController<TData, TStep extends string>(
  initial: FlowControllerOptions<TStep>,
): FlowController<TData, TStep> {
  let options = initial
  let running = false
  let current: Promise<TData> | undefined
  let controller: AbortController | undefined
  let token: Promise<string> | undefined
  let offlineAtStart = false
  // A run that starts with a usable token waits for no popup: it must not show `authorizing` when the action
  // reports it (the token comes back at once), or the label would flicker to "Waiting for Google…" mid-backup.
  let tokenHeldAtStart = false
  let step: TStep | 'authorizing' = 'authorizing'
  const listeners = new Set<() => void>()
  const setStep = (next: TStep | 'authorizing') => {
    if (next === step) return
    step = next
    for (const listener of listeners) listener()
  }

  /** Opens the popup now, inside the click, unless a usable token is held. Returns whether no popup was needed. */
  const authorize = (signal: AbortSignal) => {
    if (!options.needsGoogle) return true
    const held = options.broker.heldToken() !== undefined
    // The signal drops this wait on abort, so a popup that never answers cannot hold the next click.
    token = options.broker.request({ signal })
    // Rejections surface through the action; this only keeps the promise from being reported as unhandled.
    token.catch(() => {})
    return held
  }

  return {
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    getStep: () => step,
    isRunning: () => running,
    setOptions(next) {
      options = next
    },
    start(run) {
      if (running && current) return current
      running = true
      controller = new AbortController()
      offlineAtStart = !options.isOnline()
      const held = offlineAtStart || authorize(controller.signal)
      tokenHeldAtStart = held
      setStep(held ? options.firstStep : 'authorizing')
      const promise = run()
      // Only a run still going is remembered (`finish` may have run already).
      if (running) current = promise
      return promise
    },
    execute(action) {
      // Nothing is asked of Google, the wallet or the server while offline: the flow ends at once, typed.
      return offlineAtStart ? Promise.reject(new BrowserOffline('You are offline.', { step: 'authorize' })) : action()
    },
    parameters: {
      // Read when the run starts: each run has its own controller.
      get signal() {
        return controller?.signal
      },
      getAccessToken: () => token ?? options.broker.request({ signal: controller?.signal }),
      onTokenRejected: () => options.broker.clear(),
      // Memory only (never the query cache): the account the server's record names, pre-selected in the next popup.
      onGoogleAccount: (email) => options.broker.setAccountHint(email),
      onStep: (next) => {
        if (next === 'authorizing' && tokenHeldAtStart) return
        setStep(next)
        options.onStep?.(next)
      },
    },
    finish() {
      running = false
      current = undefined
      token = undefined
    },
    abort() {
      controller?.abort()
    },
  }
}
