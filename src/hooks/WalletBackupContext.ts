import { createContext, useContext } from 'react'
import type { ShareApi } from '../core/clients/createShareApi.js'
import type { TokenBroker } from '../core/clients/createTokenBroker.js'
import { BackupConfigError } from '../core/errors/errors.js'
import type { WalletAdapter } from '../core/clients/WalletAdapter.js'
import type { RetryOptions } from '../core/utils/withRetry.js'

export type WalletBackupConfig = {
  wallet: WalletAdapter
  clientId: string
  shareApi: ShareApi
  broker: TokenBroker
  retry?: RetryOptions | undefined
  timeoutMs?: number | undefined
  walletTimeoutMs?: number | undefined
  /** The wallet can answer and its client id is known: until then no flow starts and no status is asked. */
  walletReady: boolean
  /** The client id as of now (the wallet is asked again): each flow binds its Google state to it when it starts. */
  readClientId?: ((signal: AbortSignal | undefined) => Promise<string>) | undefined
  /** Told the client id a run read when it differs from `clientId` (an adapter whose Portal client changed). */
  learnClientId?: ((clientId: string) => void) | undefined
  /** The components' texts (their `PartialMessages`, typed in src/components/messages.ts); the hooks never read it. */
  messages?: unknown
}

export const WalletBackupContext = createContext<WalletBackupConfig | null>(null)

export function useWalletBackupConfig(hook: string): WalletBackupConfig {
  const config = useContext(WalletBackupContext)
  if (!config) throw new BackupConfigError(`${hook} must be used inside <WalletBackupProvider>.`, { step: 'config' })
  return config
}
