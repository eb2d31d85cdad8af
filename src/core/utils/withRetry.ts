import { throwIfAborted, toAbortedError } from './abort.js'
import { BackupError } from '../errors/errors.js'

export type RetryOptions = {
  /** Total attempts, the first one included. Default 3. */
  tries?: number
  /** First backoff in ms; doubles each time, with full jitter. Default 250. */
  baseDelayMs?: number
  /** Upper bound for one wait (a `Retry-After` above it is clamped). Default 5000. */
  maxDelayMs?: number
}

/**
 * Retries only a BackupError that says it is retryable (429, 5xx, network), never 4xx: Google's guidance is
 * exponential backoff with jitter, and a repeated 4xx only burns quota. A `Retry-After` wins over the backoff.
 */
export async function withRetry<T>(
  run: () => Promise<T>,
  options: RetryOptions = {},
  signal?: AbortSignal,
): Promise<T> {
  const tries = Math.max(1, options.tries ?? 3)
  const base = options.baseDelayMs ?? 250
  const max = options.maxDelayMs ?? 5000
  for (let attempt = 1; ; attempt++) {
    throwIfAborted(signal)
    try {
      return await run()
    } catch (error) {
      if (!(error instanceof BackupError && error.retryable) || attempt >= tries || signal?.aborted) throw error
      await sleep(Math.min(max, error.facts.retryAfterMs ?? Math.random() * base * 2 ** (attempt - 1)), signal)
    }
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(done, ms)
    function done() {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }
    function onAbort() {
      clearTimeout(timer)
      reject(toAbortedError())
    }
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

/** `Retry-After` is seconds or an HTTP date. */
export function parseRetryAfter(value: string | null | undefined): number | undefined {
  if (!value) return undefined
  const seconds = Number(value)
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000)
  const at = Date.parse(value)
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now())
}
