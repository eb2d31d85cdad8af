import type { ServerRequest } from '../../src/server/index.js'
import { describe, expect, it } from 'vitest'
import { jwtAuthenticate } from '../../src/server/index.js'
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

  it.each([
    ['no header', undefined],
    ['a wrong signature', `Bearer ${signJwt(good, 'another-secret')}`],
    ['an expired token', `Bearer ${signJwt({ ...good, exp: now() - 120 }, secret)}`],
    ['a token not valid yet', `Bearer ${signJwt({ ...good, nbf: now() + 600 }, secret)}`],
    ['another issuer', `Bearer ${signJwt({ ...good, iss: 'evil' }, secret)}`],
    ['another audience', `Bearer ${signJwt({ ...good, aud: 'other' }, secret)}`],
    ['no subject', `Bearer ${signJwt({ ...good, sub: undefined }, secret)}`],
    ['alg none', `Bearer ${signJwt(good, secret, { alg: 'none' })}`],
    ['alg HS512 signed with the same secret', `Bearer ${signJwt(good, secret, { alg: 'HS512' })}`],
    ['an unsigned token', `Bearer ${signJwt(good, secret).replace(/\.[^.]+$/, '.')}`],
  ])('rejects %s', (_name, header) => {
    expect(() => auth(req(header))).toThrow()
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
