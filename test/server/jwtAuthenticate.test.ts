import { describe, expect, it } from 'vitest'
import type { AuthenticationRefusalReason, ServerRequest } from '../../src/server/index.js'
import { AuthenticationRefused, ServerConfigError, jwtAuthenticate } from '../../src/server/index.js'
import { signJwt } from './support/http.js'

const secret = 'a-long-enough-hs256-secret-for-tests'
const req = (authorization?: string) =>
  ({
    get: (name: string) => (name.toLowerCase() === 'authorization' ? authorization : undefined),
  }) as unknown as ServerRequest
const now = () => Math.floor(Date.now() / 1000)

describe('jwtAuthenticate', () => {
  const auth = jwtAuthenticate({ secret, issuer: 'app', audience: 'backup' })
  const good = { sub: 'client-1', iss: 'app', aud: 'backup', exp: now() + 60 }

  it('resolves the sub of a valid HS256 token', () => {
    expect(auth(req(`Bearer ${signJwt(good, secret)}`))).toBe('client-1')
  })

  it.each<[string, string | undefined, AuthenticationRefusalReason, string | undefined]>([
    ['no header', undefined, 'no_token', undefined],
    ['another scheme', 'Basic dXNlcjpwYXNz', 'no_token', undefined],
    ['a bare Bearer', 'Bearer', 'malformed_request', 'invalid_request'],
    ['two credentials', `Bearer ${signJwt(good, secret)} more`, 'malformed_request', 'invalid_request'],
    ['a token of one part', 'Bearer abc', 'malformed', 'invalid_token'],
    ['a wrong signature', `Bearer ${signJwt(good, 'another-secret')}`, 'bad_signature', 'invalid_token'],
    ['an expired token', `Bearer ${signJwt({ ...good, exp: now() - 120 }, secret)}`, 'expired', 'invalid_token'],
    [
      'a token not valid yet',
      `Bearer ${signJwt({ ...good, nbf: now() + 600 }, secret)}`,
      'not_yet_valid',
      'invalid_token',
    ],
    ['another issuer', `Bearer ${signJwt({ ...good, iss: 'evil' }, secret)}`, 'wrong_issuer', 'invalid_token'],
    ['another audience', `Bearer ${signJwt({ ...good, aud: 'other' }, secret)}`, 'wrong_audience', 'invalid_token'],
    ['no subject', `Bearer ${signJwt({ ...good, sub: undefined }, secret)}`, 'no_subject', 'invalid_token'],
    ['alg none', `Bearer ${signJwt(good, secret, { alg: 'none' })}`, 'unsupported_algorithm', 'invalid_token'],
    [
      'alg HS512 signed with the same secret',
      `Bearer ${signJwt(good, secret, { alg: 'HS512' })}`,
      'unsupported_algorithm',
      'invalid_token',
    ],
    ['an unsigned token', `Bearer ${signJwt(good, secret).replace(/\.[^.]+$/, '.')}`, 'malformed', 'invalid_token'],
  ])('rejects %s, saying why (%s)', (_name, header, reason, error) => {
    let thrown: unknown
    try {
      auth(req(header))
    } catch (e) {
      thrown = e
    }
    expect(thrown).toBeInstanceOf(AuthenticationRefused)
    expect(thrown).toMatchObject({ name: 'AuthenticationRefused', code: 'unauthorized', reason, error })
    // The refusal carries fixed words only: nothing of the token.
    const token = header?.split(' ')[1]
    if (token)
      expect(JSON.stringify({ ...(thrown as object), message: (thrown as Error).message })).not.toContain(token)
  })

  it('takes the scheme in any case (RFC 7235) and more than one space before the token', () => {
    expect(auth(req(`bearer ${signJwt(good, secret)}`))).toBe('client-1')
    expect(auth(req(`BEARER   ${signJwt(good, secret)}`))).toBe('client-1')
  })

  it('reads the clock it is given: expiry and not-before at the edge of the tolerance', () => {
    const at = 1_900_000_000
    const clocked = (sec: number) => jwtAuthenticate({ secret, now: () => sec * 1000, clockToleranceSec: 30 })
    const token = `Bearer ${signJwt({ sub: 'c', iat: at, nbf: at, exp: at + 600 }, secret)}`
    expect(clocked(at + 630)(req(token))).toBe('c')
    expect(() => clocked(at + 631)(req(token))).toThrow(expect.objectContaining({ reason: 'expired' }))
    expect(clocked(at - 30)(req(token))).toBe('c')
    expect(() => clocked(at - 31)(req(token))).toThrow(expect.objectContaining({ reason: 'not_yet_valid' }))
  })

  it('checks its options when it first verifies, not when it is made (a build without secrets must not fail)', () => {
    // What `jwtAuthenticate({ secret: process.env.AUTH_JWT_SECRET })` is at module scope during `next build`.
    const unset: Record<string, string | undefined> = {}
    const lazy = jwtAuthenticate({ secret: unset.AUTH_JWT_SECRET })
    const empty = jwtAuthenticate({ secret: '' })
    const badLifetime = jwtAuthenticate({ secret, maxLifetimeSec: Number('not a number') })
    const token = req(`Bearer ${signJwt(good, secret)}`)
    for (const [check, message] of [
      [lazy, /jwtAuthenticate: secret is not set/],
      [empty, /jwtAuthenticate: secret must not be empty/],
      [badLifetime, /jwtAuthenticate: maxLifetimeSec/],
    ] as const) {
      // Every call, not only the first: a misconfigured server keeps saying so.
      for (let i = 0; i < 2; i++) {
        expect(() => check(token)).toThrow(ServerConfigError)
        expect(() => check(token)).toThrow(message)
      }
    }
  })

  it.each([
    ['a token without exp (valid forever)', () => signJwt({ ...good, exp: undefined }, secret), /no expiry/],
    ['a non-numeric exp', () => signJwt({ ...good, exp: `${now() + 60}` }, secret), /no expiry/],
    [
      'exp further away than the maximum lifetime',
      () => signJwt({ ...good, exp: now() + 2 * 86_400 }, secret),
      /lifetime/,
    ],
    [
      'iat to exp longer than the maximum lifetime',
      () => signJwt({ ...good, iat: now() - 3 * 86_400 }, secret),
      /lifetime/,
    ],
  ])('rejects %s', (_name, token, reason) => {
    expect(() => auth(req(`Bearer ${token()}`))).toThrow(reason)
  })

  it('takes a shorter maximum lifetime', () => {
    const short = jwtAuthenticate({ secret, maxLifetimeSec: 300 })
    expect(short(req(`Bearer ${signJwt({ sub: 'c', exp: now() + 200 }, secret)}`))).toBe('c')
    expect(() => short(req(`Bearer ${signJwt({ sub: 'c', exp: now() + 900 }, secret)}`))).toThrow(/lifetime/)
  })

  it('accepts only the canonical spelling of the signature (the last character has spare bits)', () => {
    const token = signJwt(good, secret)
    const signature = token.slice(token.lastIndexOf('.') + 1)
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
    const last = alphabet.indexOf(signature.at(-1)!)
    // 32 bytes are 43 characters; the last one carries 4 bits and 2 spare ones.
    const spellings = [0, 1, 2, 3].map((spare) => `${token.slice(0, -1)}${alphabet[(last & ~3) | spare]}`)
    expect(
      new Set(spellings.map((t) => Buffer.from(t.slice(t.lastIndexOf('.') + 1), 'base64url').toString('hex'))).size,
    ).toBe(1)
    const accepted = spellings.filter((t) => {
      try {
        return auth(req(`Bearer ${t}`)) === 'client-1'
      } catch {
        return false
      }
    })
    expect(accepted).toEqual([token])
  })
})
