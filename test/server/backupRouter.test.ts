import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import { postgresSkipReason, storeCases } from './support/stores.js'
import type { StoreHarness } from './support/stores.js'
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
import type { TestApi } from './support/http.js'
import { HOSTS } from './support/hosts.js'
import { serveRouterOn } from './support/serveRouterOn.js'
import { keyIdOf } from '../../src/server/index.js'

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/

// Every case runs through each host adapter (express, the web-standard handler, node:http): one table of cases.
describe.each(HOSTS)('backup router through $name', (host) => {
  describe.each(storeCases)('on $name', (storeCase) => {
    if (storeCase.skip) console.warn(`backup router through ${host.name} on ${storeCase.name}: ${postgresSkipReason}`)

    describe.skipIf(storeCase.skip)('endpoints', () => {
      let harness: StoreHarness
      let api: TestApi

      beforeAll(async () => {
        const served = await serveRouterOn(storeCase, {}, host)
        ;({ harness, api } = served)
        return served.close
      })

      describe('client backup', () => {
        it('stores a cipherText and serves it back to its owner with method, key version and ISO storedAt', async () => {
          const clientId = uniqueClient()
          const post = await postBackup(api.base, clientId, {
            backupMethod: 'GDRIVE',
            cipherText: 'ct-one',
            keyVersion: 3,
          })
          expect(post.status).toBe(200)
          const stored = (await post.json()) as Record<string, unknown>
          expect(stored).toEqual({ backupMethod: 'GDRIVE', storedAt: expect.stringMatching(ISO) })

          const get = await getBackup(api.base, clientId, 'GDRIVE')
          expect(get.status).toBe(200)
          expect(get.headers.get('cache-control')).toBe('no-store')
          expect(await get.json()).toEqual({
            cipherText: 'ct-one',
            backupMethod: 'GDRIVE',
            keyVersion: 3,
            storedAt: stored.storedAt,
          })
        })

        it('never echoes the cipherText in the POST answer', async () => {
          const clientId = uniqueClient()
          const post = await postBackup(api.base, clientId, { backupMethod: 'PASSWORD', cipherText: 'do-not-echo-me' })
          expect(await post.text()).not.toContain('do-not-echo-me')
        })

        it('replaces the previous backup of the same method and keeps other methods', async () => {
          const clientId = uniqueClient()
          await postBackup(api.base, clientId, { backupMethod: 'GDRIVE', cipherText: 'old', keyVersion: 'v1' })
          await postBackup(api.base, clientId, { backupMethod: 'PASSWORD', cipherText: 'pw' })
          await postBackup(api.base, clientId, { backupMethod: 'GDRIVE', cipherText: 'new', keyVersion: 'v2' })

          const gdrive = (await (await getBackup(api.base, clientId, 'GDRIVE')).json()) as Record<string, unknown>
          expect(gdrive).toMatchObject({ cipherText: 'new', keyVersion: 'v2' })
          expect(await (await getBackup(api.base, clientId, 'PASSWORD')).json()).toMatchObject({
            cipherText: 'pw',
            keyVersion: null,
          })
          expect((await harness.store.list({ clientId })).map((r) => r.backupMethod).sort()).toEqual([
            'GDRIVE',
            'PASSWORD',
          ])
        })

        it('serves the most recently stored method when no method is asked for', async () => {
          const clientId = uniqueClient()
          await postBackup(api.base, clientId, { backupMethod: 'GDRIVE', cipherText: 'a' })
          await postBackup(api.base, clientId, { backupMethod: 'PASSKEY', cipherText: 'b' })
          expect(await (await getBackup(api.base, clientId)).json()).toMatchObject({
            backupMethod: 'PASSKEY',
            cipherText: 'b',
          })
          await postBackup(api.base, clientId, { backupMethod: 'GDRIVE', cipherText: 'c' })
          expect(await (await getBackup(api.base, clientId)).json()).toMatchObject({
            backupMethod: 'GDRIVE',
            cipherText: 'c',
          })
        })

        it('accepts the legacy { backupShare } body under the UNKNOWN method', async () => {
          const clientId = uniqueClient()
          const post = await postBackup(api.base, clientId, { backupShare: 'legacy-share' })
          expect(post.status).toBe(200)
          expect(await post.json()).toMatchObject({ backupMethod: 'UNKNOWN' })
          expect(await (await getBackup(api.base, clientId)).json()).toMatchObject({
            cipherText: 'legacy-share',
            backupMethod: 'UNKNOWN',
          })
        })

        it('stores the Drive key file id beside the key version and returns it; rows without one answer without it', async () => {
          const clientId = uniqueClient()
          const fileId = '1AbC_def-GhI0123456789jklMNOpqrsTU'
          await postBackup(api.base, clientId, {
            backupMethod: 'GDRIVE',
            cipherText: 'ct',
            keyVersion: 'v1',
            keyFileId: fileId,
          })
          expect(await (await getBackup(api.base, clientId, 'GDRIVE')).json()).toMatchObject({
            keyVersion: 'v1',
            keyFileId: fileId,
          })
          await postBackup(api.base, clientId, { backupMethod: 'GDRIVE', cipherText: 'ct2', keyVersion: 'v2' })
          expect(await (await getBackup(api.base, clientId, 'GDRIVE')).json()).not.toHaveProperty('keyFileId')
          for (const bad of ['', 'a/b', 'x'.repeat(257), 42]) {
            const res = await postBackup(api.base, clientId, {
              backupMethod: 'GDRIVE',
              cipherText: 'ct3',
              keyFileId: bad,
            })
            expect([res.status, ((await res.json()) as { error: { code: string } }).error.code]).toEqual([
              400,
              'invalid_body',
            ])
          }
        })

        it('stores the Google account that holds the key and returns it; rows without one answer without it; bad ones are 400', async () => {
          const clientId = uniqueClient()
          const googleAccount = { permissionId: '01234567890123456789', email: 'alice@example.com' }
          await postBackup(api.base, clientId, {
            backupMethod: 'GDRIVE',
            cipherText: 'ct',
            keyVersion: 'v1',
            googleAccount,
          })
          expect(await (await getBackup(api.base, clientId, 'GDRIVE')).json()).toMatchObject({
            keyVersion: 'v1',
            googleAccount,
          })
          await postBackup(api.base, clientId, { backupMethod: 'GDRIVE', cipherText: 'ct2', keyVersion: 'v2' })
          expect(await (await getBackup(api.base, clientId, 'GDRIVE')).json()).not.toHaveProperty('googleAccount')
          for (const bad of [
            {},
            { permissionId: '1' },
            { permissionId: 'a b', email: 'a@b' },
            { permissionId: '1', email: 'no-at' },
            'a@b',
          ]) {
            const res = await postBackup(api.base, clientId, {
              backupMethod: 'GDRIVE',
              cipherText: 'ct3',
              googleAccount: bad,
            })
            expect([res.status, ((await res.json()) as { error: { code: string } }).error.code]).toEqual([
              400,
              'invalid_body',
            ])
          }
        })

        it('stores the id of the wallet backup the record describes and returns it; rows without one answer without it; bad ones are 400', async () => {
          const clientId = uniqueClient()
          const walletBackupId = 'clx7backup_01:SECP256K1-2'
          // As the kit writes it: the record first, then the same record naming the id, conditional on that revision.
          const first = await postBackup(api.base, clientId, {
            backupMethod: 'PASSWORD',
            cipherText: 'ct',
            keyVersion: 'v1',
          })
          const named = await postBackup(
            api.base,
            clientId,
            { backupMethod: 'PASSWORD', cipherText: 'ct', keyVersion: 'v1', walletBackupId },
            { 'if-match': first.headers.get('etag')! },
          )
          expect(named.status).toBe(200)
          expect(await (await getBackup(api.base, clientId, 'PASSWORD')).json()).toMatchObject({
            keyVersion: 'v1',
            walletBackupId,
          })
          // A kit that names no id (an older one, or a failed read of the wallet) replaces the row and the id with it.
          await postBackup(api.base, clientId, { backupMethod: 'PASSWORD', cipherText: 'ct2', keyVersion: 'v2' })
          expect(await (await getBackup(api.base, clientId, 'PASSWORD')).json()).not.toHaveProperty('walletBackupId')
          for (const bad of ['', 'a b', 'x'.repeat(257), 42, { id: 'x' }]) {
            const res = await postBackup(api.base, clientId, {
              backupMethod: 'PASSWORD',
              cipherText: 'ct3',
              walletBackupId: bad,
            })
            expect([res.status, ((await res.json()) as { error: { code: string } }).error.code]).toEqual([
              400,
              'invalid_body',
            ])
          }
          expect(await (await getBackup(api.base, clientId, 'PASSWORD')).json()).toMatchObject({ cipherText: 'ct2' })
        })

        it('answers 404 backup_not_found when the client has no backup, or none for that method', async () => {
          const clientId = uniqueClient()
          const none = await getBackup(api.base, clientId)
          expect(none.status).toBe(404)
          expect(await none.json()).toEqual({ error: { code: 'backup_not_found' } })
          await postBackup(api.base, clientId, { backupMethod: 'GDRIVE', cipherText: 'x' })
          expect((await getBackup(api.base, clientId, 'PASSWORD')).status).toBe(404)
        })

        it('answers 401 unauthorized when authenticate resolves no caller', async () => {
          const clientId = uniqueClient()
          const post = await fetch(`${api.base}/clients/${clientId}/backup`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ backupMethod: 'GDRIVE', cipherText: 'x' }),
          })
          expect(post.status).toBe(401)
          expect(await post.json()).toEqual({ error: { code: 'unauthorized' } })
          expect((await fetch(`${api.base}/clients/${clientId}/backup`)).status).toBe(401)
        })

        it("answers 403 forbidden for another client's id, for both reading and writing", async () => {
          const owner = uniqueClient('owner')
          const intruder = uniqueClient('intruder')
          await postBackup(api.base, owner, { backupMethod: 'GDRIVE', cipherText: 'owners-secret' })

          const read = await getBackup(api.base, owner, undefined, intruder)
          expect(read.status).toBe(403)
          expect(await read.text()).not.toContain('owners-secret')
          const write = await postBackup(
            api.base,
            owner,
            { backupMethod: 'GDRIVE', cipherText: 'evil' },
            { 'x-client-id': intruder },
          )
          expect(write.status).toBe(403)
          expect(await (await getBackup(api.base, owner)).json()).toMatchObject({ cipherText: 'owners-secret' })
        })

        it('answers 413 payload_too_large above the 64 kB default body limit', async () => {
          const clientId = uniqueClient()
          const res = await postBackup(api.base, clientId, {
            backupMethod: 'GDRIVE',
            cipherText: 'x'.repeat(70 * 1024),
          })
          expect(res.status).toBe(413)
          expect(await res.json()).toEqual({ error: { code: 'payload_too_large' } })
          expect((await getBackup(api.base, clientId)).status).toBe(404)
        })

        it('answers 400 invalid_json for malformed JSON and 415 for a non-JSON content type', async () => {
          const clientId = uniqueClient()
          const bad = await postBackup(api.base, clientId, '{"backupMethod": "GDRIVE", ')
          expect(bad.status).toBe(400)
          expect(await bad.json()).toEqual({ error: { code: 'invalid_json' } })

          const text = await fetch(`${api.base}/clients/${clientId}/backup`, {
            method: 'POST',
            headers: { 'content-type': 'text/plain', 'x-client-id': clientId },
            body: JSON.stringify({ backupMethod: 'GDRIVE', cipherText: 'x' }),
          })
          expect(text.status).toBe(415)
          expect(await text.json()).toEqual({ error: { code: 'unsupported_media_type' } })
        })

        it('refuses a key version the client could not read back (a dot, a slash, over 64 characters): 400, nothing stored', async () => {
          const clientId = uniqueClient()
          for (const keyVersion of ['x.vip', '../x', 'a b', 'v'.repeat(65)]) {
            const res = await postBackup(api.base, clientId, { backupMethod: 'GDRIVE', cipherText: 'ct', keyVersion })
            expect(res.status, keyVersion).toBe(400)
            expect(await res.json()).toMatchObject({ error: { code: 'invalid_body' } })
          }
          expect(await harness.store.list({ clientId })).toEqual([])
        })

        it('names the invalid fields but never echoes their values', async () => {
          const clientId = uniqueClient()
          const res = await postBackup(api.base, clientId, { backupMethod: 'bad method!', cipherText: 'secret-value' })
          expect(res.status).toBe(400)
          const text = await res.text()
          expect(JSON.parse(text)).toMatchObject({ error: { code: 'invalid_body' } })
          expect(text).not.toContain('secret-value')
          expect(text).not.toContain('bad method!')
        })

        it('answers 400 with a stable code, never 500, for 200+ generated malformed bodies', async () => {
          const clientId = uniqueClient('fuzz')
          const method = /^[A-Za-z0-9._:-]{1,64}$/
          const isValid = (value: unknown): boolean => {
            if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
            const v = value as Record<string, unknown>
            const kv = v.keyVersion
            const kvOk =
              kv === undefined ||
              kv === null ||
              (typeof kv === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(kv)) ||
              (typeof kv === 'number' && Number.isSafeInteger(kv) && kv >= 0)
            if (!kvOk) return false
            if (
              typeof v.backupMethod === 'string' &&
              method.test(v.backupMethod) &&
              typeof v.cipherText === 'string' &&
              v.cipherText !== ''
            )
              return true
            const legacyMethodOk =
              v.backupMethod === undefined ||
              v.backupMethod === null ||
              (typeof v.backupMethod === 'string' && method.test(v.backupMethod))
            return typeof v.backupShare === 'string' && v.backupShare !== '' && legacyMethodOk
          }
          const parsesValid = (raw: string) => {
            try {
              return isValid(JSON.parse(raw))
            } catch {
              return false
            }
          }
          const field = fc.oneof(
            fc.string(),
            fc.integer(),
            fc.double(),
            fc.boolean(),
            fc.constant(null),
            fc.array(fc.string()),
            fc.object(),
          )
          const body = fc
            .oneof(
              // Broken JSON text.
              fc.string({ maxLength: 80 }),
              fc.jsonValue().map((v) => JSON.stringify(v).slice(0, -1)),
              // Well-formed JSON of the wrong shape.
              fc.jsonValue().map((v) => JSON.stringify(v)),
              fc
                .record({ backupMethod: field, cipherText: field, keyVersion: field }, { requiredKeys: [] })
                .map((v) => JSON.stringify(v)),
              fc
                .record({ backupShare: field, backupMethod: field }, { requiredKeys: [] })
                .map((v) => JSON.stringify(v)),
            )
            .filter((raw) => !parsesValid(raw))

          let runs = 0
          await fc.assert(
            fc.asyncProperty(body, async (raw) => {
              runs++
              const res = await postBackup(api.base, clientId, raw)
              const payload = (await res.json()) as { error?: { code?: string } }
              expect(res.status).toBe(400)
              expect(['invalid_json', 'invalid_body']).toContain(payload.error?.code)
            }),
            { numRuns: 220 },
          )
          expect(runs).toBeGreaterThanOrEqual(200)
          expect(await harness.store.list({ clientId })).toEqual([])
        })

        it('replays the first answer for a repeated Idempotency-Key and stores once', async () => {
          const clientId = uniqueClient()
          const body = { backupMethod: 'GDRIVE', cipherText: 'idem-ct', keyVersion: 1 }
          const first = await postBackup(api.base, clientId, body, { 'idempotency-key': 'key-1' })
          const firstBody = await first.json()
          await new Promise((r) => setTimeout(r, 5))
          const second = await postBackup(api.base, clientId, body, { 'idempotency-key': 'key-1' })
          expect(second.status).toBe(200)
          expect(second.headers.get('idempotent-replayed')).toBe('true')
          expect(await second.json()).toEqual(firstBody)

          const rows = await harness.store.list({ clientId })
          expect(rows).toHaveLength(1)
          expect(rows[0]?.storedAt.toISOString()).toBe((firstBody as { storedAt: string }).storedAt)
          expect(api.events.filter((e) => e.type === 'backup.stored' && e.clientId === clientId)).toHaveLength(1)
        })

        it('stores once when the same Idempotency-Key arrives concurrently', async () => {
          const clientId = uniqueClient()
          const body = { backupMethod: 'GDRIVE', cipherText: 'race-ct' }
          const answers = await Promise.all(
            Array.from({ length: 10 }, () =>
              postBackup(api.base, clientId, body, { 'idempotency-key': 'race' }).then((r) => r.json()),
            ),
          )
          expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1)
          expect(api.events.filter((e) => e.type === 'backup.stored' && e.clientId === clientId)).toHaveLength(1)
        })

        it('refuses an Idempotency-Key reused for a different body with 422 and keeps the first backup', async () => {
          const clientId = uniqueClient()
          await postBackup(
            api.base,
            clientId,
            { backupMethod: 'GDRIVE', cipherText: 'first' },
            { 'idempotency-key': 'k' },
          )
          const reuse = await postBackup(
            api.base,
            clientId,
            { backupMethod: 'GDRIVE', cipherText: 'second' },
            { 'idempotency-key': 'k' },
          )
          expect(reuse.status).toBe(422)
          expect(await reuse.json()).toEqual({ error: { code: 'idempotency_key_reused' } })
          expect(await (await getBackup(api.base, clientId)).json()).toMatchObject({ cipherText: 'first' })
        })

        it("keeps Idempotency-Keys per client: another client's identical key is a new request", async () => {
          const a = uniqueClient()
          const b = uniqueClient()
          await postBackup(api.base, a, { backupMethod: 'GDRIVE', cipherText: 'a-ct' }, { 'idempotency-key': 'shared' })
          const res = await postBackup(
            api.base,
            b,
            { backupMethod: 'GDRIVE', cipherText: 'b-ct' },
            { 'idempotency-key': 'shared' },
          )
          expect(res.headers.get('idempotent-replayed')).toBeNull()
          expect(await (await getBackup(api.base, b)).json()).toMatchObject({ cipherText: 'b-ct' })
        })
      })

      describe('custodian webhook', () => {
        it('stores a share with 200 and fetch returns it as backupShares and backupShare', async () => {
          const clientId = uniqueClient()
          const share = JSON.stringify({ share: 'custodian-1', id: 'x' })
          const stored = await postWebhook(api.base, '/webhook/backup', {
            clientId,
            share,
            backupMethod: 'GDRIVE-SECP256K1',
          })
          expect(stored.status).toBe(200)
          const fetched = await postWebhook(api.base, '/webhook/backup/fetch', { clientId })
          expect(fetched.status).toBe(200)
          expect(await fetched.json()).toEqual({ backupShares: [share], backupShare: share })
        })

        it('keeps every method, replaces the same method, and lists the latest first', async () => {
          const clientId = uniqueClient()
          // Portal's docs: answer 200; with multi-curve methods both shares must be kept and returned.
          const statuses = [
            (
              await postWebhook(api.base, '/webhook/backup', {
                clientId,
                share: 's-secp-old',
                backupMethod: 'GDRIVE-SECP256K1',
              })
            ).status,
            (
              await postWebhook(api.base, '/webhook/backup', {
                clientId,
                share: 's-ed',
                backupMethod: 'GDRIVE-ED25519',
              })
            ).status,
            (
              await postWebhook(api.base, '/webhook/backup', {
                clientId,
                share: 's-secp-new',
                backupMethod: 'GDRIVE-SECP256K1',
              })
            ).status,
          ]
          expect(statuses).toEqual([200, 200, 200])
          const body = (await (await postWebhook(api.base, '/webhook/backup/fetch', { clientId })).json()) as {
            backupShares: string[]
            backupShare: string
          }
          expect(body.backupShares).toEqual(['s-secp-new', 's-ed'])
          expect(body.backupShare).toBe('s-secp-new')
        })

        it('stores a share without backupMethod under UNKNOWN', async () => {
          const clientId = uniqueClient()
          expect((await postWebhook(api.base, '/webhook/backup', { clientId, share: 'legacy' })).status).toBe(200)
          const rows = await harness.store.listWebhook({ clientId })
          expect(rows.map((r) => r.backupMethod)).toEqual(['UNKNOWN'])
        })

        it('answers 401 without the secret, with a wrong one, or with one of another length, and stores nothing', async () => {
          const clientId = uniqueClient()
          for (const secret of [null, 'wrong-secret-of-other-length', WEBHOOK_SECRET.replace(/.$/, '!'), '']) {
            const res = await postWebhook(api.base, '/webhook/backup', { clientId, share: 's' }, secret)
            expect(res.status).toBe(401)
            expect(await res.json()).toEqual({ error: { code: 'unauthorized' } })
            expect((await postWebhook(api.base, '/webhook/backup/fetch', { clientId }, secret)).status).toBe(401)
          }
          expect(await harness.store.listWebhook({ clientId })).toEqual([])
        })

        it('answers 404 not_found from fetch when the client has no custodian share', async () => {
          const res = await postWebhook(api.base, '/webhook/backup/fetch', { clientId: uniqueClient() })
          expect(res.status).toBe(404)
          expect(await res.json()).toEqual({ error: { code: 'not_found' } })
        })

        it('answers 400 for webhook bodies with missing or mistyped fields', async () => {
          for (const body of [
            {},
            { clientId: 'c' },
            { clientId: 'c', share: 42 },
            { share: 's' },
            [],
            '{"clientId":',
          ]) {
            const res = await postWebhook(api.base, '/webhook/backup', body)
            expect(res.status).toBe(400)
            expect(['invalid_json', 'invalid_body']).toContain(
              ((await res.json()) as { error: { code: string } }).error.code,
            )
          }
        })

        it('answers 400 with a stable code, never 500, for generated malformed webhook bodies', async () => {
          const field = fc.oneof(fc.string(), fc.integer(), fc.constant(null), fc.object(), fc.array(fc.integer()))
          const body = fc
            .oneof(
              fc.string({ maxLength: 60 }),
              fc.jsonValue().map((v) => JSON.stringify(v)),
              fc
                .record({ clientId: field, share: field, backupMethod: field }, { requiredKeys: [] })
                .map((v) => JSON.stringify(v)),
            )
            .filter((raw) => {
              try {
                const v = JSON.parse(raw) as Record<string, unknown>
                return !(
                  typeof v?.clientId === 'string' &&
                  /^[A-Za-z0-9._:@|-]{1,200}$/.test(v.clientId) &&
                  typeof v.share === 'string' &&
                  v.share !== '' &&
                  (v.backupMethod == null ||
                    (typeof v.backupMethod === 'string' && /^[A-Za-z0-9._:-]{1,64}$/.test(v.backupMethod)))
                )
              } catch {
                return true
              }
            })
          await fc.assert(
            fc.asyncProperty(body, async (raw) => {
              const res = await postWebhook(api.base, '/webhook/backup', raw)
              expect(res.status).toBe(400)
              expect(['invalid_json', 'invalid_body']).toContain(
                ((await res.json()) as { error: { code: string } }).error.code,
              )
            }),
            { numRuns: 100 },
          )
        })

        it('refuses callers outside the IP allowlist with 403 even with the right secret', async () => {
          const guarded = await serveRouter(harness.store, { webhookAllowlist: ['10.0.0.0/8', '2001:db8::/32'] }, host)
          const open = await serveRouter(harness.store, { webhookAllowlist: ['127.0.0.1'] }, host)
          try {
            const clientId = uniqueClient()
            const denied = await postWebhook(guarded.base, '/webhook/backup', { clientId, share: 's' })
            expect(denied.status).toBe(403)
            expect(await denied.json()).toEqual({ error: { code: 'forbidden' } })
            expect((await postWebhook(open.base, '/webhook/backup', { clientId, share: 's' })).status).toBe(200)
          } finally {
            await guarded.close()
            await open.close()
          }
        })
      })

      describe('at rest', () => {
        it('keeps no plaintext cipherText or custodian share in the raw storage', async () => {
          const clientId = uniqueClient()
          const clientMarker = `PLAINTEXT-CLIENT-${clientId}`
          const shareMarker = `PLAINTEXT-SHARE-${clientId}`
          await postBackup(api.base, clientId, { backupMethod: 'GDRIVE', cipherText: clientMarker })
          await postWebhook(api.base, '/webhook/backup', { clientId, share: shareMarker, backupMethod: 'GDRIVE' })
          const raw = await harness.rawBytes()
          // The harness must really see the rows: the client id is stored in clear.
          expect(raw.includes(Buffer.from(clientId))).toBe(true)
          expect(raw.includes(Buffer.from(clientMarker))).toBe(false)
          expect(raw.includes(Buffer.from(shareMarker))).toBe(false)
        })

        it('fails with 500 storage_key_mismatch, logging no secret, when the key does not match', async () => {
          const clientId = uniqueClient()
          await postBackup(api.base, clientId, { backupMethod: 'GDRIVE', cipherText: 'sealed-with-a' })
          await postWebhook(api.base, '/webhook/backup', { clientId, share: 'share-with-a' })
          const wrongKey = await serveRouter(
            harness.store,
            {
              encryptionKey: { current: 'default', keys: { default: KEY_B } },
            },
            host,
          )
          try {
            const res = await getBackup(wrongKey.base, clientId)
            expect(res.status).toBe(500)
            const text = await res.text()
            expect(JSON.parse(text)).toEqual({ error: { code: 'storage_key_mismatch' } })
            expect(text).not.toContain('sealed-with-a')
            const fetched = await postWebhook(wrongKey.base, '/webhook/backup/fetch', { clientId })
            expect(fetched.status).toBe(500)
            expect(wrongKey.logged.join('\n')).toMatch(/storage_key_mismatch/)
            expect(wrongKey.logged.join('\n')).not.toMatch(/sealed-with-a|share-with-a|at\s+\S+\s+\(/)
            expect(wrongKey.events).toContainEqual({ type: 'storage_key_mismatch', clientId, method: 'GDRIVE' })
          } finally {
            await wrongKey.close()
          }
        })

        it('fails with storage_key_mismatch when the row was sealed with a key id that is not configured', async () => {
          const clientId = uniqueClient()
          await postBackup(api.base, clientId, { backupMethod: 'GDRIVE', cipherText: 'x' })
          const other = await serveRouter(
            harness.store,
            { encryptionKey: { current: 'k9', keys: { k9: KEY_B } } },
            host,
          )
          try {
            expect(await (await getBackup(other.base, clientId)).json()).toEqual({
              error: { code: 'storage_key_mismatch' },
            })
          } finally {
            await other.close()
          }
        })

        it('reads rows sealed with an older key after rotation and seals new rows with the current key', async () => {
          const clientId = uniqueClient()
          await postBackup(api.base, clientId, { backupMethod: 'GDRIVE', cipherText: 'before-rotation' })
          const rotated = await serveRouter(
            harness.store,
            {
              encryptionKey: { current: 'k2', keys: { default: KEY_A, k2: KEY_B } },
            },
            host,
          )
          try {
            expect(await (await getBackup(rotated.base, clientId)).json()).toMatchObject({
              cipherText: 'before-rotation',
            })
            await postBackup(rotated.base, clientId, { backupMethod: 'PASSWORD', cipherText: 'after-rotation' })
            const rows = await harness.store.list({ clientId })
            expect(Object.fromEntries(rows.map((r) => [r.backupMethod, r.keyId]))).toEqual({
              GDRIVE: keyIdOf(KEY_A),
              PASSWORD: 'k2',
            })
            expect(await (await getBackup(rotated.base, clientId, 'PASSWORD')).json()).toMatchObject({
              cipherText: 'after-rotation',
            })
          } finally {
            await rotated.close()
          }
        })

        it("refuses to serve a row copied under another client's id (AAD binds client and method)", async () => {
          const victim = uniqueClient('victim')
          const thief = uniqueClient('thief')
          await postBackup(api.base, victim, { backupMethod: 'GDRIVE', cipherText: 'victims-ct' })
          const row = (await harness.store.get(victim, 'GDRIVE'))!
          await harness.store.put({ ...row, clientId: thief })
          await harness.store.put({ ...row, backupMethod: 'PASSWORD' })
          expect(await (await getBackup(api.base, thief)).json()).toEqual({ error: { code: 'storage_key_mismatch' } })
          expect((await getBackup(api.base, victim, 'PASSWORD')).status).toBe(500)
        })
      })

      it('reports events as { type, clientId, method } only, never a share', async () => {
        const clientId = uniqueClient()
        api.events.length = 0
        await postBackup(api.base, clientId, { backupMethod: 'GDRIVE', cipherText: 'event-secret' })
        await getBackup(api.base, clientId)
        await postWebhook(api.base, '/webhook/backup', { clientId, share: 'event-share', backupMethod: 'GDRIVE' })
        await postWebhook(api.base, '/webhook/backup/fetch', { clientId })
        expect(api.events.map((e) => e.type)).toEqual([
          'backup.stored',
          'backup.read',
          'webhook.stored',
          'webhook.fetched',
        ])
        for (const event of api.events) expect(Object.keys(event).sort()).toEqual(['clientId', 'method', 'type'])
        expect(JSON.stringify(api.events)).not.toMatch(/event-secret|event-share/)
      })
    })
  })
})
