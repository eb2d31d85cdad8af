// mintClientToken and jwtAuthenticate from the same options: what is minted is accepted, for as long as it says, and a
// token the verifier would refuse is never minted.
import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { JwtAuthenticateOptions, ServerRequest } from '../../src/server/index.js'
import { ServerConfigError, jwtAuthenticate, mintClientToken } from '../../src/server/index.js'

const secret = 'a-long-enough-hs256-secret-for-tests'
const req = (token: string) =>
  ({
    get: (name: string) => (name.toLowerCase() === 'authorization' ? `Bearer ${token}` : undefined),
  }) as unknown as ServerRequest
const T0 = 1_900_000_000
const at = (sec: number) => () => sec * 1000
const decode = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>

describe('mintClientToken', () => {
  const options: JwtAuthenticateOptions = { secret, issuer: 'my-app', audience: 'react-mpc-backup' }

  it('makes a standard HS256 JWT with sub, iat, exp, iss and aud, which jwtAuthenticate accepts', () => {
    const token = mintClientToken({ ...options, clientId: 'client-1', ttlSeconds: 600, now: at(T0) })
    const [head = '', payload = '', signature = ''] = token.split('.')
    expect(decode(head)).toEqual({ alg: 'HS256', typ: 'JWT' })
    expect(decode(payload)).toEqual({
      sub: 'client-1',
      iat: T0,
      exp: T0 + 600,
      iss: 'my-app',
      aud: 'react-mpc-backup',
    })
    // Signed as any JWT library would check it (written here apart from the kit's code).
    expect(signature).toBe(createHmac('sha256', secret).update(`${head}.${payload}`).digest('base64url'))
    expect(jwtAuthenticate({ ...options, now: at(T0 + 1) })(req(token))).toBe('client-1')
  })

  it('lasts an hour by default, then is refused as expired', () => {
    const token = mintClientToken({ ...options, clientId: 'client-1', now: at(T0) })
    expect(decode(token.split('.')[1]!).exp).toBe(T0 + 3_600)
    // 30 s of clock tolerance, jwtAuthenticate's default.
    expect(jwtAuthenticate({ ...options, now: at(T0 + 3_630) })(req(token))).toBe('client-1')
    expect(() => jwtAuthenticate({ ...options, now: at(T0 + 3_631) })(req(token))).toThrow(
      expect.objectContaining({ reason: 'expired' }),
    )
  })

  it('is refused by a verifier with another secret, issuer or audience', () => {
    const token = mintClientToken({ ...options, clientId: 'client-1', now: at(T0) })
    const verify = (other: Partial<JwtAuthenticateOptions>) => () =>
      jwtAuthenticate({ ...options, now: at(T0), ...other })(req(token))
    expect(verify({ secret: `${secret}-other` })).toThrow(expect.objectContaining({ reason: 'bad_signature' }))
    expect(verify({ issuer: 'other-app' })).toThrow(expect.objectContaining({ reason: 'wrong_issuer' }))
    expect(verify({ audience: 'other-api' })).toThrow(expect.objectContaining({ reason: 'wrong_audience' }))
  })

  it('never mints what the verifier would refuse, nor for a clientId no backup can have', () => {
    const refused = (extra: Record<string, unknown>, message: RegExp) => {
      const mint = () => mintClientToken({ ...options, clientId: 'client-1', now: at(T0), ...extra })
      expect(mint).toThrow(ServerConfigError)
      expect(mint).toThrow(message)
    }
    refused({ ttlSeconds: 86_401 }, /ttlSeconds must be a whole number of seconds from 1 to maxLifetimeSec \(86400\)/)
    refused({ ttlSeconds: 601, maxLifetimeSec: 600 }, /maxLifetimeSec \(600\)/)
    refused({ ttlSeconds: 0 }, /ttlSeconds/)
    refused({ ttlSeconds: 1.5 }, /ttlSeconds/)
    refused({ clientId: '' }, /clientId/)
    refused({ clientId: 'has space' }, /clientId/)
    refused({ clientId: 'x'.repeat(201) }, /clientId/)
    refused({ secret: undefined }, /mintClientToken: secret is not set/)
    refused({ secret: '' }, /mintClientToken: secret must not be empty/)
    refused({ audience: '' }, /audience must be a non-empty string/)
    // The longest lifetime allowed is allowed.
    expect(mintClientToken({ ...options, clientId: 'client-1', ttlSeconds: 86_400 })).toMatch(
      /^[\w-]+\.[\w-]+\.[\w-]+$/,
    )
  })
})
