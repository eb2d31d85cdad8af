import { describe, expect, it } from 'vitest'
import { sha256 } from './sha256.js'

const hex = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, '0')).join('')

describe('sha256 (sync) agrees with WebCrypto', () => {
  it.each([0, 1, 55, 56, 63, 64, 65, 1000])('length %i', async (n) => {
    const data = crypto.getRandomValues(new Uint8Array(n))
    expect(hex(sha256(data))).toBe(hex(new Uint8Array(await crypto.subtle.digest('SHA-256', data))))
  })
})
