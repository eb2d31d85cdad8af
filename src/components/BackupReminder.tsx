'use client'
import {
  Children,
  cloneElement,
  type FocusEvent,
  forwardRef,
  isValidElement,
  useCallback,
  useId,
  useLayoutEffect,
  useRef,
  type HTMLAttributes,
  type ForwardedRef,
  type MouseEvent,
  type ReactElement,
  type ReactNode,
} from 'react'
import { type UseBackupReminderParameters, useBackupReminder } from '../hooks/useBackupReminder.js'
import { BackupButton } from './BackupButton.js'
import type { BackupReminderLabels } from './messages.js'
import { defaultReminderLabels } from './defaultReminderLabels.js'
import { useTexts } from './useTexts.js'
import { Slot } from './Slot.js'

/** Its English texts (defined in their own module, which the English locale pack shares). */
export { defaultReminderLabels }

export type BackupReminderProps = Omit<HTMLAttributes<HTMLDivElement>, 'children'> &
  UseBackupReminderParameters & {
    /**
     * Render the one child element instead of a `<div>` (Radix `asChild`); its own children are then the call to
     * action.
     */
    asChild?: boolean | undefined
    /** The call to action (default `<BackupButton />`). */
    children?: ReactNode
    /** Every text; missing keys keep the provider's `messages`, then `defaultReminderLabels`. */
    labels?: BackupReminderLabels | undefined
    /** Keep it rendered while hidden (`data-state="hidden"`, the `hidden` attribute), e.g. for exit animations. */
    forceMount?: boolean | undefined
    /** "Later" was clicked; runs before the snooze, and `event.preventDefault()` cancels it. */
    onSnooze?: ((event: MouseEvent<HTMLButtonElement>) => void) | undefined
  }

/**
 * Asks the user to back up while the status says `none`, `partial` or `superseded` (or `stale`, with `maxAgeMs`),
 * with the app's call to action (default `<BackupButton />`) and "Later", which snoozes it for `snoozeMs`. Renders
 * nothing while hidden: it goes by itself once the backup is confirmed. Never takes focus; its text is a polite
 * live region. `data-state` = visible | hidden, `data-reason` = the reason.
 */
export const BackupReminder = forwardRef<HTMLDivElement, BackupReminderProps>(function BackupReminder(
  { asChild, children, labels, forceMount, onSnooze, snoozeMs, maxAgeMs, now, storage, query, ...props },
  ref,
) {
  const reminder = useBackupReminder({ snoozeMs, maxAgeMs, now, storage, query })
  const messageId = useId()
  const text = useTexts('backupReminder', defaultReminderLabels, labels)
  const focus = useFocusReturn(reminder.visible, ref)
  if (!reminder.visible && !forceMount) return null
  const child = asChild ? Children.only(children) : undefined
  const action = (isValidElement<{ children?: ReactNode }>(child) ? child.props.children : children) ?? <BackupButton />
  const later = (event: MouseEvent<HTMLButtonElement>) => {
    onSnooze?.(event)
    // The app's handler runs first and may cancel ours (Radix's composeEventHandlers).
    if (!event.defaultPrevented) reminder.snooze()
  }
  const body = (
    <>
      <p id={messageId} data-rmb="backup-reminder-message" role="status">
        {reminder.reason ? text[reminder.reason] : null}
      </p>
      {action}
      <button type="button" data-rmb="backup-reminder-later" onClick={later}>
        {text.later}
      </button>
    </>
  )
  const rootProps = {
    ...props,
    ref: focus.ref,
    onFocus: (event: FocusEvent<HTMLDivElement>) => {
      props.onFocus?.(event)
      focus.onFocus(event)
    },
    role: props.role ?? 'region',
    // The app's label stays (Radix composes, never replaces); else the message names the region.
    'aria-labelledby': props['aria-label'] ? props['aria-labelledby'] : (props['aria-labelledby'] ?? messageId),
    hidden: !reminder.visible || props.hidden,
    // What react-mpc-backup/styles.css keys on comes after the props, so it cannot be lost.
    'data-rmb': 'backup-reminder',
    'data-state': reminder.visible ? 'visible' : 'hidden',
    'data-reason': reminder.reason,
  }
  return isValidElement(child) ? (
    <Slot {...rootProps}>{cloneElement(child as ReactElement<{ children?: ReactNode }>, undefined, body)}</Slot>
  ) : (
    <div {...rootProps}>{body}</div>
  )
})

/**
 * When the reminder hides with the keyboard focus inside it ("Later", or a backup started from its button), the focus
 * goes back to the element it came from, if that is still on the page, rather than falling to `<body>` (where a
 * keyboard or screen-reader user would lose their place). It never moves focus otherwise.
 */
function useFocusReturn(visible: boolean, forwarded: ForwardedRef<HTMLDivElement>) {
  const root = useRef<HTMLDivElement | null>(null)
  const cameFrom = useRef<HTMLElement | null>(null)
  const hadFocus = useRef(false)
  const ref = useCallback(
    (node: HTMLDivElement | null) => {
      // Called with null before React takes the element out of the page: the last moment focus can be seen inside.
      // A new ref function from the app detaches and attaches the same element in one commit: that is no removal.
      hadFocus.current = !node && !!root.current?.contains(document.activeElement)
      root.current = node
      if (typeof forwarded === 'function') forwarded(node)
      else if (forwarded) forwarded.current = node
    },
    [forwarded],
  )
  useLayoutEffect(() => {
    if (visible) return
    const inside = hadFocus.current || !!root.current?.contains(document.activeElement)
    hadFocus.current = false
    const back = cameFrom.current
    if (inside && back?.isConnected) back.focus({ preventScroll: true })
  }, [visible])
  const onFocus = (event: FocusEvent<HTMLElement>) => {
    const from = event.relatedTarget
    if (from instanceof HTMLElement && !event.currentTarget.contains(from)) cameFrom.current = from
  }
  return { ref, onFocus }
}
