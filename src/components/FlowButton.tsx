'use client'
import {
  forwardRef,
  useId,
  type ButtonHTMLAttributes,
  type CSSProperties,
  type ForwardRefExoticComponent,
  type MouseEvent,
  type RefAttributes,
  type ReactNode,
} from 'react'
import { Slot } from './Slot.js'

type FlowButtonChildren = ReactNode | ((step: string) => ReactNode)

/**
 * The props of `<BackupButton>` and `<RecoverButton>`: a `<button>`'s, plus the flow's callbacks and texts.
 * `TLabel`: label keys a button has beside its steps (BackupButton: `superseded`).
 */
export type WalletFlowButtonProps<TStep extends string, TData, TError, TLabel extends string = never> = Omit<
  ButtonHTMLAttributes<HTMLButtonElement>,
  'children' | 'onError'
> & {
  /** Render the one child element instead of a `<button>` (Radix `asChild`). */
  asChild?: boolean | undefined
  /** Every visible and announced text; missing keys keep the defaults. */
  labels?: FlowLabels<TStep | TLabel> | undefined
  /** Overrides the label; a function gets the step. */
  children?: ReactNode | ((step: TStep) => ReactNode)
  /** Render the polite live region that announces each step beside the button (default true). */
  announce?: boolean | undefined
  onSuccess?: ((data: TData) => void) | undefined
  onError?: ((error: TError) => void) | undefined
  onStep?: ((step: TStep) => void) | undefined
}

/** The flow state a FlowButton shows, from either hook; its `mutate` is the click path. */
function flowButtonState(flow: {
  step: string
  isReady: boolean
  notReadyReason: string | undefined
  isOnline: boolean
  error: { shortMessage?: string; code?: string } | null
  googleError: { shortMessage?: string; code?: string } | undefined
  retryGoogle: () => void
  mutate: () => void
}) {
  return {
    step: flow.step,
    isReady: flow.isReady,
    notReadyReason: flow.notReadyReason,
    isOnline: flow.isOnline,
    error: flow.error,
    googleError: flow.googleError,
    retryGoogle: flow.retryGoogle,
    start: flow.mutate,
  }
}

export type FlowLabels<S extends string> = Partial<
  Record<S | 'loading' | 'walletLoading' | 'offline' | 'unavailable', string>
>

type FlowButtonProps<S extends string> = Omit<ButtonHTMLAttributes<HTMLButtonElement>, 'children'> & {
  asChild?: boolean | undefined
  announce?: boolean | undefined
  children?: FlowButtonChildren
  step: S
  isReady: boolean
  /** Shown as `data-disabled-reason` while not ready; `wallet-loading` uses the `walletLoading` label. */
  notReadyReason?: string | undefined
  /** False while the browser reports offline: the button is disabled (`data-disabled-reason="offline"`). */
  isOnline?: boolean | undefined
  error: { shortMessage?: string; code?: string } | null
  start: () => void
  labels: Required<FlowLabels<S>>
  /** Google's script failed or timed out loading: the button shows the error and a click loads it again. */
  googleError?: { shortMessage?: string; code?: string } | undefined
  retryGoogle?: (() => void) | undefined
}

/** The labels both buttons share (what they say while they cannot start yet). */
export const notReadyLabels = {
  loading: 'Loading Google sign-in…',
  walletLoading: 'Loading wallet…',
  unavailable: 'Google sign-in unavailable. Retry',
} as const

const visuallyHidden: CSSProperties = {
  position: 'absolute',
  width: 1,
  height: 1,
  padding: 0,
  margin: -1,
  overflow: 'hidden',
  clip: 'rect(0, 0, 0, 0)',
  whiteSpace: 'nowrap',
  border: 0,
}

const busySteps = new Set(['authorizing', 'generating', 'storing', 'notifying', 'reading', 'recovering'])

/**
 * The shared body of BackupButton and RecoverButton: one button (or the `asChild` element), state as data attributes,
 * and beside it a visually hidden polite live region (`announce={false}` leaves the button alone).
 */
export const FlowButton = forwardRef<HTMLButtonElement, FlowButtonProps<string>>(function FlowButton(
  {
    asChild,
    announce = true,
    children,
    step,
    isReady,
    notReadyReason,
    isOnline = true,
    error,
    start,
    labels,
    onClick,
    disabled,
    googleError,
    retryGoogle,
    ...rest
  },
  ref,
) {
  const statusId = useId()
  const busy = busySteps.has(step)
  const unavailable = !isReady && googleError !== undefined
  // A running flow keeps its own label: going offline mid-way ends it with the typed error of its step.
  const disabledReason = unavailable
    ? undefined
    : !isReady
      ? (notReadyReason ?? 'google-loading')
      : !isOnline && !busy
        ? 'offline'
        : undefined
  const label = unavailable
    ? labels.unavailable
    : disabledReason === 'google-loading'
      ? labels.loading
      : disabledReason === 'wallet-loading'
        ? labels.walletLoading
        : disabledReason === 'offline'
          ? labels.offline
          : labels[step]
  const announcement = unavailable
    ? `${labels.unavailable}: ${googleError.shortMessage ?? ''}`
    : disabledReason
      ? label
      : step === 'error' && error?.shortMessage
        ? `${labels.error}: ${error.shortMessage}`
        : labels[step]
  const Comp = asChild ? Slot : 'button'
  const handleClick = (event: MouseEvent<HTMLButtonElement>) => {
    onClick?.(event)
    // The user's handler runs first and may cancel ours (Radix's composeEventHandlers).
    if (event.defaultPrevented || busy) return
    if (unavailable) retryGoogle?.()
    else if (!disabledReason) start()
  }
  return (
    <>
      <Comp
        ref={ref}
        {...(asChild ? {} : { type: 'button' as const })}
        {...rest}
        onClick={handleClick}
        disabled={disabled || disabledReason !== undefined}
        aria-busy={busy || undefined}
        // The app's own description stays; the live region is added to it (Radix composes, never replaces).
        aria-describedby={
          announce ? [rest['aria-describedby'], statusId].filter(Boolean).join(' ') : rest['aria-describedby']
        }
        data-state={unavailable ? 'error' : step}
        data-ready={isReady ? '' : undefined}
        data-error-code={unavailable ? googleError.code : step === 'error' ? error?.code : undefined}
        data-disabled-reason={disabledReason}
      >
        {typeof children === 'function' ? children(step) : (children ?? label)}
      </Comp>
      {announce ? (
        <span id={statusId} role="status" aria-live="polite" style={visuallyHidden}>
          {announcement}
        </span>
      ) : null}
    </>
  )
})

type FlowHookResult = Parameters<typeof flowButtonState>[0]

/**
 * A flow's button (`<BackupButton>`, `<RecoverButton>`): its hook, its default labels and the `data-rmb` name the
 * stylesheet keys on; everything else is the shared FlowButton.
 */
export function createFlowButton<TStep extends string, TData, TError, TLabel extends string = never>(
  displayName: string,
  useFlowHook: (options: {
    onSuccess: ((data: TData) => void) | undefined
    onError: ((error: TError) => void) | undefined
    onStep: ((step: TStep) => void) | undefined
  }) => FlowHookResult,
  defaultLabels: Required<FlowLabels<TStep | TLabel>>,
  rmb: string,
  /** A hook (the same one every render) naming a label to show instead of the step's, e.g. from the backup status. */
  useLabelInstead?: (step: string) => TLabel | undefined,
): ForwardRefExoticComponent<WalletFlowButtonProps<TStep, TData, TError, TLabel> & RefAttributes<HTMLButtonElement>> {
  // biome-ignore lint/correctness/noComponentHookFactories: called once per button at module load, never in a render
  const Button = forwardRef<HTMLButtonElement, WalletFlowButtonProps<TStep, TData, TError, TLabel>>(function Button(
    { onSuccess, onError, onStep, labels, children, ...props },
    ref,
  ) {
    const flow = useFlowHook({ onSuccess, onError, onStep })
    const instead = useLabelInstead?.(flow.step)
    const merged: Record<string, string | undefined> = { ...defaultLabels, ...labels }
    return (
      <FlowButton
        ref={ref}
        {...props}
        // What react-mpc-backup/styles.css keys on; always rendered (after the props, so it cannot be lost).
        data-rmb={rmb}
        {...flowButtonState(flow)}
        labels={(instead ? { ...merged, [flow.step]: merged[instead] } : merged) as Required<FlowLabels<string>>}
      >
        {children as FlowButtonChildren}
      </FlowButton>
    )
  })
  Button.displayName = displayName
  return Button
}
