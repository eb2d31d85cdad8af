import { EmulatedMpcError } from './EmulatedMpcError.js'

/** Clear header of a cipherText; bound to the ciphertext as AES-GCM additional data, so editing it fails decryption. */
export interface EnvelopeHeader {
  v: 1
  alg: 'A256GCM'
  kdf: 'HKDF-SHA256' | 'provider-vault'
  method: string
  clientId: string
  gen: number
  salt: string
}

interface SharePayload {
  share: string
  clientId: string
  generation: number
}

const encoder = new TextEncoder()

export function toBase64(bytes: Uint8Array): string {
  let s = ''
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return btoa(s)
}

export function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const s = atob(text)
  const out = new Uint8Array(s.length)
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i)
  return out
}

// Fixed key order: the AAD must be byte-identical on both sides.
const aad = (h: EnvelopeHeader) =>
  encoder.encode(JSON.stringify([h.v, h.alg, h.kdf, h.method, h.clientId, h.gen, h.salt]))

/** HKDF, not PBKDF2: the kit's "password" is a random 256-bit key, so a slow KDF buys nothing. */
export async function passwordKey(password: string, salt: Uint8Array<ArrayBuffer>): Promise<CryptoKey> {
  const ikm = await crypto.subtle.importKey('raw', encoder.encode(password), 'HKDF', false, ['deriveKey'])
  return crypto.subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt, info: encoder.encode('wallet-emulator backup share v1') },
    ikm,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  )
}

export function vaultKey(): Promise<CryptoKey> {
  return crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt'])
}

export async function sealEnvelope(header: EnvelopeHeader, key: CryptoKey, payload: SharePayload): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12))
  const ct = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: aad(header) },
    key,
    encoder.encode(JSON.stringify(payload)),
  )
  return btoa(JSON.stringify({ ...header, iv: toBase64(iv), ct: toBase64(new Uint8Array(ct)) }))
}

/** Reads the clear header; any malformation is reported as DECRYPTION_FAILED (as a real SDK would fail). */
export function readEnvelope(cipherText: unknown): {
  header: EnvelopeHeader
  iv: Uint8Array<ArrayBuffer>
  ct: Uint8Array<ArrayBuffer>
} {
  const fail = () =>
    new EmulatedMpcError('DECRYPTION_FAILED', 'Failed to decrypt the backup share: malformed cipherText')
  if (typeof cipherText !== 'string' || cipherText === '') throw fail()
  let raw: unknown
  try {
    raw = JSON.parse(atob(cipherText))
  } catch {
    throw fail()
  }
  if (raw === null || typeof raw !== 'object') throw fail()
  const o = raw as Record<string, unknown>
  if (
    o['v'] !== 1 ||
    o['alg'] !== 'A256GCM' ||
    (o['kdf'] !== 'HKDF-SHA256' && o['kdf'] !== 'provider-vault') ||
    typeof o['method'] !== 'string' ||
    typeof o['clientId'] !== 'string' ||
    typeof o['gen'] !== 'number' ||
    typeof o['salt'] !== 'string' ||
    typeof o['iv'] !== 'string' ||
    typeof o['ct'] !== 'string'
  ) {
    throw fail()
  }
  try {
    return {
      header: {
        v: 1,
        alg: 'A256GCM',
        kdf: o['kdf'],
        method: o['method'],
        clientId: o['clientId'],
        gen: o['gen'],
        salt: o['salt'],
      },
      iv: fromBase64(o['iv']),
      ct: fromBase64(o['ct']),
    }
  } catch {
    throw fail()
  }
}

export async function openEnvelope(
  envelope: { header: EnvelopeHeader; iv: Uint8Array<ArrayBuffer>; ct: Uint8Array<ArrayBuffer> },
  key: CryptoKey,
): Promise<SharePayload> {
  let plain: ArrayBuffer
  try {
    plain = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: envelope.iv, additionalData: aad(envelope.header) },
      key,
      envelope.ct,
    )
  } catch {
    throw new EmulatedMpcError(
      'DECRYPTION_FAILED',
      'Failed to decrypt the backup share: wrong key or altered cipherText',
    )
  }
  const payload = JSON.parse(new TextDecoder().decode(plain)) as SharePayload
  return payload
}
