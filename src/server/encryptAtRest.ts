import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { StorageKeyMismatchError } from './StorageKeyMismatchError.js'

/** 32 raw bytes, or their base64 / base64url / hex text. */
export type EncryptionKeyInput = Uint8Array | string

/** One key (its id is `"default"`), or a keyring whose `current` key seals new rows while all keys can open old ones. */
export type EncryptionKeyConfig = EncryptionKeyInput | { current: string; keys: Readonly<Record<string, EncryptionKeyInput>> }

export interface SealedValue {
  keyId: string
  data: Buffer
}

export interface AtRestCipher {
  readonly currentKeyId: string
  /** `context` is bound as AAD: a sealed value only opens under the same context (e.g. client + method). */
  seal(plaintext: string, context: string): SealedValue
  /** Throws StorageKeyMismatchError rather than ever returning bytes that did not authenticate. */
  open(sealed: SealedValue, context: string): string
}

const FORMAT_V1 = 1
const IV_BYTES = 12
const TAG_BYTES = 16
const HEADER_BYTES = 1 + IV_BYTES + TAG_BYTES

export const DEFAULT_KEY_ID = 'default'

// One randomBytes call per IV costs more than the AES work on small values; slicing IVs from a larger CSPRNG
// buffer keeps them just as random and never reuses a byte.
const IV_POOL_BYTES = IV_BYTES * 512
let ivPool = Buffer.alloc(0)
let ivOffset = 0
function nextIv(): Buffer {
  if (ivOffset + IV_BYTES > ivPool.length) {
    ivPool = randomBytes(IV_POOL_BYTES)
    ivOffset = 0
  }
  const iv = Buffer.from(ivPool.subarray(ivOffset, ivOffset + IV_BYTES))
  ivOffset += IV_BYTES
  return iv
}

/** AES-256-GCM sealing for values stored at rest, with a key id per value so keys can rotate. */
export function encryptAtRest(config: EncryptionKeyConfig): AtRestCipher {
  const { current, keys } = normalize(config)

  // The key id is part of the AAD so relabelling a row's key id column cannot pass authentication.
  const aad = (keyId: string, context: string) => Buffer.from(`react-mpc-backup/v1\u0000${keyId}\u0000${context}`, 'utf8')

  return {
    currentKeyId: current,
    seal(plaintext, context) {
      const key = keys.get(current)
      if (!key) throw new StorageKeyMismatchError(current, 'unknown_key')
      const iv = nextIv()
      const cipher = createCipheriv('aes-256-gcm', key, iv)
      cipher.setAAD(aad(current, context))
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
      return { keyId: current, data: Buffer.concat([Buffer.of(FORMAT_V1), iv, cipher.getAuthTag(), body]) }
    },
    open(sealed, context) {
      const key = keys.get(sealed.keyId)
      if (!key) throw new StorageKeyMismatchError(sealed.keyId, 'unknown_key')
      const data = sealed.data
      if (data.length < HEADER_BYTES || data[0] !== FORMAT_V1) {
        throw new StorageKeyMismatchError(sealed.keyId, 'authentication_failed')
      }
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(1, 1 + IV_BYTES))
        decipher.setAAD(aad(sealed.keyId, context))
        decipher.setAuthTag(data.subarray(1 + IV_BYTES, HEADER_BYTES))
        const body = Buffer.concat([decipher.update(data.subarray(HEADER_BYTES)), decipher.final()])
        return body.toString('utf8')
      } catch (cause) {
        throw new StorageKeyMismatchError(sealed.keyId, 'authentication_failed', { cause })
      }
    },
  }
}

function normalize(config: EncryptionKeyConfig): { current: string; keys: Map<string, Buffer> } {
  if (typeof config === 'string' || config instanceof Uint8Array) {
    return { current: DEFAULT_KEY_ID, keys: new Map([[DEFAULT_KEY_ID, decodeKey(config, DEFAULT_KEY_ID)]]) }
  }
  const keys = new Map<string, Buffer>()
  for (const [id, value] of Object.entries(config.keys)) {
    if (!/^[A-Za-z0-9._-]{1,64}$/.test(id)) throw new TypeError(`encryptionKey: key id "${id}" must match [A-Za-z0-9._-]{1,64}`)
    keys.set(id, decodeKey(value, id))
  }
  if (!keys.has(config.current)) throw new TypeError(`encryptionKey: current key id "${config.current}" is not in keys`)
  return { current: config.current, keys }
}

function decodeKey(value: EncryptionKeyInput, id: string): Buffer {
  let bytes: Buffer
  if (typeof value === 'string') {
    const text = value.trim()
    bytes = /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64')
  } else {
    bytes = Buffer.from(value)
  }
  if (bytes.length !== 32) {
    // Never echo the value: it is (part of) a secret.
    throw new TypeError(`encryptionKey "${id}" must be 32 bytes (raw, base64 or hex); got ${bytes.length} bytes`)
  }
  return bytes
}
