import { createServer as createHttpServer } from 'node:http'
import type { RequestListener, Server } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

/** An answer the listener's app ended (`res.end()`), whether or not its connection was still there to carry it. */
export interface EndedAnswer {
  method: string
  url: string
  status: number
}

export interface LoopbackListener {
  port: number
  /**
   * Bytes the server took off its sockets so far (`socket.bytesRead`, closed connections included): what a test
   * compares with what the client sent, to show the server stopped reading a body it refused.
   */
  bytesRead(): number
  /** Every answer the app ended so far, in order. */
  answers: readonly EndedAnswer[]
  /**
   * Resolves once the app has ended `count` answers in all: the event that says a request was handled to its end,
   * e.g. one whose client went away (no time bound: the test's own timeout is the only one).
   */
  answered(count: number): Promise<void>
  /** Stops the listener; also ends the connections fetch keeps alive. */
  close(): Promise<void>
}

/** A `node:http` listener (an express app, the kit's `node:http` handler, a web bridge) on a loopback port. */
export async function listenOnLoopback(app: RequestListener): Promise<LoopbackListener> {
  const answers: EndedAnswer[] = []
  const waiting = new Set<() => void>()
  const server: Server = createHttpServer((req, res) => {
    // As it arrived: express rewrites req.url below a mount point.
    const url = req.url ?? ''
    const end = res.end
    // Noted on the call itself: a response whose socket is gone never emits 'finish', yet the app did answer.
    res.end = function (this: typeof res, ...args: unknown[]) {
      if (!res.writableEnded) {
        answers.push({ method: req.method ?? '', url, status: res.statusCode })
        for (const wake of waiting) wake()
      }
      return (end as (...a: unknown[]) => typeof res).apply(this, args)
    } as typeof res.end
    app(req, res)
  })
  const open = new Set<Socket>()
  let readByClosed = 0
  server.on('connection', (socket) => {
    open.add(socket)
    socket.once('close', () => {
      open.delete(socket)
      readByClosed += socket.bytesRead
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as AddressInfo).port,
    bytesRead: () => [...open].reduce((sum, socket) => sum + socket.bytesRead, readByClosed),
    answers,
    answered: (count) =>
      new Promise<void>((resolve) => {
        const check = () => {
          if (answers.length < count) return
          waiting.delete(check)
          resolve()
        }
        waiting.add(check)
        check()
      }),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
