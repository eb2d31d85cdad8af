/**
 * Codes the wallet emulator throws. Portal's own codes where Portal has one (WALLET_MODIFICATION_ALREADY_IN_PROGRESS,
 * UNSUPPORTED_STORAGE_METHODS, UNEXPECTED_ERROR); emulator-specific codes where Portal's docs name none, so tests can
 * tell the cases apart (code under test should treat unknown codes as a generic wallet failure anyway).
 */
export type WalletEmulatorErrorCode =
  /** A backup or recovery is already running for this client. */
  | 'WALLET_MODIFICATION_ALREADY_IN_PROGRESS'
  /** Method other than 'PASSWORD' / 'GDRIVE'. */
  | 'UNSUPPORTED_STORAGE_METHODS'
  /** 'PASSWORD' without `configs.passwordStorage.password`. */
  | 'MISSING_PASSWORD'
  /** Backup asked of a device that does not hold the wallet (recover first). */
  | 'WALLET_NOT_ON_DEVICE'
  /** Wrong key, tampered or malformed cipherText, another client's or another method's cipherText. */
  | 'DECRYPTION_FAILED'
  /** 'GDRIVE': the provider-held key for this backup is gone (see `backend.clearVault`). */
  | 'GDRIVE_KEY_NOT_FOUND'
  /** The cipherText's backup was superseded by a later confirmed backup (or by recovery + confirmed backup). */
  | 'BACKUP_SHARE_RETIRED'
  /** The cipherText's backup was never confirmed with `storedClientBackupShare(true)`. */
  | 'BACKUP_SHARE_NOT_CONFIRMED'
  | 'UNEXPECTED_ERROR'

/** Shaped like `@portal-hq/web`'s MpcError: an Error with a string `code`. */
export class EmulatedMpcError extends Error {
  readonly code: string

  constructor(code: WalletEmulatorErrorCode | (string & {}), message?: string) {
    super(message ?? code)
    this.name = 'MpcError'
    this.code = code
  }
}

/** Shaped like `@portal-hq/web` 3.x's PortalMpcError (what its iframe errors become): a numeric `code`. */
export class EmulatedPortalMpcError extends Error {
  readonly code: number

  constructor(code: number, message: string) {
    super(message)
    this.name = 'PortalMpcError'
    this.code = code || 999
  }
}
