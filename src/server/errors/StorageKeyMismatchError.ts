import { recognizedAcrossCopies } from './recognizedAcrossCopies.js'

/**
 * Thrown when a stored row cannot be opened with the configured keys: its key id is unknown, or
 * AES-GCM authentication failed (wrong key, tampered bytes, or a row moved to another client/method).
 * Failing loudly is the point: returning undecryptable bytes would hand a wallet garbage to recover from.
 * The message names the key id only, never key material or row content.
 */
export class StorageKeyMismatchError extends Error {
  override readonly name = 'StorageKeyMismatchError'
  readonly code = 'storage_key_mismatch' as const
  readonly keyId: string

  constructor(keyId: string, reason: 'unknown_key' | 'authentication_failed', options?: { cause?: unknown }) {
    super(
      reason === 'unknown_key'
        ? `Stored row was encrypted with key id "${keyId}", which is not configured`
        : `Stored row failed authentication with key id "${keyId}" (wrong key or tampered row)`,
      options,
    )
    this.keyId = keyId
  }
}

recognizedAcrossCopies(StorageKeyMismatchError, 'StorageKeyMismatchError')
