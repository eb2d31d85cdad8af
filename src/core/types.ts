// The backup's shared types. The action (backupWallet) and its steps (authorize, storeNewBackup, rollback) all take
// them; they live here, not in backupWallet.ts, so no step imports the action that imports it.
import type { ShareApi } from './clients/createShareApi.js'
import type { WalletAdapter, WalletProgress } from './clients/WalletAdapter.js'
import type { RetryOptions } from './utils/withRetry.js'

/** The backup's running steps in order; the first after `authorizing` is shown when no popup is waited for. */
export const backupWalletSteps = ['authorizing', 'generating', 'storing', 'notifying'] as const
/**
 * A backup's step: `idle`, the running steps the action reports (`onStep`), then `success` or `error`. The one step
 * type of the backup, for the action, `useWalletBackup` and `<BackupButton>` alike.
 */
export type BackupWalletStep = 'idle' | (typeof backupWalletSteps)[number] | 'success' | 'error'

export type BackupConfig = {
  wallet: WalletAdapter
  clientId: string
  shareApi: ShareApi
  retry?: RetryOptions | undefined
  fetch?: typeof fetch | undefined
  /** Per Drive request (the share API has its own, in its config). Default 20 s. */
  timeoutMs?: number | undefined
  /** Per wallet call, the wait for the wallet to be ready included. Default 60 s (`WalletTimeout` after it). */
  walletTimeoutMs?: number | undefined
}

export type BackupWalletParameters = {
  /** Resolves a Google access token with the drive.appdata scope. Needed in kit custody only. */
  getAccessToken?: (() => Promise<string>) | undefined
  /** Called when Drive rejects the token (401) so the holder can drop it. */
  onTokenRejected?: (() => void) | undefined
  /** Told the Google account (email) that holds (or is to hold) the key, so the next popup can pre-select it. */
  onGoogleAccount?: ((email: string) => void) | undefined
  onStep?: ((step: BackupWalletStep) => void) | undefined
  onProgress?: ((progress: WalletProgress) => void) | undefined
  signal?: AbortSignal | undefined
}

/** Nothing secret: the mutation's data lands in the React Query cache. */
export type BackupWalletReturnType = { backupMethod: string; storedAt: string; keyVersion: string }
