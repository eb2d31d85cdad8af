// The public signatures of `react-mpc-backup/server` (Vitest typecheck, project `types`): the hosts' options and
// returns, the stores, and the neutral request `authenticate` receives on every host. A wrong use is a type error
// (the `@ts-expect-error` lines), so a signature that loosens fails here.
import type { IncomingMessage, ServerResponse as NodeResponse } from 'node:http'
import type { RequestHandler } from 'express'
import {
  type Authenticate,
  type BackupHandler,
  type BackupRouterOptions,
  type BackupServer,
  type BackupStore,
  createBackupHandler,
  createBackupRouter,
  createNodeHandler,
  createServer,
  createWebHandler,
  devHeaderAuthenticate,
  type EncryptionKeyCheck,
  jwtAuthenticate,
  type NodeHandler,
  type NodeHandlerOptions,
  postgresStore,
  type PostgresStoreOptions,
  type RequestBody,
  type RunningServer,
  type ServerConfig,
  type ServerRequest,
  type ServerResponse,
  sqliteStore,
  type SqliteStoreOptions,
  startServer,
  type StoredBackup,
  type WebHandler,
  type WebHandlerOptions,
} from 'react-mpc-backup/server'
import { describe, expectTypeOf, test } from 'vitest'

const store = {} as BackupStore
const options: BackupRouterOptions = {
  store,
  authenticate: (request) => request.get('x-client-id'),
  webhookSecret: 's'.repeat(32),
  encryptionKey: 'k'.repeat(64),
}

describe('authenticate', () => {
  test('receives the neutral ServerRequest (not express) and returns a client id, nothing, or a promise of one', () => {
    expectTypeOf<Parameters<Authenticate>>().toEqualTypeOf<[request: ServerRequest]>()
    expectTypeOf<ReturnType<Authenticate>>().toEqualTypeOf<
      string | undefined | null | Promise<string | undefined | null>
    >()
    expectTypeOf<ServerRequest['get']>().toEqualTypeOf<(name: string) => string | undefined>()
    expectTypeOf<ServerRequest['cookies']>().toEqualTypeOf<Readonly<Record<string, string>>>()
    expectTypeOf<ServerRequest['address']>().toEqualTypeOf<string | undefined>()
    expectTypeOf<ServerRequest['body']>().toEqualTypeOf<RequestBody>()
    expectTypeOf(jwtAuthenticate).returns.toEqualTypeOf<Authenticate>()
    expectTypeOf(devHeaderAuthenticate).returns.toEqualTypeOf<Authenticate>()
    // @ts-expect-error express's req.ip is not there: the address is `request.address`
    const ip: Authenticate = (request) => request.ip
    // @ts-expect-error a client id is a string
    const numeric: Authenticate = () => 42
    void [ip, numeric]
  })
})

describe('hosts', () => {
  test('createBackupRouter: express middleware with ready()', () => {
    expectTypeOf(createBackupRouter).parameters.toEqualTypeOf<[options: BackupRouterOptions]>()
    expectTypeOf(createBackupRouter).returns.toEqualTypeOf<RequestHandler & Pick<BackupHandler, 'ready'>>()
    expectTypeOf(createBackupRouter(options).ready).toEqualTypeOf<() => Promise<EncryptionKeyCheck | undefined>>()
    // @ts-expect-error the store is required
    createBackupRouter({ ...options, store: undefined })
    // @ts-expect-error webhookSecret is a string
    createBackupRouter({ ...options, webhookSecret: true })
  })

  test('createWebHandler: (Request) => Promise<Response>, with basePath and address', () => {
    expectTypeOf(createWebHandler).parameters.toEqualTypeOf<[options: WebHandlerOptions]>()
    expectTypeOf(createWebHandler).returns.toEqualTypeOf<WebHandler>()
    expectTypeOf<WebHandler>().toExtend<(request: Request) => Promise<Response>>()
    expectTypeOf<WebHandler['ready']>().toEqualTypeOf<BackupHandler['ready']>()
    expectTypeOf<WebHandlerOptions['address']>().toEqualTypeOf<((request: Request) => string | undefined) | undefined>()
    expectTypeOf<WebHandlerOptions>().toExtend<BackupRouterOptions>()
    createWebHandler({
      ...options,
      basePath: '/api',
      address: (request) => request.headers.get('x-real-ip') ?? undefined,
    })
    // @ts-expect-error basePath is a string
    createWebHandler({ ...options, basePath: 1 })
    // @ts-expect-error trustProxy is the node handler's (a web Request carries no peer address)
    createWebHandler({ ...options, trustProxy: 1 })
  })

  test('createNodeHandler: a node:http listener with an optional connect-style next', () => {
    expectTypeOf(createNodeHandler).parameters.toEqualTypeOf<[options: NodeHandlerOptions]>()
    expectTypeOf(createNodeHandler).returns.toEqualTypeOf<NodeHandler>()
    expectTypeOf<NodeHandler>().toExtend<
      (req: IncomingMessage, res: NodeResponse, next?: (error?: unknown) => void) => void
    >()
    createNodeHandler({ ...options, basePath: '/api', trustProxy: 1 })
    createNodeHandler({ ...options, trustProxy: ['loopback', '10.0.0.0/8'] })
    // @ts-expect-error a web Request is not an IncomingMessage
    createNodeHandler(options)(new Request('http://x/'), {} as NodeResponse)
  })

  test('createBackupHandler: the core, ServerRequest in, ServerResponse (or undefined: not its route) out', () => {
    expectTypeOf(createBackupHandler).returns.toEqualTypeOf<BackupHandler>()
    expectTypeOf<BackupHandler>().toExtend<(request: ServerRequest) => Promise<ServerResponse | undefined>>()
    expectTypeOf<ServerResponse>().toEqualTypeOf<{ status: number; headers: Record<string, string>; body: string }>()
  })

  test('createServer and startServer: the bundled server, its handler, ready() and close()', () => {
    expectTypeOf(createServer).parameters.toEqualTypeOf<[config: ServerConfig]>()
    expectTypeOf(createServer).returns.toEqualTypeOf<BackupServer>()
    expectTypeOf<BackupServer['handler']>().toEqualTypeOf<
      (req: IncomingMessage, res: NodeResponse, next?: (error?: unknown) => void) => void
    >()
    expectTypeOf<BackupServer['close']>().toEqualTypeOf<() => Promise<void>>()
    expectTypeOf(startServer).returns.toEqualTypeOf<Promise<RunningServer>>()
    expectTypeOf<RunningServer['url']>().toEqualTypeOf<string>()
    expectTypeOf<RunningServer['keyCheck']>().toEqualTypeOf<EncryptionKeyCheck | undefined>()
    expectTypeOf<RunningServer['close']>().toEqualTypeOf<(graceMs?: number) => Promise<void>>()
    expectTypeOf<ServerConfig>().toExtend<BackupRouterOptions>()
    // @ts-expect-error createServer is not an express app any more
    createServer(options).listen(0)
    // @ts-expect-error port is a number
    void startServer({ ...options, port: '8787' })
  })
})

describe('stores', () => {
  test('sqliteStore and postgresStore return a BackupStore', () => {
    expectTypeOf(sqliteStore).parameters.toEqualTypeOf<[options: SqliteStoreOptions]>()
    expectTypeOf(sqliteStore).returns.toEqualTypeOf<BackupStore>()
    expectTypeOf(postgresStore).parameters.toEqualTypeOf<[options: PostgresStoreOptions]>()
    expectTypeOf(postgresStore).returns.toEqualTypeOf<BackupStore>()
    expectTypeOf<SqliteStoreOptions['synchronous']>().toEqualTypeOf<'FULL' | 'NORMAL' | undefined>()
    sqliteStore({ filename: ':memory:' })
    postgresStore({ connectionString: 'postgres://localhost/db', schema: 'kit' })
    // @ts-expect-error sqlite wants a file name
    sqliteStore({})
    // @ts-expect-error a pool or a connection string is required
    postgresStore({ schema: 'kit' })
    // @ts-expect-error synchronous is FULL or NORMAL
    sqliteStore({ filename: ':memory:', synchronous: 'OFF' })
  })

  test('a store of your own implements BackupStore: get resolves a StoredBackup or undefined', () => {
    expectTypeOf<BackupStore['get']>().toEqualTypeOf<
      (clientId: string, backupMethod?: string) => Promise<StoredBackup | undefined>
    >()
    expectTypeOf<BackupStore['close']>().toEqualTypeOf<() => Promise<void>>()
    expectTypeOf<StoredBackup['data']>().toEqualTypeOf<Buffer>()
  })
})
