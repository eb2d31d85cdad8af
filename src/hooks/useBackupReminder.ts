'use client'
import { useCallback, useEffect, useState } from 'react'
import { type BackupReminderReason, backupReminderState } from '../core/reminder/backupReminderState.js'
import { type ReminderStorage, reminderSnooze } from '../core/reminder/reminderSnooze.js'
import { type UseBackupStatusParameters, type UseBackupStatusReturnType, useBackupStatus } from './useBackupStatus.js'
import { useWalletBackupConfig } from './WalletBackupContext.js'

export type UseBackupReminderParameters = {
  /** How long "Later" holds the reminder back, in ms (default 3 days). */
  snoozeMs?: number | undefined
  /** Remind again when the confirmed backup is older than this, in ms (by the status's `storedAt`); unset: never. */
  maxAgeMs?: number | undefined
  /** The clock (ms since the epoch; default `Date.now`): tests pass their own instead of waiting. */
  now?: (() => number) | undefined
  /**
   * Where the snooze is kept across reloads (default `localStorage`, read after mount). It holds one timestamp per
   * wallet, under a hash of the client id. Storage that throws only makes the snooze last for the page's life.
   */
  storage?: ReminderStorage | undefined
  /** Passed to `useBackupStatus` (TanStack query options, e.g. `refetchInterval`). */
  query?: UseBackupStatusParameters['query']
}

export type UseBackupReminderReturnType = {
  /** Show the reminder: the status asks for a backup and "Later" does not hold it back. False until mounted. */
  visible: boolean
  /** Why a backup is due, snoozed or not; undefined while none is (or while the status is not known). */
  reason: BackupReminderReason | undefined
  /** When the current snooze ends (ms since the epoch); undefined when not snoozed. */
  snoozedUntil: number | undefined
  /** "Later": hide the reminder for `snoozeMs`, remembered in `storage` across reloads. */
  snooze: () => void
  /** The status query underneath, as `useBackupStatus` returns it. */
  status: UseBackupStatusReturnType
}

const DEFAULT_SNOOZE_MS = 3 * 24 * 60 * 60 * 1000
// setTimeout's longest delay; a later change is looked at again then.
const MAX_TIMER_MS = 2 ** 31 - 1

/** Browsers that block storage throw on the `localStorage` getter itself. */
function defaultStorage(): ReminderStorage | undefined {
  try {
    return window.localStorage
  } catch {
    return undefined
  }
}

/**
 * Whether to remind the user to back up: while the status is `none`, `partial` or `superseded` (or `stale`, with
 * `maxAgeMs`), unless snoozed. It turns false by itself when a backup is confirmed (backup invalidates the status).
 * Web storage is read after mount, never during render, so server HTML and the first client render agree (hidden).
 */
export function useBackupReminder(parameters: UseBackupReminderParameters = {}): UseBackupReminderReturnType {
  const { snoozeMs = DEFAULT_SNOOZE_MS, maxAgeMs, now = Date.now, storage, query } = parameters
  const { clientId } = useWalletBackupConfig('useBackupReminder')
  const status = useBackupStatus({ query })
  // Undefined until the effect has read storage; tagged with its client id so another wallet's snooze never applies.
  const [snoozed, setSnoozed] = useState<{ clientId: string; at: number | undefined }>()
  const [, setTick] = useState(0)
  const keep = useCallback(
    (at: number | undefined) =>
      setSnoozed((prev) => (prev?.clientId === clientId && prev.at === at ? prev : { clientId, at })),
    [clientId],
  )

  useEffect(() => {
    const store = reminderSnooze(storage ?? defaultStorage(), clientId)
    keep(store.read())
    // "Later" in another tab holds this one back too (storage events fire in the other tabs only).
    const onStorage = (event: StorageEvent) => {
      if (event.key === null || event.key === store.key) keep(store.read())
    }
    window.addEventListener('storage', onStorage)
    return () => window.removeEventListener('storage', onStorage)
  }, [storage, clientId, keep])

  const mounted = snoozed?.clientId === clientId
  const state = backupReminderState({
    status: status.data,
    snoozedAt: mounted ? snoozed.at : undefined,
    snoozeMs,
    maxAgeMs,
    now: now(),
  })
  const confirmed = status.data?.state === 'backedUp' && state.reason === undefined

  useEffect(() => {
    if (state.changesAt === undefined) return
    const timer = setTimeout(() => setTick((n) => n + 1), Math.min(Math.max(state.changesAt - now(), 0), MAX_TIMER_MS))
    return () => clearTimeout(timer)
  }, [state.changesAt, now])

  // A confirmed backup ends the snooze: storage keeps nothing it no longer needs.
  useEffect(() => {
    if (!confirmed || snoozed?.at === undefined) return
    reminderSnooze(storage ?? defaultStorage(), clientId).clear()
    keep(undefined)
  }, [confirmed, snoozed?.at, storage, clientId, keep])

  const snooze = useCallback(() => {
    const at = now()
    reminderSnooze(storage ?? defaultStorage(), clientId).write(at)
    keep(at)
  }, [now, storage, clientId, keep])

  return {
    visible: mounted && state.visible,
    reason: state.reason,
    snoozedUntil: mounted ? state.snoozedUntil : undefined,
    snooze,
    status,
  }
}
