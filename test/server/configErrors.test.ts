// Issue #15: every configuration check of the server throws ServerConfigError (what bin.ts prints as an operator
// message), not TypeError, which is also what a plain bug throws.
import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import {
  ServerConfigError,
  createServer,
  encryptAtRest,
  jwtAuthenticate,
  mintClientToken,
  postgresStore,
  sqliteStore,
  startServer,
} from '../../src/server/index.js'
import { parseIpRange } from '../../src/server/http/parseIpRange.js'
import { createRateLimiter } from '../../src/server/http/rateLimiter.js'

const key = randomBytes(32).toString('base64')
const base = () => ({
  store: sqliteStore({ filename: ':memory:' }),
  authenticate: async () => 'client',
  webhookSecret: 'a-webhook-secret-long-enough-to-pass',
  encryptionKey: key,
})

function configError(run: () => unknown, message: RegExp): void {
  let thrown: unknown
  try {
    run()
  } catch (error) {
    thrown = error
  }
  expect(thrown).toBeInstanceOf(ServerConfigError)
  expect(thrown).not.toBeInstanceOf(TypeError)
  expect((thrown as Error).name).toBe('ServerConfigError')
  expect((thrown as Error).message).toMatch(message)
}

describe('a wrong server configuration is a ServerConfigError', () => {
  it('encryption keys: wrong length, unknown current id, bad key id', () => {
    configError(() => encryptAtRest('c2hvcnQ='), /must be 32 bytes/)
    configError(() => encryptAtRest({ current: 'missing', keys: { k1: key } }), /not in keys/)
    configError(() => encryptAtRest({ current: 'bad id!', keys: { 'bad id!': key } }), /must match/)
  })

  it('JWT authentication: no or empty secret, non-positive lifetime (checked at the first request, never at construction)', () => {
    // A module may build it at load, before its secret exists (next build).
    const unset = jwtAuthenticate({ secret: undefined })
    const noRequest = { get: () => undefined } as unknown as Parameters<typeof unset>[0]
    configError(() => unset(noRequest), /secret is not set/)
    configError(() => jwtAuthenticate({ secret: '' })(noRequest), /secret must not be empty/)
    configError(() => jwtAuthenticate({ secret: 'x'.repeat(32), maxLifetimeSec: 0 })(noRequest), /maxLifetimeSec/)
    configError(() => mintClientToken({ secret: 'x'.repeat(32), clientId: 'c', ttlSeconds: 0 }), /ttlSeconds/)
  })

  it('rate limits and IP ranges', () => {
    configError(() => createRateLimiter({ perMinute: 0, burst: 1 }), /perMinute/)
    configError(() => createRateLimiter({ perMinute: 60, burst: 0 }), /burst/)
    configError(() => parseIpRange('10.0.0.0/33', 'webhookAllowlist'), /not an IP address or CIDR range/)
  })

  it('PostgreSQL schema name', () => {
    configError(() => postgresStore({ connectionString: 'postgres://127.0.0.1:1/none', schema: 'Bad-Name' }), /schema/)
  })

  it('createServer: trust proxy with an allowlist, the dev inspector in production or off loopback', () => {
    configError(
      () => createServer({ ...base(), trustProxy: true, webhookAllowlist: ['10.0.0.0/8'] }),
      /trustProxy true/,
    )
    configError(() => createServer({ ...base(), devInspector: true, production: true }), /production/)
    configError(() => createServer({ ...base(), devInspector: true, host: '0.0.0.0' }), /loopback/)
  })

  it('startServer: timeouts', async () => {
    for (const [config, message] of [
      [{ requestTimeoutMs: 0 }, /requestTimeout must be a positive integer/],
      [{ requestTimeoutMs: 1000, headersTimeoutMs: 2000 }, /headersTimeoutMs must not exceed/],
    ] as const) {
      const started = startServer({ ...base(), port: 0, ...config })
      await expect(started).rejects.toBeInstanceOf(ServerConfigError)
      await expect(started).rejects.toThrow(message)
    }
  })
})
