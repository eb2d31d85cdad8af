import type { BackupStore } from './BackupStore.js'
import { startupError } from './startupError.js'

/**
 * A store whose driver is still loading: every call waits for it. The driver (`pg`, `better-sqlite3`) is imported on
 * first use, not when `react-mpc-backup/server` is, so an install with only one of them works.
 */
export function lazyStore(name: string, opening: Promise<BackupStore>): BackupStore {
  // A failed load surfaces on the first call (and on close), never as an unhandled rejection.
  opening.catch(() => {})
  let closed = false
  const open = async () => {
    if (closed) throw new Error(`${name} is closed`)
    return opening
  }
  const maintained = async () => {
    const store = await open()
    if (!store.maintenance) throw new Error(`${name} has no maintenance methods`)
    return store.maintenance
  }
  return {
    put: async (backup, idempotency, condition) => (await open()).put(backup, idempotency, condition),
    get: async (clientId, backupMethod) => (await open()).get(clientId, backupMethod),
    list: async (filter) => (await open()).list(filter),
    putWebhook: async (share) => (await open()).putWebhook(share),
    listWebhook: async (filter) => (await open()).listWebhook(filter),
    getIdempotency: async (clientId, key, now) => (await open()).getIdempotency(clientId, key, now),
    // Opened (driver loaded, database migrated) and answering; a failure says what to fix, in the kit's own words.
    async ready() {
      try {
        const store = await open()
        await store.ready?.()
        await store.maintenance?.ping()
      } catch (error) {
        throw startupError(name, error)
      }
    },
    erase: async (clientId, options) => (await open()).erase(clientId, options),
    maintenance: {
      scanRows: async (kind, after, limit) => (await maintained()).scanRows(kind, after, limit),
      resealRow: async (kind, at, expected, next) => (await maintained()).resealRow(kind, at, expected, next),
      ping: async () => (await maintained()).ping(),
    },
    async close() {
      if (closed) return
      closed = true
      const store = await opening.catch(() => undefined)
      await store?.close()
    },
  }
}
