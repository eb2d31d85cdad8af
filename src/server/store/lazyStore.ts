import type { BackupStore } from './BackupStore.js'
import { ServerConfigError } from '../errors/ServerConfigError.js'
import { errorCodeOf, knownErrorMessage } from '../errors/knownErrorMessage.js'

/**
 * A store whose driver is still loading: every call waits for it. The driver (`pg`, `better-sqlite3`) is imported on
 * first use, not when `react-mpc-backup/server` is, so an install with only one of them works.
 */
export function lazyStore(name: string, source: Promise<BackupStore> | (() => Promise<BackupStore>)): BackupStore {
  // Given as a function, the store opens at its first call, not when it is made: a module that makes it at load (a
  // Next.js route file, evaluated by `next build`) touches no file or database until it serves.
  let started: Promise<BackupStore> | undefined
  const opening = () => {
    if (!started) {
      started = typeof source === 'function' ? source() : source
      // A failed load surfaces on the first call (and on close), never as an unhandled rejection.
      started.catch(() => {})
    }
    return started
  }
  if (typeof source !== 'function') opening()
  let closed = false
  const open = async () => {
    if (closed) throw new Error(`${name} is closed`)
    return opening()
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
      // Never opened: nothing to close (and nothing is opened now just to be closed).
      if (!started) return
      const store = await started.catch(() => undefined)
      await store?.close()
    },
  }
}

/**
 * Why a store could not start, as a ServerConfigError the operator can act on: the known failures in fixed words
 * (driver missing, connection refused, table exists...), anything else by its class and code only.
 */
function startupError(store: string, error: unknown): ServerConfigError {
  if (error instanceof ServerConfigError) return error
  const known = knownErrorMessage(error)
  const code = errorCodeOf(error)
  const name = error instanceof Error ? error.name : typeof error
  const what = known ?? `${name}${code ? ` (${code})` : ''}`
  return new ServerConfigError(`${store} is not ready: ${what}`)
}
