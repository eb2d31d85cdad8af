// A backup world in Node: MSW at the network edge (Google and the app's server emulated), the wallet emulator, and
// the kit's real core on top. Each call builds a fresh world.
import { setupServer } from 'msw/node'
import {
  createGoogleEmulator,
  createShareServerEmulator,
  createWalletBackend,
  createWalletEmulator,
  type GoogleEmulatorOptions,
} from '../../src/testing/index.js'
import { portalAdapter } from '../../src/adapters/portalAdapter.js'
import { backupWallet } from '../../src/core/actions/backupWallet.js'
import { eraseBackup } from '../../src/core/actions/eraseBackup.js'
import { recoverWallet } from '../../src/core/actions/recoverWallet.js'
import { createShareApi } from '../../src/core/clients/createShareApi.js'
import { DRIVE_APPDATA_SCOPE } from '../../src/core/clients/driveKeyStore.js'
import type { BackupConfig } from '../../src/core/actions/backupWallet.js'
import type { KeyCustody } from '../../src/core/clients/WalletAdapter.js'

export const server = setupServer()
export const BASE = 'http://app.test/api'

export function createWorld(
  options: {
    clientId?: string
    keyCustody?: KeyCustody
    timeoutMs?: number
    tries?: number
    google?: GoogleEmulatorOptions
    /** The wallet emulator's realistic mode (late boot, dropped early calls, numeric codes). */
    wallet?: { realistic?: boolean; bootDelayMs?: number | 'manual' }
    walletTimeoutMs?: number
  } = {},
) {
  const clientId = options.clientId ?? 'client-1'
  const google = createGoogleEmulator(options.google)
  const share = createShareServerEmulator({ baseURL: BASE })
  server.resetHandlers(...google.handlers, ...share.handlers)
  const backend = createWalletBackend()
  const walletOptions = { ...options.wallet }
  const wallet = createWalletEmulator({ clientId, backend, ...walletOptions })
  const keyCustody = options.keyCustody ?? 'kit'
  let token = google.issueToken({ scope: DRIVE_APPDATA_SCOPE }).access_token
  const tokenRejected = { count: 0 }
  const config: BackupConfig = {
    wallet: portalAdapter(wallet, { keyCustody }),
    clientId,
    shareApi: createShareApi({
      baseURL: BASE,
      ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
      retry: { tries: options.tries ?? 3, baseDelayMs: 1, maxDelayMs: 5 },
    }),
    retry: { tries: options.tries ?? 3, baseDelayMs: 1, maxDelayMs: 5 },
    ...(options.walletTimeoutMs ? { walletTimeoutMs: options.walletTimeoutMs } : {}),
  }
  const params = () => ({
    getAccessToken: async () => token,
    onTokenRejected: () => void tokenRejected.count++,
  })
  return {
    clientId,
    google,
    share,
    backend,
    wallet,
    config,
    tokenRejected,
    get token() {
      return token
    },
    newToken() {
      token = google.issueToken({ scope: DRIVE_APPDATA_SCOPE }).access_token
      return token
    },
    backup: (signal?: AbortSignal) => backupWallet(config, { ...params(), signal }),
    recover: (signal?: AbortSignal) => recoverWallet(config, { ...params(), signal }),
    erase: (signal?: AbortSignal) => eraseBackup(config, { ...params(), signal }),
    /** A new device: a fresh wallet instance for the same client, same provider backend, same Google account. */
    newDevice() {
      const device = createWalletEmulator({ clientId, backend, ...walletOptions })
      const deviceConfig: BackupConfig = { ...config, wallet: portalAdapter(device, { keyCustody }) }
      return {
        wallet: device,
        recover: () => recoverWallet(deviceConfig, params()),
        backup: () => backupWallet(deviceConfig, params()),
      }
    },
  }
}

export type World = ReturnType<typeof createWorld>
