// Issue #14, point 3: the dev inspector (every client's rows, unauthenticated) only when asked for, only on loopback,
// never in production, and an unknown NODE_ENV is a start-up error.
import { randomBytes } from 'node:crypto'
import { createServer as createHttpServer } from 'node:http'
import type { Server } from 'node:http'
import { mkdtempSync, rmSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import {
  ServerConfigError,
  createServer,
  devHeaderAuthenticate,
  loadServerConfig,
  sqliteStore,
} from '../../src/server/index.js'
import { startBin } from './support/bin.js'

const dirs: string[] = []
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'rmb-inspector-'))
  dirs.push(d)
  return d
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

const secrets = {
  WEBHOOK_SECRET: randomBytes(32).toString('base64url'),
  AUTH_JWT_SECRET: randomBytes(32).toString('base64url'),
  BACKUP_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
}

async function inspectorStatus(env: NodeJS.ProcessEnv): Promise<number> {
  const { config } = loadServerConfig({ ...env, DATA_DIR: tempDir() })
  const { handler, close } = createServer(config)
  const server: Server = await new Promise((resolve) => {
    const s = createHttpServer(handler).listen(0, '127.0.0.1', () => resolve(s))
  })
  try {
    return (await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/dev/rows`)).status
  } finally {
    server.close()
    await close()
  }
}

describe('dev inspector', () => {
  it('is off unless asked for: NODE_ENV unset, every secret set, HOST=0.0.0.0 -> 404', async () => {
    expect(await inspectorStatus({ ...secrets, HOST: '0.0.0.0' })).toBe(404)
    expect(await inspectorStatus({ ...secrets, NODE_ENV: 'development' })).toBe(404)
  })

  it.each(['Production', 'prod', 'PRODUCTION', 'staging', 'production '])(
    'NODE_ENV=%j is a start-up error naming the value',
    (value) => {
      expect(() => loadServerConfig({ ...secrets, NODE_ENV: value, DATA_DIR: tempDir() })).toThrow(ServerConfigError)
      expect(() => loadServerConfig({ ...secrets, NODE_ENV: value, DATA_DIR: tempDir() })).toThrow(`got "${value}"`)
    },
  )

  it('DEV_INSPECTOR=1 on a non-loopback HOST, or in production, refuses to start', () => {
    expect(() => loadServerConfig({ ...secrets, DEV_INSPECTOR: '1', HOST: '0.0.0.0', DATA_DIR: tempDir() })).toThrow(
      /loopback HOST.*"0\.0\.0\.0"/,
    )
    expect(() =>
      loadServerConfig({ ...secrets, DEV_INSPECTOR: '1', NODE_ENV: 'production', DATA_DIR: tempDir() }),
    ).toThrow(/NODE_ENV=production/)
    expect(() => loadServerConfig({ ...secrets, DEV_INSPECTOR: 'yes please', DATA_DIR: tempDir() })).toThrow(
      /DEV_INSPECTOR must be/,
    )
  })

  it('createServer refuses the inspector on a host that is not loopback, and in production', () => {
    const base = {
      store: sqliteStore({ filename: ':memory:' }),
      authenticate: devHeaderAuthenticate(),
      webhookSecret: secrets.WEBHOOK_SECRET,
      encryptionKey: secrets.BACKUP_ENCRYPTION_KEY,
      devInspector: true,
    }
    expect(() => createServer({ ...base, host: '0.0.0.0' })).toThrow(/loopback/)
    expect(() => createServer({ ...base, host: '::' })).toThrow(/loopback/)
    expect(() => createServer({ ...base, production: true })).toThrow(/production/)
    void base.store.close()
  })

  it('DEV_INSPECTOR=1 on loopback serves it and the bin says so at start', async () => {
    expect(await inspectorStatus({ ...secrets, DEV_INSPECTOR: '1' })).toBe(200)
    const bin = await startBin({ ...secrets, DEV_INSPECTOR: '1', DATA_DIR: tempDir(), PORT: '0' }).ready
    try {
      expect(bin.output()).toMatch(/DEV_INSPECTOR on: GET \/api\/dev\/rows lists every client's rows/)
      expect((await fetch(`${bin.api}/dev/rows`)).status).toBe(200)
    } finally {
      bin.child.kill('SIGTERM')
      await bin.exited
    }
  })
})
