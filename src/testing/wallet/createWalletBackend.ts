import { EmulatedMpcError } from './EmulatedMpcError.js'

/** Status of one backup (a generation of the client backup share). */
export type BackupGenerationStatus = 'pending' | 'completed' | 'discarded' | 'retired'

export interface BackupGenerationInfo {
  generation: number
  method: string
  status: BackupGenerationStatus
}

/** Provider-side ("Portal's servers") state shared by every device (emulator instance) of the same clients. */
export interface WalletBackend {
  clientIds(): string[]
  /** Public facts about one client's wallet, for tests and inspectors (never the share or keys). */
  describe(clientId: string): { address: string; backups: BackupGenerationInfo[] } | undefined
  /** Simulates the user deleting the provider's key file from Drive ('GDRIVE' custody). */
  clearVault(clientId: string): void
  /**
   * Seeds one client's wallet as `describe` reported it (e.g. from a fixture another process wrote), replacing any.
   * Its backups recover from their cipherTexts in kit custody ('PASSWORD', the key comes with the call); provider
   * custody ('GDRIVE') keys never leave the backend, so those backups do not recover after a restore.
   */
  restore(clientId: string, wallet: { address: string; backups: BackupGenerationInfo[] }): void
}

/** @internal The emulator's view of one client's wallet. */
export interface WalletRecord {
  clientId: string
  address: string
  nextGeneration: number
  generations: Map<number, { method: string; status: BackupGenerationStatus }>
  /** Set by a recovery: the next confirmed backup retires every older backup (all methods). */
  retireAllOnNextCompletion: boolean
  /** Provider custody ('GDRIVE'): one key per generation, as if Portal kept it in the user's Drive. */
  vault: Map<number, CryptoKey>
  busy: boolean
}

const records = new WeakMap<WalletBackend, Map<string, WalletRecord>>()

/** @internal */
export function walletRecords(backend: WalletBackend): Map<string, WalletRecord> {
  const map = records.get(backend)
  if (!map)
    throw new EmulatedMpcError('UNEXPECTED_ERROR', 'wallet emulator: backend was not made by createWalletBackend()')
  return map
}

export function createWalletBackend(): WalletBackend {
  const map = new Map<string, WalletRecord>()
  const backend: WalletBackend = {
    clientIds: () => [...map.keys()],
    describe(clientId) {
      const r = map.get(clientId)
      return (
        r && {
          address: r.address,
          backups: [...r.generations].map(([generation, g]) => ({ generation, method: g.method, status: g.status })),
        }
      )
    },
    clearVault(clientId) {
      map.get(clientId)?.vault.clear()
    },
    restore(clientId, { address, backups }) {
      map.set(clientId, {
        clientId,
        address,
        nextGeneration: Math.max(0, ...backups.map((b) => b.generation)) + 1,
        generations: new Map(backups.map((b) => [b.generation, { method: b.method, status: b.status }])),
        retireAllOnNextCompletion: false,
        vault: new Map(),
        busy: false,
      })
    },
  }
  records.set(backend, map)
  return backend
}

/** Used when a test passes no `backend`; emulators get random client ids by default, so tests do not collide. */
export const defaultWalletBackend: WalletBackend = createWalletBackend()
