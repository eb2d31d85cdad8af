/** Who keeps the backup's encryption key: the kit (in the user's Drive, through its own OAuth) or the wallet SDK. */
export type KeyCustody = 'kit' | 'provider'

export type WalletProgress = { status: string; done: boolean }

/**
 * The backup method of a backup made without one: `portalAdapter`'s with Portal's legacy SDK (which names none), and
 * what the server records for a backup or share posted without `backupMethod` (older SDKs).
 */
export const UNKNOWN_METHOD = 'UNKNOWN'

/**
 * What the kit needs from a wallet. The kit's own structural interface: `portalAdapter` fits a real
 * `@portal-hq/web` Portal to it, and any other MPC wallet can implement it directly.
 */
export type WalletAdapter = {
  readonly keyCustody: KeyCustody
  /** The method the provider records the backup under (Portal: 'PASSWORD' for kit custody, 'GDRIVE' for provider). */
  readonly backupMethod: string
  /** Makes the encrypted client backup share. `key` is given in kit custody only. */
  backup(args: { key?: string | undefined; onProgress?: ((p: WalletProgress) => void) | undefined }): Promise<unknown>
  /** Tells the provider whether the app's server stored the share. */
  notifyStored(success: boolean): Promise<void>
  /** Restores the wallet on this device from a share (and the key in kit custody). Resolves the address if known. */
  recover(
    cipherText: string,
    args: { key?: string | undefined; onProgress?: ((p: WalletProgress) => void) | undefined },
  ): Promise<{ address?: string | undefined }>
  /** Whether the provider reports a completed backup; optional. */
  isBackedUp?(): Promise<boolean>
  /**
   * The provider's id of the newest completed backup of `method`, or undefined when it lists none. Optional. A
   * provider that keeps one backup per method (Portal) replaces the kit's when anyone else backs up with the same
   * method; the kit keeps this id with its record after the provider confirmed its backup, and status compares it
   * with the newest one the provider lists then (ids, never clocks). Not secret.
   */
  latestBackupId?(method: string): Promise<string | undefined>
  /**
   * Whether the wallet can answer calls yet. Optional: an adapter without it is always ready. A wallet SDK that
   * talks to an iframe (Portal) drops calls made before the iframe is up, so the kit waits for this first.
   */
  isReady?(): boolean
  /** Calls `listener` once the wallet becomes ready; returns an unsubscribe. Required with `isReady`. */
  onReady?(listener: () => void): () => void
  /** The wallet's client id, read through the SDK (asked only once ready). Lets the app leave `clientId` out. */
  getClientId?(): Promise<string>
}
