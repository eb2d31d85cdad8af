// Issue #14, point 8: keyed idempotency fingerprints, owner-only files, wrong webhook secrets rate limited per
// address, and the dev rate limiter keyed by well-formed ids only.
import { createHash, randomBytes } from 'node:crypto'
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { devHeaderAuthenticate, loadServerConfig, sqliteStore, startServer } from '../../src/server/index.js'
import { KEY_A, WEBHOOK_SECRET, postBackup, serveRouter, uniqueClient, type TestApi } from './support/http.js'
import { serveRouterOn } from './support/serveRouterOn.js'
import { postgresSkipReason, storeCases, type StoreHarness } from './support/stores.js'

const dirs: string[] = []
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'rmb-hard-'))
  dirs.push(d)
  return d
}
const modeOf = (path: string) => statSync(path).mode & 0o777

describe.each(storeCases)('idempotency fingerprints on $name', ({ skip, create }) => {
  let harness: StoreHarness
  let api: TestApi
  beforeAll(async () => {
    if (skip) return
    const served = await serveRouterOn({ create })
    ;({ harness, api } = served)
    return served.close
  })

  it.skipIf(skip)(
    `are keyed: the database alone cannot confirm a guessed cipherText${skip ? ` (skipped: ${postgresSkipReason})` : ''}`,
    async () => {
      const clientId = uniqueClient()
      const body = { backupMethod: 'PASSWORD', cipherText: `guessable-${clientId}`, keyVersion: 'v1' }
      expect((await postBackup(api.base, clientId, body, { 'idempotency-key': 'idem-1' })).status).toBe(200)
      const record = (await harness.store.getIdempotency(clientId, 'idem-1', new Date()))!
      const unkeyed = createHash('sha256')
        .update(JSON.stringify([body.backupMethod, body.keyVersion, body.cipherText]))
        .digest('hex')
      // `v2:` (the whole body, issue #25) then the keyed MAC.
      expect(record.fingerprint).toMatch(/^v2:h1:[A-Za-z0-9_-]{43}$/)
      expect(record.fingerprint).not.toContain(unkeyed)
      // The same request replays; another body under the same key is still refused.
      const again = await postBackup(api.base, clientId, body, { 'idempotency-key': 'idem-1' })
      expect(again.headers.get('idempotent-replayed')).toBe('true')
      expect(
        (await postBackup(api.base, clientId, { ...body, cipherText: 'other' }, { 'idempotency-key': 'idem-1' }))
          .status,
      ).toBe(422)
    },
  )
})

describe('file modes', () => {
  it('a new SQLite database lives in a 0700 folder, its files (wal and shm included) 0600', async () => {
    const dir = join(tempDir(), 'fresh', 'data')
    const store = sqliteStore({ filename: join(dir, 'backups.db') })
    await store.putWebhook({
      clientId: 'c',
      backupMethod: 'GDRIVE',
      keyId: 'k',
      data: Buffer.from('x'),
      storedAt: new Date(),
    })
    try {
      expect(modeOf(dir)).toBe(0o700)
      for (const f of ['backups.db', 'backups.db-wal', 'backups.db-shm'])
        expect([f, modeOf(join(dir, f))]).toEqual([f, 0o600])
    } finally {
      await store.close()
    }
  })

  it('an existing 0644 database is tightened to 0600, with a message', async () => {
    const dir = tempDir()
    const filename = join(dir, 'backups.db')
    const first = sqliteStore({ filename })
    await first.list()
    await first.close()
    chmodSync(filename, 0o644)
    const warnings: string[] = []
    const again = sqliteStore({ filename, onWarning: (m) => warnings.push(m) })
    await again.list()
    await again.close()
    expect(modeOf(filename)).toBe(0o600)
    expect(warnings.join('\n')).toContain(`${filename} was mode 0644`)
  })

  it('DATA_DIR is made 0700 and an existing 0644 dev encryption key 0600, each with a message', async () => {
    const dataDir = join(tempDir(), 'data')
    mkdirSync(dataDir, { mode: 0o755 })
    chmodSync(dataDir, 0o755)
    writeFileSync(join(dataDir, 'encryption.key'), `${randomBytes(32).toString('base64')}\n`, { mode: 0o644 })
    chmodSync(join(dataDir, 'encryption.key'), 0o644)
    const { warnings, config } = loadServerConfig({ WEBHOOK_SECRET: 'w'.repeat(32), DATA_DIR: dataDir })
    await config.store.close()
    expect(modeOf(dataDir)).toBe(0o700)
    expect(modeOf(join(dataDir, 'encryption.key'))).toBe(0o600)
    expect(warnings.join('\n')).toContain(`${dataDir} was mode 0755`)
    expect(warnings.join('\n')).toMatch(/encryption\.key was mode 0644 .*replace it/)
  })
})

describe('rate limits', () => {
  const store = sqliteStore({ filename: ':memory:' })
  afterAll(() => store.close())

  it('wrong webhook secrets are limited per address: 429 once spent, even for the right secret; other addresses unaffected', async () => {
    const running = await startServer({
      store: { ...store, close: async () => {} },
      authenticate: devHeaderAuthenticate(),
      webhookSecret: WEBHOOK_SECRET,
      encryptionKey: KEY_A,
      port: 0,
      // One trusted hop lets the test speak for several addresses through X-Forwarded-For.
      trustProxy: 1,
      limits: { webhookFailures: { perMinute: 1, burst: 5 } },
    })
    const call = (from: string, secret: string) =>
      fetch(`${running.url}/api/webhook/backup/fetch`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-webhook-secret': secret, 'x-forwarded-for': from },
        body: JSON.stringify({ clientId: 'nobody' }),
      })
    try {
      const statuses: number[] = []
      for (let i = 0; i < 8; i++) statuses.push((await call('10.0.0.7', `guess-${i}`)).status)
      expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429, 429])
      const blocked = await call('10.0.0.7', WEBHOOK_SECRET)
      expect(blocked.status).toBe(429)
      expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0)
      expect((await call('10.0.0.8', WEBHOOK_SECRET)).status).toBe(404)
    } finally {
      await running.close()
    }
  })

  it('the client rate limiter keys only well-formed ids: junk X-Client-Id values are 401 and never spend a bucket', async () => {
    const api = await serveRouter(store, { limits: { rate: { perMinute: 1, burst: 2 } } })
    try {
      const junk = ['has space', 'x'.repeat(201), 'caf\u00e9', 'a/b', '']
      const statuses: number[] = []
      for (const id of junk)
        for (let i = 0; i < 4; i++) {
          const res = await fetch(`${api.base}/clients/valid-id/backup`, { headers: { 'x-client-id': id } })
          statuses.push(res.status)
        }
      expect(new Set(statuses)).toEqual(new Set([401]))
    } finally {
      await api.close()
    }
  })
})
