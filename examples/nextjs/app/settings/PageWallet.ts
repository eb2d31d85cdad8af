import type { WalletAdapter } from 'react-mpc-backup'

/** The page's wallet: the kit's adapter over it, plus the address the settings page shows. */
export interface PageWallet {
  adapter: WalletAdapter
  /** The wallet's address when the wallet is on this device. */
  address(): string | undefined
}
