import type { Request } from 'express'
import { describe, expect, it } from 'vitest'
import { jwtAuthenticate } from '../../src/server/index.js'
import { signJwt } from './support/http.js'

const secret = 'a-long-enough-hs256-secret-for-tests'
const req = (authorization?: string) => ({ get: (name: string) => (name.toLowerCase() === 'authorization' ? authorization : undefined) }) as unknown as Request
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
})
