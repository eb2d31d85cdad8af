import {
  UNKNOWN_METHOD,
  type KeyCustody,
  type WalletAdapter,
  type WalletProgress,
} from '../core/clients/WalletAdapter.js'

/** Portal's progress callback (`{ status, done }`). */
export type PortalProgressCallback = (p: WalletProgress) => void
/** Portal's backup configs: the kit passes its key as the PASSWORD backup's password. */
export type PortalBackupConfigs = { passwordStorage?: { password: string } }

/** What `@portal-hq/web` 3.x offers to tell when its iframe can answer, and who the client is. All optional. */
export type PortalReadiness = {
  /** 3.x: true once the iframe has answered `portal:ready`. */
  readonly ready?: boolean
  /** 3.x: runs `callback` once ready (at once if already ready); returns an unsubscribe. */
  onReady?(callback: () => unknown): unknown
  /**
   * 3.x: the Portal client (`portal:getClient`); its `id` is the client id, and each wallet (one per curve) lists its
   * `backupSharePairs` (`{ id, backupMethod, status, createdAt }`, `status: 'completed'` once confirmed).
   */
  getClient?(): Promise<{ id?: unknown; wallets?: unknown } | null | undefined>
}

/**
 * The parts of `@portal-hq/web` 3.x's `Portal` the kit uses, written structurally: its published types do not
 * compile (see portal.md), and the kit must not depend on the SDK's version. A real `Portal` instance fits.
 */
export type PortalLike = PortalReadiness & {
  backupWallet(
    method: string,
    progress?: PortalProgressCallback,
    configs?: PortalBackupConfigs,
  ): Promise<{ cipherText: string; storageCallback?: () => Promise<unknown> } | string>
  storedClientBackupShare(success: boolean, backupMethod?: string): Promise<unknown>
  recoverWallet(
    cipherText: string,
    backupMethod?: string,
    configs?: PortalBackupConfigs,
    progress?: PortalProgressCallback,
  ): Promise<unknown>
  isWalletBackedUp?(chainId?: string): Promise<boolean>
}

/** The legacy SDK: `backupWallet()` -> backupShare string, `storedClientBackupShare(success)`. */
export type LegacyPortalLike = PortalReadiness & {
  backupWallet(): Promise<string>
  storedClientBackupShare(success: boolean): Promise<unknown>
  recoverWallet(backupShare: string): Promise<unknown>
  isWalletBackedUp?(): Promise<boolean>
}

export type PortalAdapterOptions = {
  /** `kit` (default): the kit keeps the key in Drive and hands it to Portal as a PASSWORD backup. */
  keyCustody?: KeyCustody
  /** `legacy` for the pre-3.x call shapes; default `current`. */
  api?: 'current' | 'legacy'
}

export function portalAdapter(
  portal: PortalLike | LegacyPortalLike,
  options: PortalAdapterOptions = {},
): WalletAdapter {
  // The legacy SDK keeps the key itself (Drive through its own OAuth), so the kit cannot hold it.
  const legacy = options.api === 'legacy' ? (portal as LegacyPortalLike) : undefined
  const current = portal as PortalLike
  const keyCustody = legacy ? 'provider' : (options.keyCustody ?? 'kit')
  const backupMethod = legacy ? UNKNOWN_METHOD : keyCustody === 'kit' ? 'PASSWORD' : 'GDRIVE'
  // The kit's key is Portal's backup password; without one (provider custody) Portal uses its own storage.
  const configs = (key: string | undefined): PortalBackupConfigs | undefined =>
    key ? { passwordStorage: { password: key } } : undefined
  // Legacy recovery returns the NEW backup share (not an address): it is held here, in memory only, until the kit's
  // fresh backup asks for a share, so it is stored and confirmed like any backup and never lands in query data.
  let recoveredShare: string | undefined
  // 3.x resolves a backup with `storageCallback`, which posts `portal:api:setBackupStatus` with the `backupIds` the
  // iframe returned for THIS backup (one share pair per curve). `storedClientBackupShare(true, method)` names no
  // backup, only a method, so with several backups of a method (multi-backup, a retry) it cannot say which one was
  // stored. Success therefore goes through the callback when the SDK gave one; `storedClientBackupShare` stays for
  // `false` (the callback has no failure form) and for SDKs whose backup returns no callback (legacy, older 3.x).
  let confirmStored: (() => Promise<unknown>) | undefined
  return {
    keyCustody,
    backupMethod,
    async backup({ key, onProgress }) {
      confirmStored = undefined
      const made = recoveredShare
      recoveredShare = undefined
      const out = legacy
        ? (made ?? (await legacy.backupWallet()))
        : await current.backupWallet(backupMethod, onProgress, configs(key))
      if (typeof out === 'object' && out !== null && 'cipherText' in out) {
        if (typeof out.storageCallback === 'function') confirmStored = out.storageCallback
        return out.cipherText
      }
      return out
    },
    async notifyStored(success) {
      const confirm = confirmStored
      confirmStored = undefined
      if (success && confirm) return void (await confirm())
      await (legacy ? legacy.storedClientBackupShare(success) : current.storedClientBackupShare(success, backupMethod))
    },
    async recover(cipherText, { key, onProgress }) {
      if (!legacy)
        return { address: addressOf(await current.recoverWallet(cipherText, backupMethod, configs(key), onProgress)) }
      const share = await legacy.recoverWallet(cipherText)
      recoveredShare = typeof share === 'string' && share ? share : undefined
      return { address: undefined }
    },
    ...(current.isWalletBackedUp ? { isBackedUp: () => current.isWalletBackedUp!() } : {}),
    ...readinessOf(portal),
    ...(typeof portal.getClient === 'function'
      ? {
          async getClientId() {
            const id = (await portal.getClient!())?.id
            if (typeof id !== 'string' || !id) throw new Error('Portal getClient() returned no client id.')
            return id
          },
          async latestBackupId(method: string) {
            return newestCompletedPair((await portal.getClient!())?.wallets, method)
          },
        }
      : {}),
  }
}

type SharePair = { id?: unknown; backupMethod?: unknown; status?: unknown; createdAt?: unknown }

/**
 * The id of the newest completed backup share pair of `method` across the client's wallets (one per curve), as the
 * SDK's own isWalletBackedUp reads them (`status === 'completed'`). Newest by Portal's `createdAt` (Portal's clock
 * against Portal's clock only), then by listing order, so the same listing always names the same pair.
 */
function newestCompletedPair(wallets: unknown, method: string): string | undefined {
  let newest: { id: string; at: number } | undefined
  for (const wallet of Array.isArray(wallets) ? wallets : []) {
    const pairs: unknown = (wallet as { backupSharePairs?: unknown } | null)?.backupSharePairs
    for (const pair of Array.isArray(pairs) ? (pairs as Array<SharePair | null>) : []) {
      if (pair?.backupMethod !== method || pair.status !== 'completed') continue
      if (typeof pair.id !== 'string' || !pair.id) continue
      const at = typeof pair.createdAt === 'string' ? Date.parse(pair.createdAt) : Number.NaN
      const time = Number.isNaN(at) ? Number.NEGATIVE_INFINITY : at
      if (!newest || time >= newest.at) newest = { id: pair.id, at: time }
    }
  }
  return newest?.id
}

/**
 * Portal 3.x posts every call to its iframe, and a call posted before the iframe has loaded goes to `about:blank`:
 * the browser drops it and its promise never settles. The SDK's own signals: `ready` (true once the iframe said
 * `portal:ready`) and `onReady` (run after that and the address round trip that follows it). Read live, not latched,
 * so a wallet that reports not ready again (an emulator reloading) is waited for again. An SDK without `onReady` is
 * taken as ready, as before.
 */
function readinessOf(portal: PortalReadiness): Pick<WalletAdapter, 'isReady' | 'onReady'> {
  if (typeof portal.onReady !== 'function') return {}
  let fired = false
  portal.onReady(() => {
    fired = true
  })
  return {
    isReady: () => (typeof portal.ready === 'boolean' ? portal.ready : fired),
    onReady(listener) {
      const off = portal.onReady!(() => listener())
      return () => {
        if (typeof off === 'function') off()
      }
    },
  }
}

function addressOf(result: unknown): string | undefined {
  return typeof result === 'string' && result ? result : undefined
}
