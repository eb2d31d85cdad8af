import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto'
import { ServerConfigError } from '../errors/ServerConfigError.js'
import { StorageKeyMismatchError } from '../errors/StorageKeyMismatchError.js'

/** 32 raw bytes, or their base64 / base64url / hex text. */
export type EncryptionKeyInput = Uint8Array | string

/**
 * One key; or one key plus the keys it replaced (`previous` only open old rows); or a keyring whose `current` key
 * seals new rows under its own label while all keys can open old ones. Without labels, a key's id is its
 * fingerprint (`keyIdOf`), so rows sealed with different keys never share an id.
 */
export type EncryptionKeyConfig =
  | EncryptionKeyInput
  | { key: EncryptionKeyInput; previous?: readonly EncryptionKeyInput[] }
  | { current: string; keys: Readonly<Record<string, EncryptionKeyInput>> }

export interface SealedValue {
  keyId: string
  data: Buffer
}

export interface AtRestCipher {
  readonly currentKeyId: string
  /** Every key id this cipher can open (fingerprints and labels), current first. */
  readonly keyIds: readonly string[]
  /** `context` is bound as AAD: a sealed value only opens under the same context (e.g. client + method). */
  seal(plaintext: string, context: string): SealedValue
  /** Throws StorageKeyMismatchError rather than ever returning bytes that did not authenticate. */
  open(sealed: SealedValue, context: string): string
  /**
   * Keyed fingerprints of `message` (HMAC-SHA256 under a subkey of each configured key, current key first): safe to
   * store beside the data, useless for confirming a guess without the key.
   */
  mac(message: string): string[]
}

const FORMAT_V1 = 1
const IV_BYTES = 12
const TAG_BYTES = 16
const HEADER_BYTES = 1 + IV_BYTES + TAG_BYTES

/** The label every single key used before key ids were fingerprints; such rows still open with the key that sealed them. */
export const DEFAULT_KEY_ID = 'default'

/**
 * The id of a key: a fingerprint derived from it one way (HMAC-SHA256 keyed by the key over a fixed label, first
 * 64 bits), safe to print and store. It names the key without revealing anything about it.
 */
export function keyIdOf(key: EncryptionKeyInput): string {
  const bytes = decodeKey(key, 'key')
  return `fp-${createHmac('sha256', bytes).update('react-mpc-backup/key-id/v1').digest('hex').slice(0, 16)}`
}

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
  const aad = (keyId: string, context: string) =>
    Buffer.from(`react-mpc-backup/v1\u0000${keyId}\u0000${context}`, 'utf8')

  // One MAC subkey per distinct key; derived, so the sealing key itself is never used for anything but sealing.
  const macKeys = [...new Set([keys.get(current)![0]!, ...[...keys.values()].flat()])].map((key) =>
    createHmac('sha256', key).update('react-mpc-backup/mac/v1').digest(),
  )

  return {
    currentKeyId: current,
    mac(message) {
      return macKeys.map((key) => `h1:${createHmac('sha256', key).update(message, 'utf8').digest('base64url')}`)
    },
    keyIds: [current, ...[...keys.keys()].filter((id) => id !== current)],
    seal(plaintext, context) {
      const key = keys.get(current)?.[0]
      if (!key) throw new StorageKeyMismatchError(current, 'unknown_key')
      const iv = nextIv()
      const cipher = createCipheriv('aes-256-gcm', key, iv)
      cipher.setAAD(aad(current, context))
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
      return { keyId: current, data: Buffer.concat([Buffer.of(FORMAT_V1), iv, cipher.getAuthTag(), body]) }
    },
    open(sealed, context) {
      const candidates = keys.get(sealed.keyId)
      if (!candidates) throw new StorageKeyMismatchError(sealed.keyId, 'unknown_key')
      const data = sealed.data
      if (data.length < HEADER_BYTES || data[0] !== FORMAT_V1) {
        throw new StorageKeyMismatchError(sealed.keyId, 'authentication_failed')
      }
      let failure: unknown
      // One candidate per id, except the legacy "default" label, which any configured single key may have used.
      for (const key of candidates) {
        try {
          const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(1, 1 + IV_BYTES))
          decipher.setAAD(aad(sealed.keyId, context))
          decipher.setAuthTag(data.subarray(1 + IV_BYTES, HEADER_BYTES))
          const body = Buffer.concat([decipher.update(data.subarray(HEADER_BYTES)), decipher.final()])
          return body.toString('utf8')
        } catch (cause) {
          failure = cause
        }
      }
      throw new StorageKeyMismatchError(sealed.keyId, 'authentication_failed', { cause: failure })
    },
  }
}

function normalize(config: EncryptionKeyConfig): { current: string; keys: Map<string, Buffer[]> } {
  // Read from the environment, a key is undefined where it is not set (e.g. at `next build`): say so, typed.
  if (config === undefined || config === null)
    throw new ServerConfigError('encryptionKey is missing: give 32 bytes (raw, base64 or hex)')
  const keys = new Map<string, Buffer[]>()
  const add = (id: string, key: Buffer) => keys.set(id, [...(keys.get(id) ?? []), key])
  if (typeof config === 'string' || config instanceof Uint8Array || 'key' in config) {
    const [first, ...rest] =
      typeof config === 'string' || config instanceof Uint8Array ? [config] : [config.key, ...(config.previous ?? [])]
    const all = [first!, ...rest].map((value, i) => decodeKey(value, i === 0 ? 'key' : `previous[${i - 1}]`))
    for (const key of all) add(keyIdOf(key), key)
    for (const key of all) add(DEFAULT_KEY_ID, key)
    return { current: keyIdOf(all[0]!), keys }
  }
  for (const [id, value] of Object.entries(config.keys)) {
    if (!/^[A-Za-z0-9._-]{1,64}$/.test(id))
      throw new ServerConfigError(`encryptionKey: key id "${id}" must match [A-Za-z0-9._-]{1,64}`)
    const key = decodeKey(value, id)
    add(id, key)
    // Rows sealed while this key was configured alone carry its fingerprint.
    if (keyIdOf(key) !== id) add(keyIdOf(key), key)
  }
  if (!keys.has(config.current))
    throw new ServerConfigError(`encryptionKey: current key id "${config.current}" is not in keys`)
  return { current: config.current, keys }
}

function decodeKey(value: EncryptionKeyInput, id: string): Buffer {
  if (typeof value !== 'string' && !(value instanceof Uint8Array))
    throw new ServerConfigError(`encryptionKey "${id}" is missing: give 32 bytes (raw, base64 or hex)`)
  let bytes: Buffer
  if (typeof value === 'string') {
    const text = value.trim()
    bytes = /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64')
  } else {
    bytes = Buffer.from(value)
  }
  if (bytes.length !== 32) {
    // Never echo the value: it is (part of) a secret.
    throw new ServerConfigError(
      `encryptionKey "${id}" must be 32 bytes (raw, base64 or hex); got ${bytes.length} bytes`,
    )
  }
  return bytes
}
