import type { AtRestCipher } from '../sealing/encryptAtRest.js'
import { sha256Digest } from './sha256Digest.js'
import { UNKNOWN_METHOD } from '../../core/clients/WalletAdapter.js'

/** The validated client backup body, either shape (a field the schema adds later is covered without a change here). */
type ValidatedBody = { backupMethod?: string | null | undefined; keyVersion?: string | number | null | undefined } & (
  | { cipherText: string }
  | { backupShare: string }
)

const V2 = 'v2:'

/**
 * The fingerprint an Idempotency-Key record keeps of the request that first used the key, and its comparison.
 *
 * Current format, `v2:` + the keyed MAC (`cipher.mac`, so the database alone cannot confirm a guessed body) of the
 * canonical JSON of the whole validated body: keys sorted at every depth, null and absent alike left out (they store
 * the same row). It covers every field the row stores, including fields added to the schema later.
 *
 * Records written before carry no `v2:` prefix and are compared the way they were made until they expire: `h1:...`
 * is the keyed MAC of `[backupMethod, keyVersion, cipherText]`, a bare 64-digit hex the unkeyed SHA-256 of it.
 */
export const idempotencyFingerprint = {
  /** The fingerprint a new record keeps (under the current at-rest key). */
  of(cipher: AtRestCipher, body: ValidatedBody): string {
    return V2 + cipher.mac(canonicalJson(body))[0]!
  },
  /** Whether `body` is the request `stored` fingerprinted, under any configured key (one may have rotated since). */
  matches(cipher: AtRestCipher, stored: string, body: ValidatedBody): boolean {
    if (stored.startsWith(V2)) {
      const mac = stored.slice(V2.length)
      return cipher.mac(canonicalJson(body)).includes(mac)
    }
    const cipherText = 'cipherText' in body ? body.cipherText : body.backupShare
    const old = JSON.stringify([body.backupMethod ?? UNKNOWN_METHOD, body.keyVersion ?? null, cipherText])
    return cipher.mac(old).includes(stored) || stored === sha256Digest(old).toString('hex')
  },
}

/**
 * JSON with object keys sorted at every depth and null / undefined members left out. Built in one pass (no
 * intermediate arrays of members): it runs on every keyed POST, over the whole cipherText.
 */
function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null'
  if (Array.isArray(value)) {
    let out = '['
    for (let i = 0; i < value.length; i++) out += `${i === 0 ? '' : ','}${canonicalJson(value[i] ?? null)}`
    return `${out}]`
  }
  const record = value as Record<string, unknown>
  const keys = Object.keys(record).sort()
  let out = '{'
  for (const key of keys) {
    const member = record[key]
    if (member === null || member === undefined) continue
    out += `${out.length === 1 ? '' : ','}${JSON.stringify(key)}:${canonicalJson(member)}`
  }
  return `${out}}`
}
