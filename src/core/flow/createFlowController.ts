import type { TokenBroker } from '../clients/createTokenBroker.js'
import { BrowserOffline } from '../errors/errors.js'

/** What a run of a flow hands its action (`backupWallet` / `recoverWallet` parameters). */
export type FlowRunParameters<TStep extends string> = {
  readonly signal: AbortSignal | undefined
  getAccessToken: () => Promise<string>
  onTokenRejected: () => void
  onGoogleAccount: (email: string) => void
  onStep: (step: TStep) => void
}

type FlowControllerOptions<TStep extends string> = {
  broker: TokenBroker
  /** The app user (wallet client id) as last known: the click's token request is bound to it. */
  user: string
  /**
   * Reads the app user again when a run starts (an adapter kept for the page's life may have changed Portal
   * client since). Without it, `user` is taken as is.
   */
  readUser?: ((signal: AbortSignal | undefined) => Promise<string>) | undefined
  /**
   * Told, when the run is over, the user it read if that is not `user`. Not sooner: the hooks key their mutation by
   * client id, and TanStack resets an observer whose key changes, which would hide the running flow's progress.
   */
  onUserChanged?: ((user: string) => void) | undefined
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

type FlowController<TData, TStep extends string> = {
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
  /**
   * Wraps the action for this run: a run started offline fails at once, typed, and asks nothing of anyone. Reads
   * the app user again first and runs the action for that user: when it is not the one the click's token was asked
   * for, none of the previous user's Google state serves this run.
   */
  execute(action: (user: string) => Promise<TData>): Promise<TData>
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
  // The app user this run's token (and the account it learns) is bound to.
  let user = initial.user
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

  /** Asks the broker for this run's token (the signal drops the wait on abort: a silent popup cannot hold a click). */
  const askToken = (signal: AbortSignal | undefined, hint: boolean) => {
    token = options.broker.request({ signal, user, hint })
    // Rejections surface through the action; this only keeps the promise from being reported as unhandled.
    token.catch(() => {})
  }

  /** Opens the popup now, inside the click, unless a usable token is held. Returns whether no popup was needed. */
  const authorize = (signal: AbortSignal) => {
    if (!options.needsGoogle) return true
    const held = options.broker.heldToken(user) !== undefined
    // A client id the adapter tells is read again only after this click: the user may have changed since, so this
    // popup pre-selects no account (it could be the previous user's). An app that passes `clientId` keeps the hint.
    askToken(signal, !options.readUser)
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
      user = options.user
      offlineAtStart = !options.isOnline()
      const held = offlineAtStart || authorize(controller.signal)
      tokenHeldAtStart = held
      setStep(held ? options.firstStep : 'authorizing')
      const promise = run()
      // Only a run still going is remembered (`finish` may have run already).
      if (running) current = promise
      return promise
    },
    async execute(action) {
      // Nothing is asked of Google, the wallet or the server while offline: the flow ends at once, typed.
      if (offlineAtStart) throw new BrowserOffline('You are offline.', { step: 'authorize' })
      const signal = controller?.signal
      const now = options.readUser ? await options.readUser(signal) : user
      if (now !== user) {
        user = now
        // The wallet's user changed since the page last read it (one adapter, another Portal client): the token the
        // click got was the previous user's. Binding drops it all, and the new user's popup opens here, after an
        // await: browsers allow it while the click's user activation lasts (Chromium, Firefox); a stricter one
        // blocks it (GooglePopupBlocked), and the next click, bound to the new user already, opens it in the click.
        if (options.needsGoogle) {
          tokenHeldAtStart = false
          askToken(signal, true)
        }
      }
      return action(user)
    },
    parameters: {
      // Read when the run starts: each run has its own controller.
      get signal() {
        return controller?.signal
      },
      getAccessToken: () => token ?? options.broker.request({ signal: controller?.signal, user }),
      onTokenRejected: () => options.broker.clear(),
      // Memory only (never the query cache): the account the server's record names, pre-selected in the next popup
      // of this app user only.
      onGoogleAccount: (email) => options.broker.setAccountHint(email, user),
      onStep: (next) => {
        if (next === 'authorizing' && tokenHeldAtStart) return
        setStep(next)
        options.onStep?.(next)
      },
    },
    finish() {
      if (user !== options.user) options.onUserChanged?.(user)
      running = false
      current = undefined
      token = undefined
    },
    abort() {
      controller?.abort()
    },
  }
}
