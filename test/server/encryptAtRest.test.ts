import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { StorageKeyMismatchError, encryptAtRest } from '../../src/server/index.js'

const key = randomBytes(32)

describe('encryptAtRest', () => {
  it('opens what it sealed under the same context, with a fresh IV each time', () => {
    const cipher = encryptAtRest(key)
    const a = cipher.seal('secret share', 'ctx')
    const b = cipher.seal('secret share', 'ctx')
    expect(a.data.equals(b.data)).toBe(false)
    expect(a.data.includes(Buffer.from('secret share'))).toBe(false)
    expect(cipher.open(a, 'ctx')).toBe('secret share')
  })

  it('accepts the key as raw bytes, base64 or hex', () => {
    const sealed = encryptAtRest(key).seal('v', 'c')
    expect(encryptAtRest(key.toString('base64')).open(sealed, 'c')).toBe('v')
    expect(encryptAtRest(key.toString('hex')).open(sealed, 'c')).toBe('v')
  })

  it('throws StorageKeyMismatchError for another context, another key, an unknown key id or a flipped bit', () => {
    const cipher = encryptAtRest(key)
    const sealed = cipher.seal('v', 'client-a')
    expect(() => cipher.open(sealed, 'client-b')).toThrow(StorageKeyMismatchError)
    expect(() => encryptAtRest(randomBytes(32)).open(sealed, 'client-a')).toThrow(StorageKeyMismatchError)
    expect(() => cipher.open({ ...sealed, keyId: 'nope' }, 'client-a')).toThrow(/not configured/)
    const flipped = Buffer.from(sealed.data)
    flipped[flipped.length - 1]! ^= 1
    expect(() => cipher.open({ keyId: sealed.keyId, data: flipped }, 'client-a')).toThrow(StorageKeyMismatchError)
    expect(() => cipher.open({ keyId: sealed.keyId, data: Buffer.alloc(3) }, 'client-a')).toThrow(
      StorageKeyMismatchError,
    )
  })

  it('refuses keys that are not 32 bytes without echoing them', () => {
    expect(() => encryptAtRest('c2hvcnQ=')).toThrow(/must be 32 bytes/)
    expect(() => encryptAtRest('c2hvcnQ=')).not.toThrow(/c2hvcnQ/)
    expect(() => encryptAtRest({ current: 'missing', keys: { k1: key } })).toThrow(/not in keys/)
  })
})
