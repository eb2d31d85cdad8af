import type { LatencyOptions } from '../faults/applyLatency.js'
import type { WalletBackend } from './createWalletBackend.js'

// The wallet emulator's public types: its options, the faults it takes, what it records and the two Portal-shaped
// call surfaces it returns.

export type WalletOperation = 'backup' | 'notify' | 'recover'

/**
 * A fault for the next calls of one operation (`times` calls, or until cleared). `delayMs` waits first and may be
 * combined with `error` or `returnValue`; `until` holds the call until that promise settles (after any `delayMs`),
 * so a test can look at the flow mid-call and then release it, with no timer to race. `returnValue` replaces the
 * WHOLE resolved value of the call and skips the operation (no state change), e.g.
 * `{ returnValue: { cipherText: '', storageCallback: async () => {} } }`.
 */
export type WalletFault =
  | {
      error: { code: string | number; message?: string }
      delayMs?: number
      until?: PromiseLike<unknown>
      times?: number
    }
  | { returnValue: unknown; delayMs?: number; until?: PromiseLike<unknown>; times?: number }
  | { delayMs: number; until?: PromiseLike<unknown>; times?: number }
  | { until: PromiseLike<unknown>; delayMs?: number; times?: number }
  /** The call never settles, like a real SDK call whose iframe never answers. */
  | { hang: true; times?: number }

export type WalletFaults = { [K in WalletOperation]?: WalletFault | undefined }

export interface BackupProgress {
  status: string
  done: boolean
}
export type BackupProgressCallback = (progress: BackupProgress) => void

export interface BackupConfigs {
  passwordStorage?: { password: string }
}

export interface WalletNotification {
  success: boolean
  method: string
  at: number
  /** Which call told it: 3.x's `storageCallback()` (by backup ids) or `storedClientBackupShare(success, method)`. */
  via: 'storageCallback' | 'storedClientBackupShare'
}

export interface WalletEmulatorOptions {
  /** Default: a random id, so tests sharing the default backend never collide. */
  clientId?: string
  /** Provider-side state; share one between emulators to model several devices. Default: a module-level backend. */
  backend?: WalletBackend
  /** Make a new wallet on this device when the backend has none for `clientId` (default true). */
  createWallet?: boolean
  latency?: LatencyOptions<WalletOperation>
  /**
   * Behave like the real `@portal-hq/web` 3.x instead of conveniently (default false):
   * - boots late: not ready until `bootDelayMs` has passed (or `boot()` is called with `bootDelayMs: 'manual'`), and a
   *   call made before that is dropped: its promise never settles, as when the SDK posts into an iframe not loaded yet;
   * - rejects with `PortalMpcError`-shaped errors whose `code` is a number (`data.code || 999`);
   * - validates a PASSWORD backup locally as the SDK does: plain `Error`s without a code, nothing else happens.
   */
  realistic?: boolean
  /** Realistic mode: ms until ready (default 50), or 'manual' to wait for `boot()`. */
  bootDelayMs?: number | 'manual'
  /**
   * The emulator's clock, ms since the epoch (default `Date.now()`, read at each call): the `at` of `notifications`
   * and `dropped`. Delays (`latency`, `delayMs` faults, `bootDelayMs`) are real timers, not read from it.
   */
  now?: () => number
}

export interface WalletEmulatorBase {
  readonly clientId: string
  /** Known once the wallet is on this device (made here or recovered). */
  readonly address: string | undefined
  readonly notifications: WalletNotification[]
  faults: WalletFaults
  isWalletBackedUp(chainId?: string): Promise<boolean>
  isWalletRecoverable(chainId?: string): Promise<boolean>
  availableRecoveryMethods(chainId?: string): Promise<string[]>
  isWalletOnDevice(chainId?: string): Promise<boolean>
  /** Like `Portal.ready`: true once the (emulated) iframe is up. Always true unless `realistic`. */
  readonly ready: boolean
  /** Like `Portal.onReady`: runs `callback` once ready (at once if ready); returns an unsubscribe. */
  onReady(callback: () => unknown): () => void
  /** Realistic mode with `bootDelayMs: 'manual'`: the iframe is up now. */
  boot(): void
  /**
   * Like the page reloading on the same device (a new SDK instance, same stored wallet): not ready again, calls
   * dropped, until it boots after `bootDelayMs` (default: the emulator's own) or `boot()` with 'manual'.
   */
  reboot(options?: { bootDelayMs?: number | 'manual' }): void
  /** Like `Portal.getClient()` (the parts the kit reads): the client id and its backup share pairs. */
  getClient(): Promise<{
    id: string
    wallets: Array<{ backupSharePairs: Array<{ id: string; backupMethod: string; status: string }> }>
  }>
  /** Calls made before the wallet was ready (realistic mode): each one's promise never settles. */
  readonly dropped: Array<{ call: string; at: number }>
}

/** Structurally interchangeable with `@portal-hq/web` 3.x `Portal` for the backup/recovery calls. */
export interface WalletEmulator extends WalletEmulatorBase {
  readonly api: 'current'
  backupWallet(
    method: string,
    progress?: BackupProgressCallback,
    configs?: BackupConfigs,
  ): Promise<{ cipherText: string; storageCallback: () => Promise<void> }>
  storedClientBackupShare(success: boolean, backupMethod: string): Promise<void>
  recoverWallet(
    cipherText: string,
    backupMethod: string,
    configs?: BackupConfigs,
    progress?: BackupProgressCallback,
  ): Promise<string>
}

/** The legacy call shapes (provider custody, method 'GDRIVE'); `recoverWallet` returns the NEW backup share. */
export interface LegacyWalletEmulator extends WalletEmulatorBase {
  readonly api: 'legacy'
  backupWallet(progress?: BackupProgressCallback): Promise<string>
  storedClientBackupShare(success: boolean): Promise<void>
  recoverWallet(backupShare: string, progress?: BackupProgressCallback): Promise<string>
}
