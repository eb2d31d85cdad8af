import type { BackupStore } from '../store/BackupStore.js'
import type { BackupRouterLimits } from './BackupRouterOptions.js'
import { checkRateLimit, createRateLimiter } from './rateLimiter.js'
import type { RateLimiterStore } from './RateLimiterStore.js'

const memory: RateLimiterStore = { createLimiter: (_name, limit) => createRateLimiter(limit) }

/**
 * Where the router's limiters keep their buckets: `limits.store` when given (`'memory'`: in this process), else the
 * backup store's own when it has one (`postgresStore`: shared by every process on the database), else memory. Each
 * limit's settings are checked here, whichever store keeps it (a ServerConfigError naming the option).
 */
export function limiterStoreOf(options: { store: BackupStore; limits?: BackupRouterLimits }): RateLimiterStore {
  const chosen = options.limits?.store
  const { store } = options
  const inner: RateLimiterStore =
    chosen === 'memory'
      ? memory
      : (chosen ??
        (store.createLimiter ? { createLimiter: (name, limit) => store.createLimiter!(name, limit) } : memory))
  return {
    createLimiter(name, limit) {
      checkRateLimit(limit, name === 'client' ? 'limits.rate' : 'limits.webhookFailures')
      return inner.createLimiter(name, limit)
    },
  }
}
