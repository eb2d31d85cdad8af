// The share-server contract (openapi/share-server.yaml) against the bundled server's real answers: every route, every
// documented status, validated by Ajv (JSON Schema 2020-12). The document cannot drift from the code without this
// failing: an undocumented status or body fails a check, a documented status no answer shows fails `unseen`.
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Validator } from '@seriousme/openapi-schema-validator'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { SERVER_ERROR_CODES } from '../../src/core/serverErrorCodes.js'
import type { BackupStore, ServerConfig } from '../../src/server/index.js'
import { createServer, devHeaderAuthenticate, sqliteStore } from '../../src/server/index.js'
import { listenOnLoopback } from './support/http.js'
import { openapiContract, openapiPath } from './support/openapiContract.js'

const SECRET = 'openapi-webhook-secret'
const KEY_A = randomBytes(32)
const KEY_B = randomBytes(32)
const CLIENT = '/clients/{clientId}/backup'
const HOOK = '/webhook/backup'
const FETCH = '/webhook/backup/fetch'

interface Served {
  base: string
  close(): Promise<void>
}

async function serve(store: BackupStore, overrides: Partial<ServerConfig> = {}): Promise<Served> {
  const { app } = createServer({
    store,
    authenticate: devHeaderAuthenticate(),
    webhookSecret: SECRET,
    encryptionKey: KEY_A,
    logger: { error: () => {} },
    ...overrides,
    limits: { rate: false, bodyBytes: 4096, ...overrides.limits },
  })
  const { port, close } = await listenOnLoopback(app)
  return { base: `http://127.0.0.1:${port}/api`, close }
}

const json = { 'content-type': 'application/json' }
const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, {
    method: 'POST',
    headers: { ...json, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
const clientUrl = (base: string, id: string, query = '') => `${base}/clients/${encodeURIComponent(id)}/backup${query}`

describe('openapi/share-server.yaml', () => {
  const contract = openapiContract()
  const dir = mkdtempSync(join(tmpdir(), 'rmb-openapi-'))
  const store = sqliteStore({ filename: join(dir, 'backups.db') })
  const servers: Served[] = []
  let main: Served
  const problems: string[] = []
  const expectConforms = async (method: string, template: string, res: Response, status: number) => {
    expect(res.status, `${method} ${template}`).toBe(status)
    problems.push(...(await contract.check(method, template, res)).map((p) => `${method} ${template} ${status}: ${p}`))
  }

  beforeEach(() => {
    problems.length = 0
  })
  beforeAll(async () => {
    main = await serve(store)
    servers.push(main)
  })
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()))
    await store.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('is a valid OpenAPI 3.1 document (checked by @seriousme/openapi-schema-validator)', async () => {
    const validator = new Validator()
    const result = await validator.validate(openapiPath)
    expect(result).toEqual({ valid: true })
    expect(validator.version).toBe('3.1')
    // The validator is not a rubber stamp: a response without a description is refused.
    const broken = parse(readFileSync(openapiPath, 'utf8'))
    delete broken.paths[CLIENT].get.responses['200'].description
    expect((await new Validator().validate(broken)).valid).toBe(false)
  })

  it('lists exactly the error codes the server answers with', () => {
    expect(contract.doc.components).toBeDefined()
    const documented = (contract.doc.components as { schemas: { ErrorCode: { enum: string[] } } }).schemas.ErrorCode
      .enum
    expect([...documented].sort()).toEqual([...SERVER_ERROR_CODES].sort())
  })

  it('describes the client routes: success, replay, and every client error', async () => {
    const id = `oa-${randomBytes(4).toString('hex')}`
    const me = { 'x-client-id': id }
    const body = {
      backupMethod: 'GDRIVE',
      cipherText: 'c1',
      keyVersion: 1,
      keyFileId: 'file_1',
      walletBackupId: 'bsp_1',
    }

    await expectConforms('GET', CLIENT, await fetch(clientUrl(main.base, id), { headers: me }), 404)
    await expectConforms('POST', CLIENT, await post(clientUrl(main.base, id), body, me), 200)
    const keyed = { ...me, 'idempotency-key': 'k-1' }
    await expectConforms(
      'POST',
      CLIENT,
      await post(clientUrl(main.base, id), { ...body, cipherText: 'c2' }, keyed),
      200,
    )
    const replayed = await post(clientUrl(main.base, id), { ...body, cipherText: 'c2' }, keyed)
    expect(replayed.headers.get('idempotent-replayed')).toBe('true')
    await expectConforms('POST', CLIENT, replayed, 200)
    await expectConforms(
      'POST',
      CLIENT,
      await post(clientUrl(main.base, id), { ...body, cipherText: 'c3' }, keyed),
      422,
    )
    await expectConforms('GET', CLIENT, await fetch(clientUrl(main.base, id), { headers: me }), 200)
    await expectConforms(
      'GET',
      CLIENT,
      await fetch(clientUrl(main.base, id, '?backupMethod=GDRIVE'), { headers: me }),
      200,
    )
    // Legacy body shape.
    await expectConforms('POST', CLIENT, await post(clientUrl(main.base, id), { backupShare: 'legacy' }, me), 200)

    await expectConforms('POST', CLIENT, await post(clientUrl(main.base, id), '{"backupMethod":', me), 400)
    await expectConforms('POST', CLIENT, await post(clientUrl(main.base, id), { cipherText: 5 }, me), 400)
    await expectConforms(
      'POST',
      CLIENT,
      await post(clientUrl(main.base, id), body, { ...me, 'idempotency-key': 'a b' }),
      400,
    )
    await expectConforms(
      'POST',
      CLIENT,
      await post(clientUrl(main.base, 'bad id'), body, { 'x-client-id': 'bad id' }),
      400,
    )
    await expectConforms('POST', CLIENT, await post(`${main.base}/clients/%E0%A4%A/backup`, body, me), 400)
    await expectConforms('POST', CLIENT, await post(clientUrl(main.base, id), body), 401)
    await expectConforms(
      'POST',
      CLIENT,
      await post(clientUrl(main.base, id), body, { 'x-client-id': `${id}-other` }),
      403,
    )
    await expectConforms(
      'POST',
      CLIENT,
      await post(clientUrl(main.base, id), body, { ...me, 'if-match': '"stale"' }),
      412,
    )
    await expectConforms(
      'POST',
      CLIENT,
      await post(clientUrl(main.base, id), { ...body, cipherText: 'x'.repeat(8192) }, me),
      413,
    )
    const plain = await fetch(clientUrl(main.base, id), {
      method: 'POST',
      headers: { 'content-type': 'text/plain', ...me },
      body: JSON.stringify(body),
    })
    await expectConforms('POST', CLIENT, plain, 415)

    await expectConforms(
      'GET',
      CLIENT,
      await fetch(clientUrl(main.base, id, '?backupMethod=no%20way'), { headers: me }),
      400,
    )
    await expectConforms('GET', CLIENT, await fetch(clientUrl(main.base, id)), 401)
    await expectConforms(
      'GET',
      CLIENT,
      await fetch(clientUrl(main.base, id), { headers: { 'x-client-id': 'other' } }),
      403,
    )
    expect(problems).toEqual([])
  })

  it('describes the webhook routes: every method of a client comes back, and every error', async () => {
    const clientId = `oa-hook-${randomBytes(4).toString('hex')}`
    const secret = { 'x-webhook-secret': SECRET }
    for (const backupMethod of ['GDRIVE-SECP256K1', 'GDRIVE-ED25519'])
      await expectConforms(
        'POST',
        HOOK,
        await post(`${main.base}${HOOK}`, { clientId, share: `s-${backupMethod}`, backupMethod }, secret),
        200,
      )
    const fetched = await post(`${main.base}${FETCH}`, { clientId }, secret)
    const copy = fetched.clone()
    await expectConforms('POST', FETCH, fetched, 200)
    expect(((await copy.json()) as { backupShares: string[] }).backupShares.sort()).toEqual([
      's-GDRIVE-ED25519',
      's-GDRIVE-SECP256K1',
    ])
    await expectConforms(
      'POST',
      FETCH,
      await post(`${main.base}${FETCH}`, { clientId: `${clientId}-none` }, secret),
      404,
    )
    for (const path of [HOOK, FETCH]) {
      await expectConforms('POST', path, await post(`${main.base}${path}`, '{', secret), 400)
      await expectConforms('POST', path, await post(`${main.base}${path}`, { clientId: 'bad id!' }, secret), 400)
      await expectConforms('POST', path, await post(`${main.base}${path}`, { clientId, share: 's' }), 401)
      await expectConforms(
        'POST',
        path,
        await post(`${main.base}${path}`, { clientId, share: 'x'.repeat(8192) }, secret),
        413,
      )
    }
    expect(problems).toEqual([])
  })

  it('describes the answers of a limited, fenced, slow or failing server (403, 429, 500, 503)', async () => {
    const id = `oa-lim-${randomBytes(4).toString('hex')}`
    const me = { 'x-client-id': id }
    const body = { backupMethod: 'GDRIVE', cipherText: 'c' }
    const secret = { 'x-webhook-secret': SECRET }

    const limited = await serve(store, {
      limits: { rate: { perMinute: 1, burst: 1 }, webhookFailures: { perMinute: 1, burst: 1 } },
    })
    servers.push(limited)
    await post(clientUrl(limited.base, id), body, me)
    await expectConforms('POST', CLIENT, await post(clientUrl(limited.base, id), body, me), 429)
    await expectConforms('GET', CLIENT, await fetch(clientUrl(limited.base, id), { headers: me }), 429)
    await post(`${limited.base}${HOOK}`, { clientId: id, share: 's' }, { 'x-webhook-secret': 'wrong' })
    await expectConforms('POST', HOOK, await post(`${limited.base}${HOOK}`, { clientId: id, share: 's' }, secret), 429)
    await expectConforms('POST', FETCH, await post(`${limited.base}${FETCH}`, { clientId: id }, secret), 429)

    const fenced = await serve(store, { webhookAllowlist: ['10.9.9.9'] })
    servers.push(fenced)
    await expectConforms('POST', HOOK, await post(`${fenced.base}${HOOK}`, { clientId: id, share: 's' }, secret), 403)
    await expectConforms('POST', FETCH, await post(`${fenced.base}${FETCH}`, { clientId: id }, secret), 403)

    // A database that hangs, then one that fails: faults at the store, the server's edge.
    const wait = () => new Promise((r) => setTimeout(r, 600))
    const hanging: BackupStore = {
      ...store,
      get: (...a) => wait().then(() => store.get(...a)),
      put: (...a) => wait().then(() => store.put(...a)),
      putWebhook: (...a) => wait().then(() => store.putWebhook(...a)),
      listWebhook: (...a) => wait().then(() => store.listWebhook(...a)),
    }
    const slow = await serve(hanging, { limits: { requestDeadlineMs: 150, webhookDeadlineMs: 150 } })
    servers.push(slow)
    await expectConforms('POST', CLIENT, await post(clientUrl(slow.base, id), body, me), 503)
    await expectConforms('GET', CLIENT, await fetch(clientUrl(slow.base, id), { headers: me }), 503)
    await expectConforms('POST', HOOK, await post(`${slow.base}${HOOK}`, { clientId: id, share: 's' }, secret), 503)
    await expectConforms('POST', FETCH, await post(`${slow.base}${FETCH}`, { clientId: id }, secret), 503)

    const down = () => Promise.reject(new Error('connection refused'))
    const failing: BackupStore = { ...store, get: down, put: down, putWebhook: down, listWebhook: down }
    const broken = await serve(failing)
    servers.push(broken)
    await expectConforms('POST', CLIENT, await post(clientUrl(broken.base, id), body, me), 500)
    await expectConforms('GET', CLIENT, await fetch(clientUrl(broken.base, id), { headers: me }), 500)
    await expectConforms('POST', HOOK, await post(`${broken.base}${HOOK}`, { clientId: id, share: 's' }, secret), 500)
    await expectConforms('POST', FETCH, await post(`${broken.base}${FETCH}`, { clientId: id }, secret), 500)

    // Rows that the configured key does not open: storage_key_mismatch, a 500 of its own code.
    await post(`${main.base}${HOOK}`, { clientId: id, share: 's' }, secret)
    const otherKey = await serve(store, { encryptionKey: KEY_B })
    servers.push(otherKey)
    const mismatch = await fetch(clientUrl(otherKey.base, id), { headers: me })
    expect(((await mismatch.clone().json()) as { error: { code: string } }).error.code).toBe('storage_key_mismatch')
    await expectConforms('GET', CLIENT, mismatch, 500)
    await expectConforms('POST', FETCH, await post(`${otherKey.base}${FETCH}`, { clientId: id }, secret), 500)
    expect(problems).toEqual([])
  })

  it('answers a path it does not serve with a 404 that is not "no backup yet"', async () => {
    const unknown = await fetch(`${main.base}/clients/x/backups`, { headers: { 'x-client-id': 'x' } })
    problems.push(...(await contract.checkUnknownRoute(unknown)))
    expect(problems).toEqual([])
  })

  it('has shown every documented status of every route', () => {
    expect(contract.unseen()).toEqual([])
  })
})
