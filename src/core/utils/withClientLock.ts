import { WalletBusy } from '../errors/errors.js'
import { throwIfAborted } from './abort.js'

const held = new Set<string>()

/**
 * One backup, recovery or erase per wallet client at a time: across tabs of the origin through the Web Locks API, and
 * within this page through a set (also the fallback where Web Locks is missing: Node, old Safari).
 */
export async function withClientLock<T>(
  clientId: string,
  signal: AbortSignal | undefined,
  run: () => Promise<T>,
): Promise<T> {
  throwIfAborted(signal)
  if (held.has(clientId)) throw busy()
  held.add(clientId)
  try {
    const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined
    if (!locks) return await run()
    return await locks.request(`react-mpc-backup:${clientId}`, { ifAvailable: true }, async (lock) => {
      if (!lock) throw busy()
      return run()
    })
  } finally {
    held.delete(clientId)
  }
}

function busy() {
  return new WalletBusy('Wallet busy (another backup, recovery or erase is running).')
}
