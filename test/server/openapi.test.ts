// The share-server contract (openapi/share-server.yaml) and the bundled server's own routes (openapi/operator.yaml)
// against the bundled server's real answers, on SQLite and PostgreSQL: every route, every documented status (the
// answers node:http writes itself included: 400, 408, 431), validated by Ajv (JSON Schema 2020-12). The documents
// cannot drift from the code without this failing: an undocumented status or body fails a check, a documented status
// no answer shows fails `unseen`. The contract's routes are checked the same way through every host adapter (express,
// the web-standard handler, node:http): every status the kit itself answers.
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { connect } from 'node:net'
import { Validator } from '@seriousme/openapi-schema-validator'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { SERVER_ERROR_CODES } from '../../src/core/errors/serverErrorCodes.js'
import type { BackupStore, ServerConfig } from '../../src/server/index.js'
import { devHeaderAuthenticate, jwtAuthenticate, mintClientToken, startServer } from '../../src/server/index.js'
import { HOSTS } from './support/hosts.js'
import type { HostCase } from './support/hosts.js'
import { openapiContract, openapiPath, operatorOpenapiPath } from './support/openapiContract.js'
import { postgresSkipReason, storeCases } from './support/stores.js'
import type { StoreHarness } from './support/stores.js'

const SECRET = 'openapi-webhook-secret'
const METRICS_TOKEN = `metrics-${randomBytes(12).toString('hex')}`
const APP_ORIGIN = 'http://app.example'
const KEY_A = randomBytes(32)
const KEY_B = randomBytes(32)
const CLIENT = '/clients/{clientId}/backup'
const HOOK = '/webhook/backup'
const FETCH = '/webhook/backup/fetch'

interface Served {
  /** The server's root (operator routes); `base` is where the contract's routes are mounted. */
  url: string
  base: string
  port: number
  close(): Promise<void>
}

/** The bundled server as it runs (startServer: node:http with its timeouts and header limit), on a loopback port. */
async function serve(
  store: BackupStore,
  overrides: Partial<ServerConfig> = {},
  { metrics = true }: { metrics?: boolean } = {},
): Promise<Served> {
  const running = await startServer({
    // The suite's store outlives every server of it.
    store: { ...store, close: async () => {} },
    authenticate: devHeaderAuthenticate(),
    webhookSecret: SECRET,
    encryptionKey: KEY_A,
    logger: { error: () => {} },
    ...(metrics ? { metricsToken: METRICS_TOKEN } : {}),
    devInspector: true,
    corsOrigins: [APP_ORIGIN],
    port: 0,
    // Some servers of the suite hold a key that opens none of the rows, on purpose.
    checkEncryptionKey: false,
    ...overrides,
    limits: { rate: false, bodyBytes: 4096, ...overrides.limits },
  })
  return { url: running.url, base: `${running.url}/api`, port: running.port, close: () => running.close(0) }
}

type Serve = typeof serve

/** The kit's routes alone, through one host adapter, with the bundled server's options for them. */
const serveThrough =
  (host: HostCase): Serve =>
  async (store, overrides = {}) => {
    const hosted = await host.serve({
      store,
      authenticate: devHeaderAuthenticate(),
      webhookSecret: SECRET,
      encryptionKey: KEY_A,
      logger: { error: () => {} },
      // Some servers of the suite hold a key that opens none of the rows, on purpose.
      checkEncryptionKey: false,
      ...overrides,
      limits: { rate: false, bodyBytes: 4096, ...overrides.limits },
    })
    return { url: hosted.base.replace(/\/api$/, ''), base: hosted.base, port: hosted.port, close: hosted.close }
  }

/**
 * Where the answers come from: the bundled server (its own routes and node:http's answers too), and each host
 * adapter (the contract's routes; what node:http answers on its own, 408 and 431, is the app's server there).
 */
const SERVED: Array<{ name: string; bundled: boolean; serve: Serve }> = [
  { name: 'the bundled server', bundled: true, serve },
  ...HOSTS.map((host) => ({ name: `the ${host.name} adapter`, bundled: false, serve: serveThrough(host) })),
]
/** Statuses of the contract's routes that only the bundled server's node:http settings produce. */
const NODE_HTTP_ONLY = / (408|431)$/
const isContractRoute = (key: string) => /^(GET|POST) \/(clients|webhook)\//.test(key) || key === 'unknown route 404'

/**
 * One request written to the socket as it is (what fetch would refuse to send: a stalled body, oversized or broken
 * headers), and the answer read to the connection's end, as a fetch Response for the contract checker.
 */
function rawRequest(port: number, text: string): Promise<Response> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    const socket = connect(port, '127.0.0.1', () => socket.write(text))
    socket.on('data', (chunk: Buffer) => chunks.push(chunk))
    // The server may close while the client still writes: what it answered before counts.
    socket.on('error', () => {})
    socket.on('close', () => {
      const raw = Buffer.concat(chunks).toString('latin1')
      const split = raw.indexOf('\r\n\r\n')
      if (split < 0) return reject(new Error(`no HTTP answer: ${JSON.stringify(raw.slice(0, 200))}`))
      const [statusLine, ...lines] = raw.slice(0, split).split('\r\n')
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(statusLine ?? '')?.[1])
      const headers = new Headers()
      for (const line of lines) {
        const colon = line.indexOf(':')
        headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim())
      }
      resolve(new Response(Buffer.from(raw.slice(split + 4), 'latin1'), { status, headers }))
    })
  })
}

const json = { 'content-type': 'application/json' }
const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, {
    method: 'POST',
    headers: { ...json, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
const clientUrl = (base: string, id: string, query = '') => `${base}/clients/${encodeURIComponent(id)}/backup${query}`

const HEALTHZ = '/healthz'
const METRICS = '/metrics'
const HEALTH = '/api/health'
const DEV_ROWS = '/api/dev/rows'

describe('the OpenAPI documents', () => {
  it('are valid OpenAPI 3.1 documents (checked by @seriousme/openapi-schema-validator)', async () => {
    for (const path of [openapiPath, operatorOpenapiPath]) {
      const validator = new Validator()
      const result = await validator.validate(path)
      expect([path, result]).toEqual([path, { valid: true }])
      expect(validator.version).toBe('3.1')
    }
    // The validator is not a rubber stamp: a response without a description is refused.
    const broken = parse(readFileSync(openapiPath, 'utf8'))
    delete broken.paths[CLIENT].get.responses['200'].description
    expect((await new Validator().validate(broken)).valid).toBe(false)
  })

  it('list exactly the error codes the server answers with', () => {
    const documented = (openapiContract().doc.components as { schemas: { ErrorCode: { enum: string[] } } }).schemas
      .ErrorCode.enum
    expect([...documented].sort()).toEqual([...SERVER_ERROR_CODES].sort())
  })
})

describe.each(storeCases)('every route and status, against the documents, on $name', (storeCase) => {
  if (storeCase.skip) console.warn(`openapi on ${storeCase.name}: ${postgresSkipReason}`)

  describe.each(SERVED)('of $name', ({ bundled, serve }) => {
    describe.skipIf(storeCase.skip)('answers', () => {
      const contract = openapiContract()
      const servers: Served[] = []
      let harness: StoreHarness
      let store: BackupStore
      let main: Served
      const problems: string[] = []
      const expectConforms = async (method: string, template: string, res: Response, status: number) => {
        const text = await res.clone().text()
        expect(res.status, `${method} ${template}: ${text.slice(0, 200)}`).toBe(status)
        problems.push(
          ...(await contract.check(method, template, res)).map((p) => `${method} ${template} ${status}: ${p}`),
        )
      }

      beforeEach(() => {
        problems.length = 0
      })
      beforeAll(async () => {
        harness = await storeCase.create()
        store = harness.store
        main = await serve(store)
        servers.push(main)
      })
      afterAll(async () => {
        await Promise.all(servers.map((s) => s.close()))
        await harness?.dispose()
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
        // Every stored field counts: the same key and cipherText with another keyFileId is another request.
        await expectConforms(
          'POST',
          CLIENT,
          await post(clientUrl(main.base, id), { ...body, cipherText: 'c2', keyFileId: 'file_2' }, keyed),
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

        // Erasure: refused ones first (nothing erased), then the owner's, twice (nothing left: 204 again).
        const erase = (url: string, headers: Record<string, string> = me) => fetch(url, { method: 'DELETE', headers })
        await expectConforms('DELETE', CLIENT, await erase(clientUrl(main.base, id), {}), 401)
        await expectConforms('DELETE', CLIENT, await erase(clientUrl(main.base, id), { 'x-client-id': 'other' }), 403)
        await expectConforms('DELETE', CLIENT, await erase(clientUrl(main.base, id, '?backupMethod=GDRIVE')), 400)
        await expectConforms(
          'DELETE',
          CLIENT,
          await erase(clientUrl(main.base, 'bad id'), { 'x-client-id': 'bad id' }),
          400,
        )
        await expectConforms('DELETE', CLIENT, await erase(`${main.base}/clients/%E0%A4%A/backup`), 400)
        await expectConforms('GET', CLIENT, await fetch(clientUrl(main.base, id), { headers: me }), 200)
        await expectConforms('DELETE', CLIENT, await erase(clientUrl(main.base, id)), 204)
        await expectConforms('DELETE', CLIENT, await erase(clientUrl(main.base, id)), 204)
        await expectConforms('GET', CLIENT, await fetch(clientUrl(main.base, id), { headers: me }), 404)
        expect(problems).toEqual([])
      })

      it("describes a bearer server's 401 challenge and a misconfigured authenticate's 503", async () => {
        const jwt = { secret: randomBytes(32).toString('hex'), audience: 'react-mpc-backup' }
        const bearer = await serve(store, { authenticate: jwtAuthenticate(jwt) })
        servers.push(bearer)
        const unset: Record<string, string | undefined> = {}
        const misconfigured = await serve(store, { authenticate: jwtAuthenticate({ secret: unset.AUTH_JWT_SECRET }) })
        servers.push(misconfigured)
        const id = `oa-jwt-${randomBytes(4).toString('hex')}`
        const body = { backupMethod: 'GDRIVE', cipherText: 'c1' }
        const wrongAudience = mintClientToken({ ...jwt, audience: 'another-api', clientId: id })
        for (const headers of [{}, { authorization: 'Bearer a b' }, { authorization: `Bearer ${wrongAudience}` }]) {
          const get = await fetch(clientUrl(bearer.base, id), { headers })
          expect(get.headers.get('www-authenticate')).toMatch(/^Bearer realm="react-mpc-backup"/)
          await expectConforms('GET', CLIENT, get, 401)
          await expectConforms('POST', CLIENT, await post(clientUrl(bearer.base, id), body, headers), 401)
        }
        const token = { authorization: `Bearer ${mintClientToken({ ...jwt, clientId: id })}` }
        await expectConforms('POST', CLIENT, await post(clientUrl(bearer.base, id), body, token), 200)
        await expectConforms('GET', CLIENT, await fetch(clientUrl(misconfigured.base, id), { headers: token }), 503)
        await expectConforms('POST', CLIENT, await post(clientUrl(misconfigured.base, id), body, token), 503)
        expect(problems).toEqual([])
        // The document's challenge pattern is no rubber stamp: a challenge echoing a token in its own words fails it.
        const echoing = new Response('{"error":{"code":"unauthorized"}}', {
          status: 401,
          headers: {
            'content-type': 'application/json',
            'cache-control': 'no-store',
            'www-authenticate': `Bearer realm="x", error="invalid_token", error_description="bad "${wrongAudience}""`,
          },
        })
        expect(await contract.check('GET', CLIENT, echoing)).toEqual([
          expect.stringMatching(/^header WWW-Authenticate/),
        ])
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
          // A charset other than UTF-8, and a compressed body: refused, never decoded.
          await expectConforms(
            'POST',
            path,
            await post(
              `${main.base}${path}`,
              { clientId, share: 's' },
              {
                ...secret,
                'content-type': 'application/json; charset=latin1',
              },
            ),
            415,
          )
          await expectConforms(
            'POST',
            path,
            await post(`${main.base}${path}`, { clientId, share: 's' }, { ...secret, 'content-encoding': 'gzip' }),
            415,
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
        await expectConforms(
          'DELETE',
          CLIENT,
          await fetch(clientUrl(limited.base, id), { method: 'DELETE', headers: me }),
          429,
        )
        await post(`${limited.base}${HOOK}`, { clientId: id, share: 's' }, { 'x-webhook-secret': 'wrong' })
        await expectConforms(
          'POST',
          HOOK,
          await post(`${limited.base}${HOOK}`, { clientId: id, share: 's' }, secret),
          429,
        )
        await expectConforms('POST', FETCH, await post(`${limited.base}${FETCH}`, { clientId: id }, secret), 429)

        const fenced = await serve(store, { webhookAllowlist: ['10.9.9.9'] })
        servers.push(fenced)
        await expectConforms(
          'POST',
          HOOK,
          await post(`${fenced.base}${HOOK}`, { clientId: id, share: 's' }, secret),
          403,
        )
        await expectConforms('POST', FETCH, await post(`${fenced.base}${FETCH}`, { clientId: id }, secret), 403)

        // A database that hangs, then one that fails: faults at the store, the server's edge.
        const wait = () => new Promise((r) => setTimeout(r, 600))
        const hanging: BackupStore = {
          ...store,
          get: (...a) => wait().then(() => store.get(...a)),
          put: (...a) => wait().then(() => store.put(...a)),
          putWebhook: (...a) => wait().then(() => store.putWebhook(...a)),
          listWebhook: (...a) => wait().then(() => store.listWebhook(...a)),
          erase: (...a) => wait().then(() => store.erase(...a)),
        }
        const slow = await serve(hanging, { limits: { requestDeadlineMs: 150, webhookDeadlineMs: 150 } })
        servers.push(slow)
        await expectConforms('POST', CLIENT, await post(clientUrl(slow.base, id), body, me), 503)
        await expectConforms('GET', CLIENT, await fetch(clientUrl(slow.base, id), { headers: me }), 503)
        // Another client: the erase still lands once the store answers, after the 503 (this client's rows are read below).
        const late = `${id}-late`
        await expectConforms(
          'DELETE',
          CLIENT,
          await fetch(clientUrl(slow.base, late), { method: 'DELETE', headers: { 'x-client-id': late } }),
          503,
        )
        await expectConforms('POST', HOOK, await post(`${slow.base}${HOOK}`, { clientId: id, share: 's' }, secret), 503)
        await expectConforms('POST', FETCH, await post(`${slow.base}${FETCH}`, { clientId: id }, secret), 503)

        const down = () => Promise.reject(new Error('connection refused'))
        const failing: BackupStore = {
          ...store,
          get: down,
          put: down,
          list: down,
          putWebhook: down,
          listWebhook: down,
          erase: down,
          maintenance: { ...store.maintenance!, ping: down },
        }
        const broken = await serve(failing)
        servers.push(broken)
        await expectConforms('POST', CLIENT, await post(clientUrl(broken.base, id), body, me), 500)
        await expectConforms('GET', CLIENT, await fetch(clientUrl(broken.base, id), { headers: me }), 500)
        await expectConforms(
          'DELETE',
          CLIENT,
          await fetch(clientUrl(broken.base, id), { method: 'DELETE', headers: me }),
          500,
        )
        await expectConforms(
          'POST',
          HOOK,
          await post(`${broken.base}${HOOK}`, { clientId: id, share: 's' }, secret),
          500,
        )
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

      // The bundled server's own routes and node:http's own answers: not the contract's routes on another host.
      if (bundled) {
        it('describes the operator routes: /healthz, /metrics, /api/health, the dev inspector and CORS preflights (openapi/operator.yaml)', async () => {
          const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } })
          await expectConforms('GET', HEALTHZ, await fetch(`${main.url}${HEALTHZ}`), 200)
          await expectConforms('GET', HEALTH, await fetch(`${main.url}${HEALTH}`), 200)
          await expectConforms('GET', METRICS, await fetch(`${main.url}${METRICS}`, bearer(METRICS_TOKEN)), 200)
          await expectConforms('GET', METRICS, await fetch(`${main.url}${METRICS}`), 401)
          await expectConforms('GET', METRICS, await fetch(`${main.url}${METRICS}`, bearer(`${METRICS_TOKEN}x`)), 401)
          await expectConforms('GET', DEV_ROWS, await fetch(`${main.url}${DEV_ROWS}`), 200)

          const down = () => Promise.reject(new Error('connection refused'))
          const unreachable = await serve({
            ...store,
            list: down,
            listWebhook: down,
            maintenance: { ...store.maintenance!, ping: down },
          })
          servers.push(unreachable)
          await expectConforms('GET', HEALTHZ, await fetch(`${unreachable.url}${HEALTHZ}`), 503)
          await expectConforms('GET', DEV_ROWS, await fetch(`${unreachable.url}${DEV_ROWS}`), 500)

          // Wrong tokens are limited per address like wrong webhook secrets: once spent, even the right token is 429.
          const limited = await serve(store, { limits: { webhookFailures: { perMinute: 1, burst: 1 } } })
          servers.push(limited)
          await expectConforms('GET', METRICS, await fetch(`${limited.url}${METRICS}`, bearer('wrong-token')), 401)
          await expectConforms('GET', METRICS, await fetch(`${limited.url}${METRICS}`, bearer(METRICS_TOKEN)), 429)

          // CORS preflights: the configured origin's, and any other OPTIONS (not served).
          for (const [template, path] of [
            [`/api${CLIENT}`, `/api/clients/oa-cors/backup`],
            [`/api${HOOK}`, `/api${HOOK}`],
            [`/api${FETCH}`, `/api${FETCH}`],
          ] as const) {
            const preflight = (origin: string) =>
              fetch(`${main.url}${path}`, {
                method: 'OPTIONS',
                headers: { origin, 'access-control-request-method': 'POST' },
              })
            await expectConforms('OPTIONS', template, await preflight(APP_ORIGIN), 204)
            await expectConforms('OPTIONS', template, await preflight('https://elsewhere.example'), 404)
          }

          // No token configured: no /metrics route at all.
          const untokened = await serve(store, {}, { metrics: false })
          servers.push(untokened)
          await expectConforms('GET', METRICS, await fetch(`${untokened.url}${METRICS}`, bearer(METRICS_TOKEN)), 404)
          expect(problems).toEqual([])
        })

        it('describes what node:http answers on its own on every route: 400, 408 and 431, as JSON and no-store', async () => {
          const id = `oa-node-${randomBytes(4).toString('hex')}`
          // Each route as a request line, the headers it needs to get as far as reading its body, and whether it has one.
          const routes: Array<[method: string, template: string, path: string, headers: string[]]> = [
            ['POST', CLIENT, `/api/clients/${id}/backup`, [`X-Client-Id: ${id}`, 'Content-Type: application/json']],
            ['GET', CLIENT, `/api/clients/${id}/backup`, [`X-Client-Id: ${id}`]],
            ['DELETE', CLIENT, `/api/clients/${id}/backup`, [`X-Client-Id: ${id}`]],
            ['POST', HOOK, `/api${HOOK}`, [`X-Webhook-Secret: ${SECRET}`, 'Content-Type: application/json']],
            ['POST', FETCH, `/api${FETCH}`, [`X-Webhook-Secret: ${SECRET}`, 'Content-Type: application/json']],
            ['GET', HEALTHZ, HEALTHZ, []],
            ['GET', METRICS, METRICS, [`Authorization: Bearer ${METRICS_TOKEN}`]],
            ['GET', HEALTH, HEALTH, []],
            ['GET', DEV_ROWS, DEV_ROWS, []],
            ['OPTIONS', `/api${CLIENT}`, `/api/clients/${id}/backup`, [`Origin: ${APP_ORIGIN}`]],
            ['OPTIONS', `/api${HOOK}`, `/api${HOOK}`, [`Origin: ${APP_ORIGIN}`]],
            ['OPTIONS', `/api${FETCH}`, `/api${FETCH}`, [`Origin: ${APP_ORIGIN}`]],
          ]
          // A request timeout short enough to reach: Node answers 408 when the request has not fully arrived by then.
          const tight = await serve(store, { requestTimeoutMs: 200, headersTimeoutMs: 200 })
          servers.push(tight)
          for (const [method, template, path, headers] of routes) {
            const head = [`${method} ${path} HTTP/1.1`, 'Host: 127.0.0.1', ...headers]
            // A body that stops short of its Content-Length, or headers that never end: the answer is awaited, not timed.
            const stalled =
              method === 'POST'
                ? `${[...head, 'Content-Length: 64'].join('\r\n')}\r\n\r\n{"clientId":`
                : `${head.join('\r\n')}\r\n`
            await expectConforms(method, template, await rawRequest(tight.port, stalled), 408)
            const oversized = `${[...head, `X-Padding: ${'a'.repeat(20 * 1024)}`].join('\r\n')}\r\n\r\n`
            await expectConforms(method, template, await rawRequest(main.port, oversized), 431)
            const malformed = `${[...head, 'Not A Header: x'].join('\r\n')}\r\n\r\n`
            await expectConforms(method, template, await rawRequest(main.port, malformed), 400)
          }
          expect(problems).toEqual([])
        })
      }

      it('answers a path it does not serve with a 404 that is not "no backup yet"', async () => {
        const unknown = await fetch(`${main.base}/clients/x/backups`, { headers: { 'x-client-id': 'x' } })
        problems.push(...(await contract.checkUnknownRoute(unknown)))
        expect(problems).toEqual([])
      })

      it('has shown every documented status of every route', () => {
        if (bundled) expect(contract.unseen()).toEqual([])
        else {
          // Left out: the bundled server's own routes (openapi/operator.yaml), and node:http's 408 and 431.
          expect(contract.unseen().filter((key) => isContractRoute(key) && !NODE_HTTP_ONLY.test(key))).toEqual([])
        }
      })
    })
  })
})
