import { describe, expect, test } from 'vitest'
import { type ReminderStorage, reminderSnooze } from './reminderSnooze.js'

/** A Storage-like map: what web storage holds, to look at every key and value. */
function memoryStorage(): ReminderStorage & { entries: Map<string, string> } {
  const entries = new Map<string, string>()
  return {
    entries,
    getItem: (k) => entries.get(k) ?? null,
    setItem: (k, v) => void entries.set(k, v),
    removeItem: (k) => void entries.delete(k),
  }
}

describe('reminderSnooze', () => {
  test('one key per client id, named by a hash of it, holding only the timestamp', () => {
    const storage = memoryStorage()
    const a = reminderSnooze(storage, 'client-a')
    const b = reminderSnooze(storage, 'client-b')
    expect(a.read()).toBeUndefined()
    a.write(1_700_000_000_000)
    expect(a.read()).toBe(1_700_000_000_000)
    expect(b.read()).toBeUndefined()
    expect([...storage.entries]).toEqual([[a.key, '1700000000000']])
    expect(a.key).not.toContain('client-a')
    expect(a.key).not.toBe(b.key)
    expect(reminderSnooze(storage, 'client-a').key).toBe(a.key)
    a.clear()
    expect([...storage.entries]).toEqual([])
  })

  test('a value that is not a timestamp reads as no snooze', () => {
    const storage = memoryStorage()
    const s = reminderSnooze(storage, 'c')
    storage.setItem(s.key, 'soon')
    expect(s.read()).toBeUndefined()
  })

  test('storage that throws (Safari private mode, blocked storage) or none at all: no snooze, no error', () => {
    const throwing: ReminderStorage = {
      getItem: () => {
        throw new DOMException('blocked', 'SecurityError')
      },
      setItem: () => {
        throw new DOMException('quota', 'QuotaExceededError')
      },
      removeItem: () => {
        throw new DOMException('blocked', 'SecurityError')
      },
    }
    for (const storage of [throwing, undefined]) {
      const s = reminderSnooze(storage, 'c')
      expect(() => s.write(1)).not.toThrow()
      expect(s.read()).toBeUndefined()
      expect(() => s.clear()).not.toThrow()
    }
  })
})
