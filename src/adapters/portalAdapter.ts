import type { KeyCustody, WalletAdapter, WalletProgress } from '../core/WalletAdapter.js'

type Progress = (p: WalletProgress) => void
type BackupConfigs = { passwordStorage?: { password: string } }

/**
 * The parts of `@portal-hq/web` 3.x's `Portal` the kit uses, written structurally: its published types do not
 * compile (see portal.md), and the kit must not depend on the SDK's version.
 */
export type PortalLike = {
  backupWallet(method: string, progress?: Progress, configs?: BackupConfigs): Promise<{ cipherText: string; storageCallback?: () => Promise<void> } | string>
  storedClientBackupShare(success: boolean, backupMethod?: string): Promise<unknown>
  recoverWallet(cipherText: string, backupMethod?: string, configs?: BackupConfigs, progress?: Progress): Promise<unknown>
  isWalletBackedUp?(chainId?: string): Promise<boolean>
}

/** The legacy SDK: `backupWallet()` -> backupShare string, `storedClientBackupShare(success)`. */
export type LegacyPortalLike = {
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

export function portalAdapter(portal: PortalLike | LegacyPortalLike, options: PortalAdapterOptions = {}): WalletAdapter {
  // The legacy SDK keeps the key itself (Drive through its own OAuth), so the kit cannot hold it.
  const legacy = options.api === 'legacy' ? (portal as LegacyPortalLike) : undefined
  const current = portal as PortalLike
  const keyCustody = legacy ? 'provider' : (options.keyCustody ?? 'kit')
  const backupMethod = legacy ? 'UNKNOWN' : keyCustody === 'kit' ? 'PASSWORD' : 'GDRIVE'
  // The kit's key is Portal's backup password; without one (provider custody) Portal uses its own storage.
  const configs = (key: string | undefined): BackupConfigs | undefined => (key ? { passwordStorage: { password: key } } : undefined)
  // Legacy recovery returns the NEW backup share (not an address): it is held here, in memory only, until the kit's
  // fresh backup asks for a share, so it is stored and confirmed like any backup and never lands in query data.
  let recoveredShare: string | undefined
  return {
    keyCustody,
    backupMethod,
    async backup({ key, onProgress }) {
      const made = recoveredShare
      recoveredShare = undefined
      const out = legacy ? (made ?? (await legacy.backupWallet())) : await current.backupWallet(backupMethod, onProgress, configs(key))
      return typeof out === 'object' && out !== null && 'cipherText' in out ? out.cipherText : out
    },
    notifyStored: async (success) =>
      void (await (legacy ? legacy.storedClientBackupShare(success) : current.storedClientBackupShare(success, backupMethod))),
    async recover(cipherText, { key, onProgress }) {
      if (!legacy) return { address: addressOf(await current.recoverWallet(cipherText, backupMethod, configs(key), onProgress)) }
      const share = await legacy.recoverWallet(cipherText)
      recoveredShare = typeof share === 'string' && share ? share : undefined
      return { address: undefined }
    },
    ...(current.isWalletBackedUp ? { isBackedUp: () => current.isWalletBackedUp!() } : {}),
  }
}

function addressOf(result: unknown): string | undefined {
  return typeof result === 'string' && result ? result : undefined
}
