// Cancellation, one way everywhere: a fired AbortSignal becomes the kit's `Aborted` error, whichever wait it
// interrupts (a retry's backoff, a Google popup, a wallet call).
import { Aborted } from '../errors/errors.js'

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw toAbortedError()
}

/** Settles with `promise`, or rejects with Aborted as soon as `signal` fires (a popup may never answer). */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(toAbortedError())
    if (signal.aborted) return onAbort()
    signal.addEventListener('abort', onAbort, { once: true })
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
  })
}

export const toAbortedError = (cause?: unknown): Aborted => new Aborted('Aborted.', { cause })
