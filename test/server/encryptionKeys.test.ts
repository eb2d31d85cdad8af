import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  ServerConfigError,
  devHeaderAuthenticate,
  encryptAtRest,
  keyIdOf,
  startServer,
} from '../../src/server/index.js'
import type { BackupStore, EncryptionKeyConfig } from '../../src/server/index.js'
import {
  KEY_A,
  KEY_B,
  WEBHOOK_SECRET,
  getBackup,
  postBackup,
  postWebhook,
  serveRouter,
  uniqueClient,
} from './support/http.js'
import { postgresSkipReason, storeCases, type StoreHarness } from './support/stores.js'

const start = (store: BackupStore, encryptionKey: EncryptionKeyConfig) =>
  startServer({
    store,
    encryptionKey,
    authenticate: devHeaderAuthenticate(),
    webhookSecret: WEBHOOK_SECRET,
    port: 0,
    devInspector: false,
  })

describe('key ids', () => {
  it('are fingerprints of the key: stable, distinct per key, never the key in any encoding', () => {
    const id = keyIdOf(KEY_A)
    expect(id).toMatch(/^fp-[0-9a-f]{16}$/)
    expect(keyIdOf(KEY_A.toString('base64'))).toBe(id)
    expect(keyIdOf(KEY_B)).not.toBe(id)
    for (const encoding of ['hex', 'base64', 'base64url'] as const)
      expect(KEY_A.toString(encoding)).not.toContain(id.slice(3))
    expect(encryptAtRest(KEY_A).seal('v', 'c').keyId).toBe(id)
  })

  it('a row sealed before fingerprints (labelled "default") still opens with the key that sealed it, and only with it', () => {
    const legacy = encryptAtRest({ current: 'default', keys: { default: KEY_A } }).seal('old row', 'ctx')
    expect(legacy.keyId).toBe('default')
    expect(encryptAtRest(KEY_A).open(legacy, 'ctx')).toBe('old row')
    expect(encryptAtRest({ key: KEY_B, previous: [KEY_A] }).open(legacy, 'ctx')).toBe('old row')
    expect(() => encryptAtRest(KEY_B).open(legacy, 'ctx')).toThrow(/key id "default"/)
  })
})

describe.each(storeCases)('encryption keys on $name', ({ skip, create }) => {
  let harness: StoreHarness
  beforeAll(async () => {
    if (!skip) harness = await create()
  })
  afterAll(async () => {
    await harness?.dispose()
  })
  const reason = skip ? ` (skipped: ${postgresSkipReason})` : ''

  it.skipIf(skip)(
    `start-up with a wrong key on a database with rows is refused, naming both key ids${reason}`,
    async () => {
      const first = await start(harness.reopen(), KEY_A)
      const clientId = uniqueClient()
      expect(
        (await postBackup(`${first.url}/api`, clientId, { backupMethod: 'PASSWORD', cipherText: 'sealed-with-a' }))
          .status,
      ).toBe(200)
      await first.close()

      const wrong = start(harness.reopen(), KEY_B)
      await expect(wrong).rejects.toThrow(ServerConfigError)
      const message = await wrong.then(
        () => '',
        (e: Error) => e.message,
      )
      expect(message).toContain(keyIdOf(KEY_B))
      expect(message).toContain(keyIdOf(KEY_A))
      expect(message).not.toContain(KEY_B.toString('base64'))
      expect(message).not.toContain('sealed-with-a')
    },
  )

  it.skipIf(skip)(
    `rotation: the new key with the old one as previous starts, reads old rows and seals new ones with the new id${reason}`,
    async () => {
      const clientId = uniqueClient()
      const before = await start(harness.reopen(), KEY_A)
      await postBackup(`${before.url}/api`, clientId, { backupMethod: 'GDRIVE', cipherText: 'before-rotation' })
      await postWebhook(`${before.url}/api`, '/webhook/backup', {
        clientId,
        share: 'custodian-before',
        backupMethod: 'GDRIVE-SECP256K1',
      })
      await before.close()

      const rotated = await start(harness.reopen(), { key: KEY_B, previous: [KEY_A] })
      try {
        expect(rotated.keyCheck).toMatchObject({ keyId: keyIdOf(KEY_B), unreadableKeyIds: [] })
        const api = `${rotated.url}/api`
        expect(await (await getBackup(api, clientId, 'GDRIVE')).json()).toMatchObject({ cipherText: 'before-rotation' })
        await postBackup(api, clientId, { backupMethod: 'PASSWORD', cipherText: 'after-rotation' })
        const rows = await harness.store.list({ clientId })
        expect(Object.fromEntries(rows.map((r) => [r.backupMethod, r.keyId]))).toEqual({
          GDRIVE: keyIdOf(KEY_A),
          PASSWORD: keyIdOf(KEY_B),
        })
        const fetched = await postWebhook(api, '/webhook/backup/fetch', { clientId })
        expect(await fetched.json()).toMatchObject({ backupShares: ['custodian-before'] })
      } finally {
        await rotated.close()
      }
    },
  )

  it.skipIf(skip)(
    `one row sealed with an unknown key among good rows: fetch and GET still answer with the good ones${reason}`,
    async () => {
      const api = await serveRouter(harness.store, { encryptionKey: KEY_A })
      const clientId = uniqueClient()
      try {
        await postWebhook(api.base, '/webhook/backup', {
          clientId,
          share: 'secp-share',
          backupMethod: 'GDRIVE-SECP256K1',
        })
        await postBackup(api.base, clientId, { backupMethod: 'GDRIVE', cipherText: 'good-client-ct' })
        // A row sealed by a key this server does not have lands last (newest), in both tables.
        const foreign = encryptAtRest(KEY_B)
        const seal = (kind: string, method: string, text: string) =>
          foreign.seal(text, `${kind}\u0000${clientId}\u0000${method}`)
        const badShare = seal('custodian', 'GDRIVE-ED25519', 'foreign-share')
        await harness.store.putWebhook({ clientId, backupMethod: 'GDRIVE-ED25519', ...badShare, storedAt: new Date() })
        const badClient = seal('client', 'PASSWORD', 'foreign-ct')
        await harness.store.put({
          clientId,
          backupMethod: 'PASSWORD',
          keyVersion: 'k9',
          ...badClient,
          storedAt: new Date(),
        })
        api.events.length = 0

        const fetched = await postWebhook(api.base, '/webhook/backup/fetch', { clientId })
        expect(fetched.status).toBe(200)
        expect(await fetched.json()).toEqual({ backupShares: ['secp-share'], backupShare: 'secp-share' })
        const latest = await getBackup(api.base, clientId)
        expect(latest.status).toBe(200)
        expect(await latest.json()).toMatchObject({ cipherText: 'good-client-ct', backupMethod: 'GDRIVE' })

        expect(api.events).toContainEqual({ type: 'storage_key_mismatch', clientId, method: 'GDRIVE-ED25519' })
        expect(api.events).toContainEqual({ type: 'storage_key_mismatch', clientId, method: 'PASSWORD' })
        const log = api.logged.join('\n')
        expect(log).toContain(`method GDRIVE-ED25519`)
        expect(log).toContain(keyIdOf(KEY_B))
        expect(log).not.toMatch(/foreign-share|foreign-ct|secp-share|good-client-ct/)
        // Asked for by method, the unreadable row is still an error, not someone else's row.
        expect((await getBackup(api.base, clientId, 'PASSWORD')).status).toBe(500)
      } finally {
        await api.close()
      }
    },
  )
})
