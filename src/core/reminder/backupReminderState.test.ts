import { describe, expect, test } from 'vitest'
import type { BackupState, GetBackupStatusReturnType } from '../actions/getBackupStatus.js'
import { backupReminderState } from './backupReminderState.js'

const DAY = 24 * 60 * 60 * 1000
const T0 = Date.parse('2026-03-01T00:00:00.000Z')
const status = (state: BackupState, storedAt?: string): GetBackupStatusReturnType => ({
  state,
  server: state !== 'none',
  drive: undefined,
  wallet: undefined,
  storedAt,
})
const at = (
  s: GetBackupStatusReturnType | undefined,
  options: { now?: number; snoozedAt?: number; maxAgeMs?: number; snoozeMs?: number } = {},
) =>
  backupReminderState({
    status: s,
    snoozedAt: options.snoozedAt,
    snoozeMs: options.snoozeMs ?? 3 * DAY,
    maxAgeMs: options.maxAgeMs,
    now: options.now ?? T0,
  })

describe('backupReminderState', () => {
  test('due for none, partial and superseded; not for a confirmed backup, nor while the status is unknown', () => {
    for (const state of ['none', 'partial', 'superseded'] as const)
      expect(at(status(state)), state).toEqual({
        reason: state,
        snoozedUntil: undefined,
        visible: true,
        changesAt: undefined,
      })
    expect(at(status('backedUp', new Date(T0 - 400 * DAY).toISOString()))).toMatchObject({
      reason: undefined,
      visible: false,
    })
    expect(at(undefined)).toEqual({ reason: undefined, snoozedUntil: undefined, visible: false, changesAt: undefined })
  })

  test('"Later" holds it back for snoozeMs exactly, then it is due again', () => {
    const snoozedAt = T0 - DAY
    expect(at(status('none'), { snoozedAt })).toEqual({
      reason: 'none',
      snoozedUntil: T0 + 2 * DAY,
      visible: false,
      changesAt: T0 + 2 * DAY,
    })
    expect(at(status('none'), { snoozedAt, now: T0 + 2 * DAY - 1 }).visible).toBe(false)
    expect(at(status('none'), { snoozedAt, now: T0 + 2 * DAY })).toMatchObject({
      visible: true,
      snoozedUntil: undefined,
    })
  })

  test('a snooze stamped in the future (a clock set back) holds nothing back', () => {
    expect(at(status('partial'), { snoozedAt: T0 + 1 })).toMatchObject({ visible: true, snoozedUntil: undefined })
  })

  test('with maxAgeMs, a backup older than it is stale; until then the answer says when it turns', () => {
    const storedAt = new Date(T0 - 10 * DAY).toISOString()
    expect(at(status('backedUp', storedAt), { maxAgeMs: 30 * DAY })).toEqual({
      reason: undefined,
      snoozedUntil: undefined,
      visible: false,
      changesAt: T0 + 20 * DAY,
    })
    expect(at(status('backedUp', storedAt), { maxAgeMs: 10 * DAY })).toMatchObject({ reason: 'stale', visible: true })
    // No storedAt (the server's record does not say): never stale.
    expect(at(status('backedUp'), { maxAgeMs: 1 })).toMatchObject({ reason: undefined, changesAt: undefined })
  })
})
