import type { RateLimit, RateLimiter } from './rateLimiter.js'
import type { RateLimiterStore } from './RateLimiterStore.js'

/**
 * The budget of wrong secrets per caller address (the webhook's `X-Webhook-Secret`, the `/metrics` bearer token):
 * `limits.webhookFailures`, default `{ perMinute: 10, burst: 20 }`; `false` turns it off. Each route holds its own
 * buckets (`name`), so a scraper left with a stale token never locks the provider's webhook out of a shared address.
 */
export function secretFailureLimiter(
  option: RateLimit | false | undefined,
  store: RateLimiterStore,
  name: 'webhook' | 'metrics',
): RateLimiter | undefined {
  return option === false ? undefined : store.createLimiter(name, option ?? { perMinute: 10, burst: 20 })
}
