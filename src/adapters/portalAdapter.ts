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
  const keyCustody = options.keyCustody ?? 'kit'
  if (options.api === 'legacy') {
    const legacy = portal as LegacyPortalLike
    // The legacy SDK keeps the key itself (Drive through its own OAuth), so the kit cannot hold it.
    return {
      keyCustody: 'provider',
      backupMethod: 'UNKNOWN',
      backup: () => legacy.backupWallet(),
      notifyStored: async (success) => void (await legacy.storedClientBackupShare(success)),
      recover: async (cipherText) => ({ address: addressOf(await legacy.recoverWallet(cipherText)) }),
      ...(legacy.isWalletBackedUp ? { isBackedUp: () => legacy.isWalletBackedUp!() } : {}),
    }
  }
  const current = portal as PortalLike
  const backupMethod = keyCustody === 'kit' ? 'PASSWORD' : 'GDRIVE'
  const configs = (key: string | undefined): BackupConfigs | undefined =>
    keyCustody === 'kit' && key ? { passwordStorage: { password: key } } : undefined
  return {
    keyCustody,
    backupMethod,
    async backup({ key, onProgress }) {
      const out = await current.backupWallet(backupMethod, onProgress, configs(key))
      return typeof out === 'object' && out !== null && 'cipherText' in out ? out.cipherText : out
    },
    notifyStored: async (success) => void (await current.storedClientBackupShare(success, backupMethod)),
    async recover(cipherText, { key, onProgress }) {
      return { address: addressOf(await current.recoverWallet(cipherText, backupMethod, configs(key), onProgress)) }
    },
    ...(current.isWalletBackedUp ? { isBackedUp: () => current.isWalletBackedUp!() } : {}),
  }
}

function addressOf(result: unknown): string | undefined {
  return typeof result === 'string' && result ? result : undefined
}
