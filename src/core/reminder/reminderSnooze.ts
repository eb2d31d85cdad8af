/** The part of `Storage` the snooze uses (localStorage, sessionStorage, or an app's own). */
export type ReminderStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>

export type ReminderSnooze = {
  /** When "Later" was chosen, or undefined (none, unreadable, or storage unavailable). */
  read(): number | undefined
  write(at: number): void
  clear(): void
  /** The storage key: names a hash of the client id, not the id. */
  key: string
}

/**
 * The snooze of one wallet's reminder in web storage: one key per client id holding a timestamp and nothing else.
 * Storage that throws (Safari private mode, storage blocked by the user or a sandbox) is treated as absent: the
 * reminder still snoozes for the page's life, just not across reloads. No secret reaches this: only the time.
 */
export function reminderSnooze(storage: ReminderStorage | undefined, clientId: string): ReminderSnooze {
  const key = `rmb-reminder:${hashOf(clientId)}`
  const attempt = <T>(run: (s: ReminderStorage) => T): T | undefined => {
    try {
      return storage ? run(storage) : undefined
    } catch {
      return undefined
    }
  }
  return {
    key,
    read: () => {
      const at = Number(attempt((s) => s.getItem(key)) ?? Number.NaN)
      return Number.isFinite(at) ? at : undefined
    },
    write: (at) => void attempt((s) => s.setItem(key, String(at))),
    clear: () => void attempt((s) => s.removeItem(key)),
  }
}

/**
 * The client id is not a secret, but storage keeps only what it needs: two 32-bit FNV-1a style lanes (64 bits), so
 * two wallets used in one browser do not share a snooze. Not cryptographic, and it need not be.
 */
function hashOf(text: string): string {
  let a = 0x811c9dc5
  let b = 0x2545f491
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    a = Math.imul(a ^ c, 0x01000193)
    b = Math.imul(b ^ c, 0x5bd1e995)
  }
  return (a >>> 0).toString(36) + (b >>> 0).toString(36)
}
