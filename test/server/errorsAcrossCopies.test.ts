// The kit loaded twice in one process (a bundler that put it in two chunks, a route and an instrumentation file
// bundled apart, ESM beside another build): an error made by one copy (an app's `authenticate`, a store) reaches a
// handler of the other. The server's public error classes must still be told apart, or a refused token loses its
// RFC 6750 challenge, a key mismatch becomes a bare internal_error and a missing setting a 401 instead of not_ready.
// The second copy is real: the class modules imported again under another module id, so their classes are new ones.
import { afterAll, describe, expect, it } from 'vitest'
import type { BackupStore } from '../../src/server/index.js'
import {
  AuthenticationRefused,
  createWebHandler,
  devHeaderAuthenticate,
  ServerConfigError,
  StorageKeyMismatchError,
  sqliteStore,
} from '../../src/server/index.js'
import { KEY_A, WEBHOOK_SECRET } from './support/http.js'

type Copy<T> = { [K in keyof T]: T[K] }
const other = {
  ...((await import('../../src/server/auth/AuthenticationRefused.ts?second-copy' as string)) as Copy<
    typeof import('../../src/server/auth/AuthenticationRefused.js')
  >),
  ...((await import('../../src/server/errors/ServerConfigError.ts?second-copy' as string)) as Copy<
    typeof import('../../src/server/errors/ServerConfigError.js')
  >),
  ...((await import('../../src/server/errors/StorageKeyMismatchError.ts?second-copy' as string)) as Copy<
    typeof import('../../src/server/errors/StorageKeyMismatchError.js')
  >),
}

const store = sqliteStore({ filename: ':memory:' })
afterAll(() => store.close())

const handlerWith = (parts: { authenticate?: () => Promise<string>; store?: BackupStore }) =>
  createWebHandler({
    basePath: '/api',
    store: parts.store ?? store,
    authenticate: parts.authenticate ?? devHeaderAuthenticate(),
    webhookSecret: WEBHOOK_SECRET,
    encryptionKey: KEY_A,
    logger: { error() {} },
  })
const get = (handler: ReturnType<typeof handlerWith>) =>
  handler(new Request('http://app.test/api/clients/copy-1/backup', { headers: { 'x-client-id': 'copy-1' } }))

describe('error classes of another copy of the kit', () => {
  it('are other classes (the premise of these tests)', () => {
    expect(other.AuthenticationRefused).not.toBe(AuthenticationRefused)
    expect(other.ServerConfigError).not.toBe(ServerConfigError)
    expect(other.StorageKeyMismatchError).not.toBe(StorageKeyMismatchError)
  })

  it("a refusal thrown by the other copy's class keeps its RFC 6750 challenge", async () => {
    const res = await get(
      handlerWith({
        authenticate: async () => {
          throw new other.AuthenticationRefused('expired')
        },
      }),
    )
    expect(res.status).toBe(401)
    expect(res.headers.get('www-authenticate')).toBe(
      'Bearer realm="react-mpc-backup", error="invalid_token", error_description="The access token expired"',
    )
  })

  it("a missing setting found by the other copy's authenticate is not_ready (503), not the caller's 401", async () => {
    const res = await get(
      handlerWith({
        authenticate: async () => {
          throw new other.ServerConfigError('JWT secret missing')
        },
      }),
    )
    expect(res.status).toBe(503)
    expect(await res.json()).toEqual({ error: { code: 'not_ready' } })
  })

  it("a key mismatch thrown by the other copy's store is storage_key_mismatch", async () => {
    const failing: BackupStore = {
      ...store,
      get: async () => {
        throw new other.StorageKeyMismatchError('old-key', 'unknown_key')
      },
    }
    const res = await get(handlerWith({ store: failing }))
    expect(res.status).toBe(500)
    expect(await res.json()).toEqual({ error: { code: 'storage_key_mismatch' } })
  })

  it('the challenge is built from the fixed list, whatever text a look-alike carries', async () => {
    const forged = Object.assign(new other.AuthenticationRefused('expired'), {
      error: 'invalid_token", token="secret-token',
      description: 'secret-token',
    })
    const res = await get(
      handlerWith({
        authenticate: async () => {
          throw forged
        },
      }),
    )
    expect(res.headers.get('www-authenticate')).toBe(
      'Bearer realm="react-mpc-backup", error="invalid_token", error_description="The access token expired"',
    )
  })

  it('a subclass still checks its own instances only', () => {
    class AppConfigError extends ServerConfigError {}
    expect(new AppConfigError('x')).toBeInstanceOf(ServerConfigError)
    expect(new AppConfigError('x')).toBeInstanceOf(AppConfigError)
    expect(new ServerConfigError('x')).not.toBeInstanceOf(AppConfigError)
    expect(new other.ServerConfigError('x')).not.toBeInstanceOf(AppConfigError)
    expect(new Error('x')).not.toBeInstanceOf(ServerConfigError)
    expect(null).not.toBeInstanceOf(ServerConfigError)
  })
})
