import express from 'express'
import type { BackupRouterOptions } from '../../../src/server/index.js'
import { createBackupRouter, createNodeHandler, createWebHandler } from '../../../src/server/index.js'
import { listenOnLoopback } from './listenOnLoopback.js'
import type { LoopbackListener } from './listenOnLoopback.js'
import { webBridge } from './webBridge.js'

/** The kit's routes served under `/api` on a real loopback listener by one host adapter. */
export interface HostedApi extends LoopbackListener {
  /** `http://127.0.0.1:<port>/api` */
  base: string
}

export interface HostCase {
  name: 'express' | 'web' | 'node'
  /** Serves `createBackupHandler(options)`'s routes under `/api` through this host's adapter. */
  serve(options: BackupRouterOptions): Promise<HostedApi>
}

const hosted = async (listening: Promise<LoopbackListener>): Promise<HostedApi> => {
  const listener = await listening
  return { ...listener, base: `http://127.0.0.1:${listener.port}/api` }
}

/** express: `app.use('/api', createBackupRouter(options))`, and the app's own final 404, as an app writes it. */
export const EXPRESS_HOST: HostCase = {
  name: 'express',
  serve(options) {
    const app = express()
    app.use('/api', createBackupRouter(options))
    // Paths the kit does not serve fall through to the app (createBackupRouter calls next): this is the app's answer,
    // the same JSON 404 the other hosts give, so every case reads alike.
    app.use((_req, res) => {
      res
        .status(404)
        .set('Cache-Control', 'no-store')
        .json({ error: { code: 'route_not_found' } })
    })
    return hosted(listenOnLoopback(app))
  },
}

/**
 * The web-standard handler (`createWebHandler`, basePath `/api`) on Node through a node->web bridge; the caller's
 * address is the socket's, given through the `address` option as an app on such a host would.
 */
export const WEB_HOST: HostCase = {
  name: 'web',
  serve(options) {
    let addressOf: (request: Request) => string | undefined = () => undefined
    const bridge = webBridge(createWebHandler({ ...options, basePath: '/api', address: (r) => addressOf(r) }))
    addressOf = bridge.addressOf
    return hosted(listenOnLoopback(bridge.listener))
  },
}

/** `http.createServer(createNodeHandler({ ...options, basePath: '/api' }))`. */
export const NODE_HOST: HostCase = {
  name: 'node',
  serve(options) {
    return hosted(listenOnLoopback(createNodeHandler({ ...options, basePath: '/api' })))
  },
}

/** Every host adapter, for `describe.each(HOSTS)`: one table of cases run against each. */
export const HOSTS: readonly HostCase[] = [EXPRESS_HOST, WEB_HOST, NODE_HOST]
