import { HttpError } from '../errors/HttpError.js'
import type { ServerResponse } from './ServerRequest.js'

/** Whether a request's deadline passed; the route checks it after each await and stops there. */
export interface Deadline {
  readonly expired: boolean
}

/** What a route returns once its deadline passed: never sent (the 503 went first). */
export const DROPPED: ServerResponse = { status: 503, headers: {}, body: '' }

/**
 * Runs `work`, or answers 503 `timeout` (thrown as an HttpError) if it has not answered within `ms`. Work still in
 * flight at the deadline goes on (a write that started stands; a retry replaces the same row), but its answer and
 * its errors are dropped; it checks `deadline.expired` after each await so it starts nothing new.
 */
export function withDeadline<T>(ms: number, work: (deadline: Deadline) => Promise<T>): Promise<T> {
  const deadline = { expired: false }
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      deadline.expired = true
      reject(new HttpError(503, 'timeout'))
    }, ms)
    timer.unref?.()
    work(deadline).then(
      (value) => {
        clearTimeout(timer)
        if (!deadline.expired) resolve(value)
      },
      (error: unknown) => {
        clearTimeout(timer)
        if (!deadline.expired) reject(error)
      },
    )
  })
}
