// The v2 Idempotency-Key fingerprint is stored for a day: a server upgraded within that day must compute the very same
// string for the same body, or a client's retry becomes a 422. canonicalJson was rewritten for speed (issue #26's
// bench); these tests hold it to its definition: a pinned value computed by hand, and any body against the first
// implementation (kept here as the reference).
import { createHmac } from 'node:crypto'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { idempotencyFingerprint } from '../../src/server/http/idempotencyFingerprint.js'
import { encryptAtRest } from '../../src/server/index.js'

const KEY = Buffer.alloc(32, 7)
const cipher = encryptAtRest(KEY)

/** The first canonicalJson, as released: keys sorted at every depth, null and undefined members left out. */
function referenceCanonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null'
  if (Array.isArray(value)) return `[${value.map((item) => referenceCanonicalJson(item ?? null)).join(',')}]`
  const record = value as Record<string, unknown>
  const members = Object.keys(record)
    .filter((key) => record[key] !== null && record[key] !== undefined)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${referenceCanonicalJson(record[key])}`)
  return `{${members.join(',')}}`
}

type Body = Parameters<typeof idempotencyFingerprint.of>[1]

describe('the v2 idempotency fingerprint', () => {
  it('is the keyed HMAC of the canonical JSON, computed here by hand', () => {
    const body = {
      walletBackupId: null,
      keyVersion: 1,
      googleAccount: { permissionId: 'p1', email: 'a@example.com' },
      cipherText: 'c"t\\\u0001é😀',
      backupMethod: 'GDRIVE',
      keyFileId: undefined,
    }
    const macKey = createHmac('sha256', KEY).update('react-mpc-backup/mac/v1').digest()
    const canonical =
      '{"backupMethod":"GDRIVE","cipherText":"c\\"t\\\\\\u0001é😀","googleAccount":{"email":"a@example.com","permissionId":"p1"},"keyVersion":1}'
    const expected = `v2:h1:${createHmac('sha256', macKey).update(canonical, 'utf8').digest('base64url')}`
    expect(idempotencyFingerprint.of(cipher, body as Body)).toBe(expected)
    expect(idempotencyFingerprint.matches(cipher, expected, body as Body)).toBe(true)
  })

  it('is the same string as the first implementation gave, for any body', () => {
    const member = fc.oneof(
      fc.constant(null),
      fc.constant(undefined),
      fc.string({ unit: 'binary' }),
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.boolean(),
    )
    const nested = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, member, tie('array'), tie('object')),
      array: fc.array(tie('value'), { maxLength: 4 }),
      object: fc.dictionary(fc.string({ unit: 'binary' }), tie('value'), { maxKeys: 5 }),
    }))
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), nested.object, (cipherText, rest) => {
        const body = { ...rest, cipherText } as Body
        expect(idempotencyFingerprint.of(cipher, body)).toBe(`v2:${cipher.mac(referenceCanonicalJson(body))[0]}`)
      }),
      { numRuns: 500 },
    )
  })
})
