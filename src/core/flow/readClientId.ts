import { callWallet } from '../clients/callWallet.js'
import { BackupConfigError, BackupError } from '../errors/errors.js'
import type { WalletAdapter } from '../clients/WalletAdapter.js'

/**
 * The client id the wallet tells as of now, asked again on every call (an app may keep one adapter for the page's
 * life while its Portal client changes from one user to the next).
 */
export async function readClientId(
  wallet: WalletAdapter,
  options: { signal?: AbortSignal | undefined; timeoutMs?: number | undefined } = {},
): Promise<string> {
  try {
    const id = await callWallet(wallet, () => wallet.getClientId!(), { step: 'config', ...options })
    if (typeof id === 'string' && id) return id
    throw new Error('no client id')
  } catch (cause) {
    if (cause instanceof BackupError) throw cause
    throw new BackupConfigError('Could not read the client id from the wallet.', { step: 'config', cause })
  }
}
