// Issue #14, point 5: the webhook allowlist is parsed strictly, and TRUST_PROXY cannot open it to spoofed addresses.
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import {
  ServerConfigError,
  createBackupRouter,
  devHeaderAuthenticate,
  loadServerConfig,
  sqliteStore,
  startServer,
} from '../../src/server/index.js'
import type { ServerConfig } from '../../src/server/index.js'
import { KEY_A, WEBHOOK_SECRET } from './support/http.js'

const dirs: string[] = []
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})
const dataDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'rmb-allow-'))
  dirs.push(d)
  return d
}
const store = sqliteStore({ filename: ':memory:' })
afterAll(() => store.close())
const base = { store, authenticate: devHeaderAuthenticate(), webhookSecret: WEBHOOK_SECRET, encryptionKey: KEY_A }

const INVALID = [
  '10.1.2.3/',
  '10.1.2.3/33',
  '10.1.2.3//8',
  '10.1.2.3/8/8',
  '10.1.2.3/ 8',
  ' 10.1.2.3',
  '10.1.2.3/-1',
  '10.1.2.3/08',
  '1.2.3',
  '::1/129',
  '10.0.0.0/x',
  '/8',
  '',
]
const VALID = ['10.1.2.3', '10.0.0.0/8', '0.0.0.0/0', '::1', '2001:db8::/32', '::ffff:10.1.2.3']

describe('webhook allowlist parsing', () => {
  it.each(INVALID)('refuses %j, naming the entry', (entry) => {
    expect(() => createBackupRouter({ ...base, webhookAllowlist: [entry] })).toThrow(`"${entry}"`)
  })
  it.each(VALID)('accepts %j', (entry) => {
    expect(() => createBackupRouter({ ...base, webhookAllowlist: [entry] })).not.toThrow()
  })
  it('WEBHOOK_ALLOWLIST=10.1.2.3/ is a start-up error naming the entry', () => {
    const env = {
      WEBHOOK_SECRET: 'x'.repeat(32),
      BACKUP_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      DATA_DIR: dataDir(),
    }
    expect(() => loadServerConfig({ ...env, WEBHOOK_ALLOWLIST: '10.9.9.9, 10.1.2.3/' })).toThrow(ServerConfigError)
    expect(() => loadServerConfig({ ...env, WEBHOOK_ALLOWLIST: '10.9.9.9, 10.1.2.3/' })).toThrow(
      'WEBHOOK_ALLOWLIST: "10.1.2.3/"',
    )
  })
})

describe('TRUST_PROXY', () => {
  const env = () => ({
    WEBHOOK_SECRET: 'x'.repeat(32),
    BACKUP_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    DATA_DIR: dataDir(),
  })

  it('true is refused beside an allowlist; a hop count or a CIDR list is taken; junk is refused', () => {
    expect(() => loadServerConfig({ ...env(), TRUST_PROXY: 'true', WEBHOOK_ALLOWLIST: '10.9.9.9' })).toThrow(
      /TRUST_PROXY=true .*spoof/,
    )
    expect(loadServerConfig({ ...env(), TRUST_PROXY: '2' }).config.trustProxy).toBe(2)
    expect(loadServerConfig({ ...env(), TRUST_PROXY: '10.0.0.1, 10.2.0.0/16,loopback' }).config.trustProxy).toEqual([
      '10.0.0.1',
      '10.2.0.0/16',
      'loopback',
    ])
    expect(() => loadServerConfig({ ...env(), TRUST_PROXY: '10.0.0.1/' })).toThrow('TRUST_PROXY: "10.0.0.1/"')
    expect(() => createBackupRouter({ ...base, webhookAllowlist: ['10.9.9.9'] })).not.toThrow()
  })

  async function webhookStatus(config: Partial<ServerConfig>, forwardedFor: string): Promise<number> {
    const running = await startServer({
      ...base,
      store: { ...store, close: async () => {} },
      port: 0,
      checkEncryptionKey: false,
      ...config,
    })
    try {
      const res = await fetch(`${running.url}/api/webhook/backup/fetch`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-webhook-secret': WEBHOOK_SECRET,
          'x-forwarded-for': forwardedFor,
        },
        body: JSON.stringify({ clientId: 'nobody' }),
      })
      return res.status
    } finally {
      await running.close()
    }
  }

  it('a caller that is not one of the trusted proxies cannot spoof X-Forwarded-For past the allowlist', async () => {
    // The loopback caller here is not the proxy (10.0.0.1): its X-Forwarded-For is ignored and its own address checked.
    expect(await webhookStatus({ webhookAllowlist: ['10.9.9.9'], trustProxy: ['10.0.0.1'] }, '10.9.9.9')).toBe(403)
    // Behind one trusted hop (the loopback caller plays the proxy), the forwarded address is the one checked.
    expect(await webhookStatus({ webhookAllowlist: ['10.9.9.9'], trustProxy: 1 }, '10.9.9.9')).toBe(404)
    expect(await webhookStatus({ webhookAllowlist: ['10.9.9.9'], trustProxy: 1 }, '10.8.8.8')).toBe(403)
    await expect(webhookStatus({ webhookAllowlist: ['10.9.9.9'], trustProxy: true }, '10.9.9.9')).rejects.toThrow(
      /spoof/,
    )
  })
})
