// The wallet emulator's public entry: this device (its copy of the wallet and the client's backups), the emulated
// iframe (boot, lost calls) and the armed faults, composed into a `@portal-hq/web`-shaped object.

import { applyLatency } from '../faults/applyLatency.js'
import { defaultWalletBackend, walletRecords } from './createWalletBackend.js'
import { createWalletDevice } from './createWalletDevice.js'
import { createWalletIframe } from './createWalletIframe.js'
import type {
  BackupConfigs,
  BackupProgressCallback,
  LegacyWalletEmulator,
  WalletEmulator,
  WalletEmulatorOptions,
  WalletFaults,
  WalletOperation,
} from './walletEmulatorTypes.js'
import { hangs, never, runFault } from './walletFaults.js'

export type * from './walletEmulatorTypes.js'

const LEGACY_METHOD = 'GDRIVE'

export function createWalletEmulator(options: WalletEmulatorOptions & { api: 'legacy' }): LegacyWalletEmulator
export function createWalletEmulator(options?: WalletEmulatorOptions & { api?: 'current' }): WalletEmulator
export function createWalletEmulator(
  options: WalletEmulatorOptions & { api?: 'current' | 'legacy' } = {},
): WalletEmulator | LegacyWalletEmulator {
  const clientId = options.clientId ?? randomClientId()
  const records = walletRecords(options.backend ?? defaultWalletBackend)
  const latency = options.latency
  const now = options.now ?? (() => Date.now())
  const realistic = options.realistic === true
  const iframe = createWalletIframe({ realistic, bootDelayMs: options.bootDelayMs, now })
  const { gate } = iframe
  const device = createWalletDevice({ clientId, records, createWallet: options.createWallet !== false, now })

  const base = {
    clientId,
    get address() {
      return device.address
    },
    notifications: device.notifications,
    faults: {} as WalletFaults,
    async isWalletBackedUp() {
      return gate('isWalletBackedUp', async () =>
        [...(records.get(clientId)?.generations.values() ?? [])].some((g) => g.status === 'completed'),
      )
    },
    async isWalletRecoverable() {
      return base.isWalletBackedUp()
    },
    get ready() {
      return iframe.ready
    },
    onReady: iframe.onReady,
    boot: iframe.boot,
    reboot: iframe.reboot,
    dropped: iframe.dropped,
    getClient() {
      return gate('getClient', async () => ({
        id: clientId,
        wallets: [
          {
            backupSharePairs: [...(records.get(clientId)?.generations ?? [])].map(([generation, g]) => ({
              id: `${clientId}-backup-${generation}`,
              backupMethod: g.method,
              status: g.status,
            })),
          },
        ],
      }))
    },
    async availableRecoveryMethods() {
      const methods = [...(records.get(clientId)?.generations.values() ?? [])]
        .filter((g) => g.status === 'completed')
        .map((g) => g.method)
      return [...new Set(methods)]
    },
    async isWalletOnDevice() {
      return device.isOnDevice()
    },
  }

  // defineProperties (not spread) keeps `address` a live getter.
  const withBase = <T extends object>(ops: T): T & typeof base =>
    Object.defineProperties(ops, Object.getOwnPropertyDescriptors(base)) as T & typeof base

  /**
   * One SDK call as the emulated iframe serves it: lost before boot (`gate`); a `hang` fault never answers (taken
   * before the lock: the iframe never got the call); a modifying call holds the wallet's lock and an armed fault's
   * `returnValue` stands for its result, a report (notify) just returns; then the latency, then the work.
   */
  const sdkCall = <T>(call: string, op: WalletOperation, work: () => Promise<T>): Promise<T> =>
    gate(call, () => {
      if (hangs(api, op)) return never<T>()
      const modifies = op !== 'notify'
      const run = async (): Promise<T> => {
        const faulty = await runFault(api, op)
        if (faulty) return (modifies ? faulty.value : undefined) as T
        await applyLatency(latency, op)
        return work()
      }
      return modifies ? device.exclusive(run) : run()
    })

  const current: WalletEmulator = withBase({
    api: 'current' as const,
    backupWallet: async (method: string, progress?: BackupProgressCallback, configs?: BackupConfigs) => {
      validatePassword(realistic, method, configs)
      return sdkCall('backupWallet', 'backup', async () => {
        const { cipherText, generation } = await device.backup(method, progress, configs)
        // Like the SDK's: confirms the backup it came with (its backupIds), through `portal:api:setBackupStatus`.
        const storageCallback = () =>
          sdkCall('storageCallback', 'notify', async () => device.notify(true, method, 'storageCallback', generation))
        return { cipherText, storageCallback }
      })
    },
    storedClientBackupShare: (success: boolean, backupMethod: string) =>
      sdkCall('storedClientBackupShare', 'notify', async () => device.notify(success, backupMethod)),
    recoverWallet: (
      cipherText: string,
      backupMethod: string,
      configs?: BackupConfigs,
      progress?: BackupProgressCallback,
    ) => sdkCall('recoverWallet', 'recover', () => device.recover(cipherText, backupMethod, configs, progress)),
  })

  const legacy: LegacyWalletEmulator = withBase({
    api: 'legacy' as const,
    backupWallet: (progress?: BackupProgressCallback) =>
      sdkCall(
        'backupWallet',
        'backup',
        async () => (await device.backup(LEGACY_METHOD, progress, undefined)).cipherText,
      ),
    storedClientBackupShare: (success: boolean) =>
      sdkCall('storedClientBackupShare', 'notify', async () => device.notify(success, LEGACY_METHOD)),
    // Legacy recovery hands back the new backup share, which must be stored and confirmed like a backup.
    recoverWallet: (backupShare: string, progress?: BackupProgressCallback) =>
      sdkCall('recoverWallet', 'recover', async () => {
        await device.recover(backupShare, LEGACY_METHOD, undefined, progress)
        return (await device.backup(LEGACY_METHOD, undefined, undefined)).cipherText
      }),
  })

  const api = options.api === 'legacy' ? legacy : current
  return api
}

function randomClientId(): string {
  return `client_${[...crypto.getRandomValues(new Uint8Array(8))].map((b) => b.toString(16).padStart(2, '0')).join('')}`
}

// The SDK checks a PASSWORD backup's config before it posts anything, with plain errors and no code.
function validatePassword(realistic: boolean, method: string, configs: BackupConfigs | undefined): void {
  if (!realistic || method !== 'PASSWORD') return
  if (!configs?.passwordStorage) throw new Error('Password storage config is required')
  if (!configs.passwordStorage.password) throw new Error('Password is required')
  if (configs.passwordStorage.password.length < 4) throw new Error('Password must be at least 4 characters')
}
