// Sign-in wired end to end (issue #27): the app's server mints a client token (mintClientToken), the kit's client sends
// it through the `getToken` option of its share API, the bundled server (startServer + sqliteStore + jwtAuthenticate,
// real HTTP on loopback) accepts it. Every refusal is a 401 whose WWW-Authenticate says why (RFC 6750 §3), readable
// cross-origin, never echoing the token. Google and the wallet are the kit's emulators (MSW at the network edge).
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setupServer } from 'msw/node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { portalAdapter } from '../../src/adapters/portalAdapter.js'
import { backupWallet } from '../../src/core/actions/backupWallet.js'
import type { BackupConfig } from '../../src/core/actions/backupWallet.js'
import { recoverWallet } from '../../src/core/actions/recoverWallet.js'
import { createShareApi } from '../../src/core/clients/createShareApi.js'
import { DRIVE_APPDATA_SCOPE } from '../../src/core/clients/driveKeyStore.js'
import type { BackupEvent, JwtAuthenticateOptions, RunningServer } from '../../src/server/index.js'
import { jwtAuthenticate, mintClientToken, sqliteStore, startServer } from '../../src/server/index.js'
import { createGoogleEmulator, createWalletBackend, createWalletEmulator } from '../../src/testing/index.js'
import { signJwt } from './support/http.js'

const APP_ORIGIN = 'http://app.example'
const SECRET = randomBytes(32).toString('base64')
// The server's clock, shared with the minting side (one app, one clock): a test moves it instead of waiting.
let nowMs = Date.UTC(2030, 0, 1)
const clock = () => nowMs
const jwt: JwtAuthenticateOptions = { secret: SECRET, issuer: 'my-app', audience: 'react-mpc-backup', now: clock }
const fast = { tries: 1 }

const msw = setupServer()
let dir: string
let running: RunningServer
let misconfigured: RunningServer
const events: BackupEvent[] = []
const logged: string[] = []
const base = () => `${running.url}/api`

beforeAll(async () => {
  // Google is emulated at the network edge; the share server is the real one on loopback.
  msw.listen({
    onUnhandledRequest(request, print) {
      if (new URL(request.url).hostname !== '127.0.0.1') print.error()
    },
  })
  dir = mkdtempSync(join(tmpdir(), 'rmb-signin-'))
  const common = {
    webhookSecret: 'a-webhook-secret-long-enough-to-pass',
    encryptionKey: randomBytes(32),
    corsOrigins: [APP_ORIGIN],
    port: 0,
    limits: { rate: false as const },
    logger: { error: (m: string) => logged.push(m) },
  }
  running = await startServer({
    ...common,
    store: sqliteStore({ filename: join(dir, 'backups.db') }),
    authenticate: jwtAuthenticate(jwt),
    onEvent: (e) => events.push(e),
  })
  // What a module-scope `jwtAuthenticate({ secret: process.env.AUTH_JWT_SECRET })` is when the variable is unset.
  const env: Record<string, string | undefined> = {}
  const unconfigured = jwtAuthenticate({ secret: env.AUTH_JWT_SECRET })
  misconfigured = await startServer({
    ...common,
    store: sqliteStore({ filename: join(dir, 'misconfigured.db') }),
    authenticate: unconfigured,
  })
})

afterAll(async () => {
  msw.close()
  await running?.close(0)
  await misconfigured?.close(0)
  rmSync(dir, { recursive: true, force: true })
})

const newClient = () => `client-${randomBytes(5).toString('hex')}`

/** The app's token endpoint as the browser sees it: a fresh token minted for the signed-in user on every call. */
function tokenSource(clientId: string, options: Partial<JwtAuthenticateOptions> = {}) {
  const issued: string[] = []
  return {
    issued,
    getToken: async () => {
      const token = mintClientToken({ ...jwt, ...options, clientId, ttlSeconds: 300 })
      issued.push(token)
      return token
    },
  }
}

/** Google and the wallet emulated, the share API pointed at the real server with the app's getToken. */
function world(clientId: string, getToken: () => Promise<string>) {
  const google = createGoogleEmulator()
  msw.resetHandlers(...google.handlers)
  const backend = createWalletBackend()
  const wallet = createWalletEmulator({ clientId, backend })
  const token = google.issueToken({ scope: DRIVE_APPDATA_SCOPE }).access_token
  const config: BackupConfig = {
    wallet: portalAdapter(wallet, { keyCustody: 'kit' }),
    clientId,
    shareApi: createShareApi({ baseURL: base(), getToken, retry: fast }),
    retry: { tries: 2, baseDelayMs: 1, maxDelayMs: 5 },
  }
  const params = { getAccessToken: async () => token, onTokenRejected: () => {} }
  return {
    wallet,
    backup: () => backupWallet(config, params),
    recover: () => {
      const device = createWalletEmulator({ clientId, backend })
      return recoverWallet({ ...config, wallet: portalAdapter(device, { keyCustody: 'kit' }) }, params)
    },
  }
}

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (e: unknown) => e as { name: string; code: string; step?: string; facts: Record<string, unknown> },
  )

describe('sign-in, end to end on the bundled server', () => {
  it('the minted token, sent by the share API, stores and reads a backup; a fresh token for every request', async () => {
    const clientId = newClient()
    const source = tokenSource(clientId)
    const api = createShareApi({ baseURL: base(), getToken: source.getToken, retry: fast })
    const record = { backupMethod: 'PASSWORD', cipherText: 'c2hhcmU', keyVersion: '1', keyFileId: 'file_1' }
    await expect(api.put(clientId, record)).resolves.toMatchObject({ backupMethod: 'PASSWORD' })
    await expect(api.get(clientId, 'PASSWORD')).resolves.toMatchObject(record)
    // getToken was asked once per request, and each request carried its answer.
    expect(source.issued).toHaveLength(2)
    expect(events.filter((e) => e.clientId === clientId).map((e) => e.type)).toEqual(['backup.stored', 'backup.read'])

    // The same calls without the token, or with another user's, are refused.
    const anonymous = createShareApi({ baseURL: base(), retry: fast })
    expect(await failure(anonymous.get(clientId, 'PASSWORD'))).toMatchObject({
      code: 'SHARE_UNAUTHORIZED',
      facts: { status: 401, reason: 'unauthorized' },
    })
    const intruder = createShareApi({ baseURL: base(), getToken: tokenSource(newClient()).getToken, retry: fast })
    expect(await failure(intruder.get(clientId, 'PASSWORD'))).toMatchObject({
      code: 'SHARE_UNAUTHORIZED',
      facts: { status: 403, reason: 'forbidden' },
    })
  })

  it('backs a wallet up and recovers it on a new device, every server call carrying the minted token', async () => {
    const clientId = newClient()
    const source = tokenSource(clientId)
    const w = world(clientId, source.getToken)
    const stored = await w.backup()
    expect(stored).toMatchObject({ backupMethod: 'PASSWORD' })
    expect(w.wallet.notifications.map((n) => n.success)).toEqual([true])
    const recovered = await w.recover()
    expect(recovered.address).toBe(w.wallet.address)
    const calls = events.filter((e) => e.clientId === clientId)
    expect(calls.map((e) => e.type)).toContain('backup.stored')
    expect(calls.map((e) => e.type)).toContain('backup.read')
    // One token per request the server answered for this client (a read may answer backup.not_found).
    expect(source.issued.length).toBe(calls.length)
  })

  it('a getToken that throws ends the backup with ShareTokenFailed, nothing sent, and the wallet told false once', async () => {
    const clientId = newClient()
    const before = events.length
    const w = world(clientId, async () => {
      throw Object.assign(new Error('session endpoint said no'), { status: 401 })
    })
    const error = await failure(w.backup())
    expect(error).toMatchObject({
      name: 'ShareTokenFailed',
      code: 'SHARE_TOKEN_FAILED',
      facts: { reason: 'get_token_failed', status: 401 },
    })
    expect(w.wallet.notifications.map((n) => n.success)).toEqual([false])
    // Not one request reached the server: no event of any kind, not even a refusal.
    expect(events.slice(before)).toEqual([])

    const empty = world(newClient(), async () => '')
    expect(await failure(empty.backup())).toMatchObject({
      code: 'SHARE_TOKEN_FAILED',
      facts: { reason: 'invalid_token' },
    })
    expect(empty.wallet.notifications.map((n) => n.success)).toEqual([false])
  })

  describe('every 401 says why in WWW-Authenticate, never echoing the token, readable cross-origin', () => {
    const clientId = 'client-refused'
    const url = () => `${base()}/clients/${clientId}/backup`
    const at = (ms: number) => () => ms
    const realm = 'Bearer realm="react-mpc-backup"'
    const invalid = (description: string) => `${realm}, error="invalid_token", error_description="${description}"`
    const cases: Array<[string, () => string | undefined, string]> = [
      ['no token', () => undefined, realm],
      ['another scheme', () => 'Basic dXNlcjpwYXNzd29yZA==', realm],
      [
        'a malformed header',
        () => 'Bearer two tokens',
        `${realm}, error="invalid_request", error_description="The Authorization header is not a valid bearer token"`,
      ],
      [
        'an expired token',
        () => `Bearer ${mintClientToken({ ...jwt, clientId, ttlSeconds: 60, now: at(nowMs - 91_000) })}`,
        invalid('The access token expired'),
      ],
      [
        'a bad signature',
        () => `Bearer ${mintClientToken({ ...jwt, clientId, secret: `${SECRET}-not-ours` })}`,
        invalid('The access token signature is invalid'),
      ],
      [
        'a wrong audience',
        () => `Bearer ${mintClientToken({ ...jwt, clientId, audience: 'another-api' })}`,
        invalid('The access token audience is not accepted'),
      ],
      [
        'a wrong issuer',
        () => `Bearer ${mintClientToken({ ...jwt, clientId, issuer: 'another-app' })}`,
        invalid('The access token issuer is not accepted'),
      ],
      [
        'a token not valid yet',
        () => {
          const iat = Math.floor(nowMs / 1000)
          return `Bearer ${signJwt({ sub: clientId, iss: 'my-app', aud: 'react-mpc-backup', iat, nbf: iat + 120, exp: iat + 600 }, SECRET)}`
        },
        invalid('The access token is not valid yet'),
      ],
      [
        'a token without exp',
        () => `Bearer ${signJwt({ sub: clientId, iss: 'my-app', aud: 'react-mpc-backup' }, SECRET)}`,
        invalid('The access token has no expiry'),
      ],
      [
        'an unsigned token (alg none)',
        () => `Bearer ${signJwt({ sub: clientId }, SECRET, { alg: 'none' }).replace(/[^.]+$/, '')}`,
        invalid('The access token is malformed'),
      ],
    ]

    it.each(cases)('%s', async (_name, authorization, challenge) => {
      const header = authorization()
      const headers = {
        origin: APP_ORIGIN,
        'content-type': 'application/json',
        ...(header ? { authorization: header } : {}),
      }
      const answers = [
        await fetch(url(), {
          method: 'POST',
          headers,
          body: JSON.stringify({ backupMethod: 'GDRIVE', cipherText: 'c' }),
        }),
        await fetch(url(), { headers }),
      ]
      for (const res of answers) {
        expect(res.status).toBe(401)
        expect(res.headers.get('www-authenticate')).toBe(challenge)
        expect(res.headers.get('access-control-expose-headers')?.split(/\s*,\s*/)).toContain('WWW-Authenticate')
        const body = await res.text()
        expect(JSON.parse(body)).toEqual({ error: { code: 'unauthorized' } })
        const credential = header?.split(' ')[1]
        if (credential) {
          const answer = `${body}\n${[...res.headers].map(([n, v]) => `${n}: ${v}`).join('\n')}`
          for (const part of [credential, ...credential.split('.').filter((p) => p.length >= 8)])
            expect(answer).not.toContain(part)
        }
      }
    })

    it('a token that expires between requests: the next request is refused as expired, through the client too', async () => {
      const token = mintClientToken({ ...jwt, clientId, ttlSeconds: 60 })
      const api = createShareApi({ baseURL: base(), getToken: () => token, retry: fast })
      expect(await api.get(clientId, 'GDRIVE')).toBeNull() // accepted: no backup yet
      nowMs += 91_000 // past exp and the 30 s tolerance
      expect(await failure(api.get(clientId, 'GDRIVE'))).toMatchObject({
        code: 'SHARE_UNAUTHORIZED',
        facts: { status: 401, reason: 'unauthorized' },
      })
      const res = await fetch(url(), { headers: { authorization: `Bearer ${token}` } })
      expect(res.headers.get('www-authenticate')).toBe(invalid('The access token expired'))
    })
  })

  it('a jwtAuthenticate made without its secret starts, then answers 503 not_ready, naming the fix in the log', async () => {
    const before = logged.length
    const token = mintClientToken({ ...jwt, clientId: 'client-x' })
    for (const init of [
      { headers: { authorization: `Bearer ${token}` } },
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"backupMethod":"GDRIVE","cipherText":"c"}',
      },
    ]) {
      const res = await fetch(`${misconfigured.url}/api/clients/client-x/backup`, init)
      expect(res.status).toBe(503)
      expect(res.headers.get('www-authenticate')).toBeNull()
      expect(await res.json()).toEqual({ error: { code: 'not_ready' } })
    }
    const lines = logged.slice(before)
    expect(lines).toHaveLength(2)
    for (const line of lines) {
      expect(line).toMatch(/^\[react-mpc-backup\] not_ready: jwtAuthenticate: secret is not set/)
      expect(line).not.toContain(token)
    }
  })
})
