import type { GetBackupStatusReturnType } from '../actions/getBackupStatus.js'

/**
 * Why a reminder is due: no backup, a partial one, the kit's backup replaced at the wallet provider, or a backup
 * older than the app's `maxAgeMs` (`stale`).
 */
export type BackupReminderReason = 'none' | 'partial' | 'superseded' | 'stale'

export type BackupReminderStateParameters = {
  /** The backup's status; `undefined` while it is not known (loading, offline, failed): no reminder then. */
  status: GetBackupStatusReturnType | undefined
  /** When "Later" was last chosen (ms since the epoch), if it was. */
  snoozedAt: number | undefined
  snoozeMs: number
  /** A confirmed backup older than this (by its `storedAt`) is due again; unset, a backup never ages. */
  maxAgeMs: number | undefined
  now: number
}

export type BackupReminderState = {
  reason: BackupReminderReason | undefined
  /** Set while "Later" holds the reminder back. */
  snoozedUntil: number | undefined
  visible: boolean
  /** When this answer changes by time alone (a snooze ends, a backup turns stale), so a view can look again then. */
  changesAt: number | undefined
}

/** The reminder's state, from the status, the snooze and the clock alone (no React, no storage). */
export function backupReminderState(parameters: BackupReminderStateParameters): BackupReminderState {
  const { status, snoozedAt, snoozeMs, maxAgeMs, now } = parameters
  const storedAt = status?.storedAt === undefined ? Number.NaN : Date.parse(status.storedAt)
  const staleAt = status?.state === 'backedUp' && maxAgeMs !== undefined ? storedAt + maxAgeMs : Number.NaN
  const reason =
    status === undefined || status.state === 'backedUp' ? (now >= staleAt ? 'stale' : undefined) : status.state
  // A snooze stamped in the future (the clock was set back) holds nothing back: the reminder is not lost for long.
  const snoozedUntil =
    snoozedAt !== undefined && snoozedAt <= now && now < snoozedAt + snoozeMs ? snoozedAt + snoozeMs : undefined
  const times = [snoozedUntil, reason === undefined && staleAt > now ? staleAt : undefined].filter(
    (t): t is number => t !== undefined,
  )
  return {
    reason,
    snoozedUntil,
    visible: reason !== undefined && snoozedUntil === undefined,
    changesAt: times.length ? Math.min(...times) : undefined,
  }
}
