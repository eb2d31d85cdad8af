import { createServer as createHttpServer } from 'node:http'
import { ServerConfigError } from '../errors/ServerConfigError.js'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { answerClientError } from './answerClientError.js'
import type { EncryptionKeyCheck } from '../sealing/checkEncryptionKey.js'
import { createServer } from './createServer.js'
import type { BackupServer, ServerConfig } from './createServer.js'

export interface RunningServer {
  /** e.g. `http://127.0.0.1:8787` (the API lives under `/api`). */
  url: string
  host: string
  port: number
  /** The `node:http` listener the server runs (createServer's `handler`). */
  handler: BackupServer['handler']
  server: Server
  /** What the start-up key check found (`undefined` when `checkEncryptionKey: false`). */
  keyCheck: EncryptionKeyCheck | undefined
  /** Stops accepting connections, lets in-flight requests finish (up to `graceMs`), then closes the store. */
  close(graceMs?: number): Promise<void>
}

/**
 * Listens on `config.host`:`config.port` (default 127.0.0.1:8787; port 0 picks a free one). First it opens a sample
 * of the stored rows with the configured encryption key and refuses to start (ServerConfigError naming the key id)
 * when rows exist and none opens.
 */
export async function startServer(config: ServerConfig): Promise<RunningServer> {
  const requestTimeout = config.requestTimeoutMs ?? 30_000
  const headersTimeout = config.headersTimeoutMs ?? Math.min(10_000, requestTimeout)
  const keepAliveTimeout = config.keepAliveTimeoutMs ?? 5_000
  const maxHeaderSize = config.maxHeaderBytes ?? 16 * 1024
  for (const [name, value] of Object.entries({ requestTimeout, headersTimeout, keepAliveTimeout, maxHeaderSize })) {
    if (!Number.isInteger(value) || value <= 0)
      throw new ServerConfigError(`startServer: ${name} must be a positive integer`)
  }
  if (headersTimeout > requestTimeout)
    throw new ServerConfigError('startServer: headersTimeoutMs must not exceed requestTimeoutMs')
  const { handler, ready, close: closeStore } = createServer(config)
  const host = config.host ?? '127.0.0.1'
  let keyCheck: EncryptionKeyCheck | undefined
  // Nothing listens before everything that can be checked is: the store's driver, database and migrations, and the
  // encryption key against the stored rows. A failure names the fix (ServerConfigError).
  try {
    keyCheck = await ready()
  } catch (error) {
    await closeStore().catch(() => {})
    throw error
  }
  return new Promise((resolve, reject) => {
    const server = createHttpServer(
      {
        requestTimeout,
        headersTimeout,
        keepAliveTimeout,
        maxHeaderSize,
        // Node checks the two timeouts every connectionsCheckingInterval (default 30 s), which would let a stalled
        // client stay far past them; check often enough that they hold to within a quarter.
        connectionsCheckingInterval: Math.max(
          50,
          Math.min(1_000, Math.floor(Math.min(requestTimeout, headersTimeout) / 4)),
        ),
      },
      handler,
    )
    // Node's own 400 / 408 / 431 answers would carry no body and no Cache-Control: the kit's instead.
    server.on('clientError', answerClientError)
    server.listen(config.port ?? 8787, host)
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
        handler,
        server,
        keyCheck,
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
