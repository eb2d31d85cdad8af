import { createServer as createHttpServer } from 'node:http'
import type { RequestListener, Server } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

export interface LoopbackListener {
  port: number
  /**
   * Bytes the server took off its sockets so far (`socket.bytesRead`, closed connections included): what a test
   * compares with what the client sent, to show the server stopped reading a body it refused.
   */
  bytesRead(): number
  /** Stops the listener; also ends the connections fetch keeps alive. */
  close(): Promise<void>
}

/** A `node:http` listener (an express app, the kit's `node:http` handler, a web bridge) on a loopback port. */
export async function listenOnLoopback(app: RequestListener): Promise<LoopbackListener> {
  const server: Server = createHttpServer(app)
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
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
