import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Express } from 'express'
import { createServer } from './createServer.js'
import type { ServerConfig } from './createServer.js'

export interface RunningServer {
  /** e.g. `http://127.0.0.1:8787` (the API lives under `/api`). */
  url: string
  host: string
  port: number
  app: Express
  server: Server
  /** Stops accepting connections, lets in-flight requests finish (up to `graceMs`), then closes the store. */
  close(graceMs?: number): Promise<void>
}

/** Listens on `config.host`:`config.port` (default 127.0.0.1:8787; port 0 picks a free one). */
export function startServer(config: ServerConfig): Promise<RunningServer> {
  const { app, close: closeStore } = createServer(config)
  const host = config.host ?? '127.0.0.1'
  return new Promise((resolve, reject) => {
    const server = app.listen(config.port ?? 8787, host)
    server.once('error', (error) => {
      closeStore().finally(() => reject(error))
    })
    server.once('listening', () => {
      const port = (server.address() as AddressInfo).port
      const urlHost = host.includes(':') ? `[${host}]` : host
      let closing: Promise<void> | undefined
      resolve({
        url: `http://${urlHost}:${port}`,
        host,
        port,
        app,
        server,
        close: (graceMs = 5_000) =>
          (closing ??= new Promise<void>((done) => {
            const force = setTimeout(() => server.closeAllConnections(), graceMs)
            force.unref()
            server.close(() => {
              clearTimeout(force)
              done()
            })
            server.closeIdleConnections()
          }).then(closeStore)),
      })
    })
  })
}
