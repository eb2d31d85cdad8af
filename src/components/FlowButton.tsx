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
import type { BackupError } from '../core/errors/errors.js'
import type { FlowLabels, Messages, PartialMessages } from './messages.js'
import { useMessages } from './useTexts.js'
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
  /** Every visible and announced text; missing keys keep the provider's `messages`, then the English defaults. */
  labels?: FlowLabels<TStep | TLabel> | undefined
  /** Overrides the label; a function gets the step. */
  children?: ReactNode | ((step: TStep) => ReactNode)
  /** Render the polite live region that announces each step beside the button (default true). */
  announce?: boolean | undefined
  onSuccess?: ((data: TData) => void) | undefined
  onError?: ((error: TError) => void) | undefined
  onStep?: ((step: TStep) => void) | undefined
}

/** What a button says of an error: its code (`data-error-code`) and text, looked up by code in `messages.errors`. */
type ShownError = Pick<BackupError, 'shortMessage' | 'code' | 'facts' | 'step'>

/** The flow state a FlowButton shows, from either hook; its `mutate` is the click path. */
type FlowHookResult = {
  step: string
  isReady: boolean
  notReadyReason: string | undefined
  isOnline: boolean
  error: ShownError | null
  googleError: ShownError | undefined
  retryGoogle: () => void
  mutate: () => void
}

type FlowButtonProps = Omit<ButtonHTMLAttributes<HTMLButtonElement>, 'children'> & {
  asChild?: boolean | undefined
  announce?: boolean | undefined
  children?: FlowButtonChildren
  /**
   * The hook's state. `notReadyReason` is shown as `data-disabled-reason` while not ready (`wallet-loading` uses the
   * `walletLoading` label); `isOnline` false disables the button (`data-disabled-reason="offline"`); a `googleError`
   * (Google's script failed or timed out loading) shows the error, and a click loads it again (`retryGoogle`).
   */
  flow: FlowHookResult
  labels: Required<FlowLabels<string>>
  /** The app's error texts by code; an error without one says its own (English) `shortMessage`. */
  errors?: PartialMessages['errors']
}

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
export const FlowButton = forwardRef<HTMLButtonElement, FlowButtonProps>(function FlowButton(
  {
    asChild,
    announce = true,
    children,
    flow: { step, isReady, notReadyReason, isOnline, error, googleError, retryGoogle, mutate: start },
    labels,
    onClick,
    disabled,
    errors,
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
  const label =
    labels[
      unavailable
        ? 'unavailable'
        : disabledReason === 'google-loading'
          ? 'loading'
          : disabledReason === 'wallet-loading'
            ? 'walletLoading'
            : (disabledReason ?? step)
    ]
  // The error the button is in: Google's script, or the flow's (`data-error-code`); announced after the label.
  const shown = unavailable ? googleError : step === 'error' ? error : undefined
  const text = shown && errors?.[shown.code as keyof Messages['errors']]
  const announcement =
    shown && !disabledReason
      ? `${label}: ${typeof text === 'function' ? text(shown.facts, shown.step) : (text ?? shown.shortMessage)}`
      : label
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
        data-error-code={shown?.code}
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
  /** The button's group in `messages`. */
  group: 'backupButton' | 'recoverButton',
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
    const messages = useMessages()
    const merged: Record<string, string | undefined> = { ...defaultLabels, ...messages?.[group], ...labels }
    return (
      <FlowButton
        ref={ref}
        {...props}
        // What react-mpc-backup/styles.css keys on; always rendered (after the props, so it cannot be lost).
        data-rmb={rmb}
        flow={flow}
        errors={messages?.errors}
        labels={(instead ? { ...merged, [flow.step]: merged[instead] } : merged) as Required<FlowLabels<string>>}
      >
        {children as FlowButtonChildren}
      </FlowButton>
    )
  })
  Button.displayName = displayName
  return Button
}
