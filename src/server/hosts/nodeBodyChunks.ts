import type { IncomingMessage } from 'node:http'

/**
 * A `node:http` request's body chunks, as `req.iterator({ destroyOnReturn: false })` gives them, without its async
 * generator and end-of-stream machinery (issue #26's bench): chunks come from `req.read()`; a body already complete
 * (the usual small JSON body, parsed in the same read as its headers) is read without waiting for any event.
 * - The stream ends early (the client went away) or errors: the iteration throws.
 * - The consumer stops early (past the size limit): the listeners go, the socket stays open for the answer, and
 *   the rest of the body is never read.
 */
export function nodeBodyChunks(req: IncomingMessage): AsyncIterable<Uint8Array> {
  return { [Symbol.asyncIterator]: () => iterate(req) }
}

type Step = IteratorResult<Uint8Array, undefined>

const DONE: Step = { done: true, value: undefined }
const ended = () => new Error('the request body ended before it was complete')

function iterate(req: IncomingMessage): AsyncIterator<Uint8Array, undefined> {
  // undefined while the body may still come; null once it ended; the error once it failed.
  let outcome: Error | null | undefined
  let wake: (() => void) | undefined
  const notify = () => {
    const resume = wake
    wake = undefined
    resume?.()
  }
  const onEnd = () => {
    outcome ??= null
    notify()
  }
  const onError = (error: Error) => {
    outcome ??= error
    notify()
  }
  const onClose = () => {
    if (!req.readableEnded) outcome ??= ended()
    notify()
  }
  let listening = false
  const listen = () => {
    listening = true
    req.on('readable', notify)
    req.on('end', onEnd)
    req.on('error', onError)
    req.on('close', onClose)
  }
  const stop = () => {
    if (!listening) return
    listening = false
    req.off('readable', notify)
    req.off('end', onEnd)
    req.off('error', onError)
    req.off('close', onClose)
  }

  return {
    async next(): Promise<Step> {
      for (;;) {
        // A request destroyed while no listener was on (before the first wait, or between two chunks): its state
        // says how it ended, as the events would have.
        if (outcome === undefined && req.destroyed) outcome = req.errored ?? (req.readableEnded ? null : ended())
        if (outcome === undefined) {
          const chunk = req.read() as Uint8Array | null
          if (chunk !== null) return { done: false, value: chunk }
          // The parser has the whole message and nothing is left to read: no need to wait for 'end'.
          if (req.readableEnded || (req.complete && req.readableLength === 0)) outcome = null
        }
        if (outcome === null) {
          stop()
          return DONE
        }
        if (outcome !== undefined) {
          stop()
          throw outcome
        }
        if (!listening) listen()
        await new Promise<void>((resolve) => {
          wake = resolve
        })
      }
    },
    async return(): Promise<Step> {
      stop()
      return DONE
    },
  }
}
