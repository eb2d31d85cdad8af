import { applyLatency, sleep, type LatencyOptions } from './applyLatency.js'
import { fromBase64, openEnvelope, passwordKey, readEnvelope, sealEnvelope, toBase64, vaultKey, type EnvelopeHeader } from './backupEnvelope.js'
import { defaultWalletBackend, walletRecords, type WalletBackend, type WalletRecord } from './createWalletBackend.js'
import { EmulatedMpcError } from './EmulatedMpcError.js'
import { sha256 } from './sha256.js'

export type WalletOperation = 'backup' | 'notify' | 'recover'

/**
 * A fault for the next calls of one operation (`times` calls, or until cleared). `delayMs` waits first and may be
 * combined with `error` or `returnValue`. `returnValue` replaces the WHOLE resolved value of the call and skips the
 * operation (no state change), e.g. `{ returnValue: { cipherText: '', storageCallback: async () => {} } }`.
 */
export type WalletFault =
  | { error: { code: string; message?: string }; delayMs?: number; times?: number }
  | { returnValue: unknown; delayMs?: number; times?: number }
  | { delayMs: number; times?: number }

export type WalletFaults = { [K in WalletOperation]?: WalletFault | undefined }

export interface BackupProgress {
  status: string
  done: boolean
}
export type BackupProgressCallback = (progress: BackupProgress) => void

export interface BackupConfigs {
  passwordStorage?: { password: string }
}

export interface WalletNotification {
  success: boolean
  method: string
  at: number
}

export interface WalletEmulatorOptions {
  /** Default: a random id, so tests sharing the default backend never collide. */
  clientId?: string
  /** Provider-side state; share one between emulators to model several devices. Default: a module-level backend. */
  backend?: WalletBackend
  /** Make a new wallet on this device when the backend has none for `clientId` (default true). */
  createWallet?: boolean
  latency?: LatencyOptions<WalletOperation>
}

interface WalletEmulatorBase {
  readonly clientId: string
  /** Known once the wallet is on this device (made here or recovered). */
  readonly address: string | undefined
  readonly notifications: WalletNotification[]
  faults: WalletFaults
  isWalletBackedUp(chainId?: string): Promise<boolean>
  isWalletRecoverable(chainId?: string): Promise<boolean>
  availableRecoveryMethods(chainId?: string): Promise<string[]>
  isWalletOnDevice(chainId?: string): Promise<boolean>
}

/** Structurally interchangeable with `@portal-hq/web` 3.x `Portal` for the backup/recovery calls. */
export interface WalletEmulator extends WalletEmulatorBase {
  readonly api: 'current'
  backupWallet(
    method: string,
    progress?: BackupProgressCallback,
    configs?: BackupConfigs,
  ): Promise<{ cipherText: string; storageCallback: () => Promise<void> }>
  storedClientBackupShare(success: boolean, backupMethod: string): Promise<void>
  recoverWallet(cipherText: string, backupMethod: string, configs?: BackupConfigs, progress?: BackupProgressCallback): Promise<string>
}

/** The legacy call shapes (provider custody, method 'GDRIVE'); `recoverWallet` returns the NEW backup share. */
export interface LegacyWalletEmulator extends WalletEmulatorBase {
  readonly api: 'legacy'
  backupWallet(progress?: BackupProgressCallback): Promise<string>
  storedClientBackupShare(success: boolean): Promise<void>
  recoverWallet(backupShare: string, progress?: BackupProgressCallback): Promise<string>
}

const LEGACY_METHOD = 'GDRIVE'
const encoder = new TextEncoder()

function addressOf(secret: Uint8Array): string {
  const pub = sha256(new Uint8Array([...encoder.encode('public:'), ...secret]))
  return `0x${[...sha256(pub).subarray(0, 20)].map((b) => b.toString(16).padStart(2, '0')).join('')}`
}

function randomClientId(): string {
  return `client_${[...crypto.getRandomValues(new Uint8Array(8))].map((b) => b.toString(16).padStart(2, '0')).join('')}`
}

export function createWalletEmulator(options: WalletEmulatorOptions & { api: 'legacy' }): LegacyWalletEmulator
export function createWalletEmulator(options?: WalletEmulatorOptions & { api?: 'current' }): WalletEmulator
export function createWalletEmulator(
  options: WalletEmulatorOptions & { api?: 'current' | 'legacy' } = {},
): WalletEmulator | LegacyWalletEmulator {
  const clientId = options.clientId ?? randomClientId()
  const records = walletRecords(options.backend ?? defaultWalletBackend)
  const latency = options.latency
  // The device's copy of the wallet; kept in this closure only, never on the object, so it cannot be logged by
  // printing the emulator.
  let secret: Uint8Array | undefined
  let address: string | undefined
  const notifications: WalletNotification[] = []

  if (!records.has(clientId) && options.createWallet !== false) {
    secret = crypto.getRandomValues(new Uint8Array(32))
    address = addressOf(secret)
    records.set(clientId, {
      clientId,
      address,
      nextGeneration: 1,
      generations: new Map(),
      retireAllOnNextCompletion: false,
      vault: new Map(),
      busy: false,
    })
  }

  const record = (): WalletRecord => {
    const r = records.get(clientId)
    if (!r) throw new EmulatedMpcError('WALLET_NOT_ON_DEVICE', `No wallet exists for client ${clientId}`)
    return r
  }

  const emit = (progress: BackupProgressCallback | undefined, status: string, done = false) => {
    try {
      progress?.({ status, done })
    } catch {
      // A throwing progress listener must not break the wallet operation (the SDK calls it from a message handler).
    }
  }

  // Applies an armed fault. Returns { value } when the fault replaces the result.
  const runFault = async (op: WalletOperation): Promise<{ value: unknown } | undefined> => {
    const fault = api.faults[op]
    if (!fault) return undefined
    if (fault.times !== undefined) {
      fault.times -= 1
      if (fault.times <= 0) api.faults[op] = undefined
    }
    if (fault.delayMs !== undefined) await sleep(fault.delayMs)
    if ('error' in fault) throw new EmulatedMpcError(fault.error.code, fault.error.message)
    if ('returnValue' in fault) return { value: fault.returnValue }
    return undefined
  }

  // Portal refuses a second modification while one runs; the lock is per client (all devices).
  const exclusive = async <T>(work: () => Promise<T>): Promise<T> => {
    const r = records.get(clientId)
    if (r?.busy) {
      throw new EmulatedMpcError('WALLET_MODIFICATION_ALREADY_IN_PROGRESS', 'A wallet modification is already in progress')
    }
    if (r) r.busy = true
    try {
      return await work()
    } finally {
      if (r) r.busy = false
    }
  }

  const keyFor = async (method: string, header: EnvelopeHeader | undefined, configs: BackupConfigs | undefined, salt: Uint8Array<ArrayBuffer>): Promise<CryptoKey> => {
    if (method === 'PASSWORD') {
      const password = configs?.passwordStorage?.password
      if (typeof password !== 'string' || password === '') {
        throw new EmulatedMpcError('MISSING_PASSWORD', "Backup method 'PASSWORD' needs configs.passwordStorage.password")
      }
      return passwordKey(password, salt)
    }
    if (!header) return vaultKey()
    const key = record().vault.get(header.gen)
    if (!key) throw new EmulatedMpcError('GDRIVE_KEY_NOT_FOUND', 'The backup key was not found in Google Drive')
    return key
  }

  const backup = async (method: string, progress: BackupProgressCallback | undefined, configs: BackupConfigs | undefined) => {
    if (method !== 'PASSWORD' && method !== 'GDRIVE') {
      throw new EmulatedMpcError('UNSUPPORTED_STORAGE_METHODS', `Backup method ${method} is not supported by the emulator`)
    }
    if (!secret) throw new EmulatedMpcError('WALLET_NOT_ON_DEVICE', 'The wallet is not on this device; recover it first')
    const r = record()
    emit(progress, 'Generating share')
    const generation = r.nextGeneration++
    emit(progress, 'Parsing share')
    emit(progress, 'Encrypting share')
    const salt = crypto.getRandomValues(new Uint8Array(16))
    const key = await keyFor(method, undefined, configs, salt)
    const header: EnvelopeHeader = {
      v: 1,
      alg: 'A256GCM',
      kdf: method === 'PASSWORD' ? 'HKDF-SHA256' : 'provider-vault',
      method,
      clientId,
      gen: generation,
      salt: toBase64(salt),
    }
    const cipherText = await sealEnvelope(header, key, { share: toBase64(secret), clientId, generation })
    emit(progress, 'Storing share')
    if (method === 'GDRIVE') r.vault.set(generation, key)
    // Only the newest unconfirmed backup of a method can be confirmed.
    for (const g of r.generations.values()) if (g.method === method && g.status === 'pending') g.status = 'discarded'
    r.generations.set(generation, { method, status: 'pending' })
    emit(progress, 'Done', true)
    return cipherText
  }

  const notify = (success: boolean, method: string) => {
    notifications.push({ success, method, at: Date.now() })
    const r = records.get(clientId)
    if (!r) return
    const pending = [...r.generations].filter(([, g]) => g.method === method && g.status === 'pending')
    for (const [generation, g] of pending) {
      if (!success) {
        g.status = 'discarded'
        continue
      }
      for (const [other, o] of r.generations) {
        if (other === generation || o.status !== 'completed') continue
        if (o.method === method || r.retireAllOnNextCompletion) o.status = 'retired'
      }
      r.retireAllOnNextCompletion = false
      g.status = 'completed'
    }
    // A `true` with nothing pending (e.g. storageCallback and storedClientBackupShare both called) changes nothing.
  }

  const recover = async (cipherText: unknown, method: string, configs: BackupConfigs | undefined, progress: BackupProgressCallback | undefined) => {
    emit(progress, 'Reading share')
    const envelope = readEnvelope(cipherText)
    const { header } = envelope
    if (header.clientId !== clientId) throw new EmulatedMpcError('DECRYPTION_FAILED', 'The cipherText belongs to another client')
    if (header.method !== method) throw new EmulatedMpcError('DECRYPTION_FAILED', `The cipherText was not made with method ${method}`)
    emit(progress, 'Decrypting share')
    let salt: Uint8Array<ArrayBuffer>
    try {
      salt = fromBase64(header.salt)
    } catch {
      throw new EmulatedMpcError('DECRYPTION_FAILED', 'Failed to decrypt the backup share: malformed cipherText')
    }
    const key = await keyFor(method, header, configs, salt)
    const payload = await openEnvelope(envelope, key)
    const r = record()
    const status = r.generations.get(payload.generation)?.status
    if (status === 'retired') throw new EmulatedMpcError('BACKUP_SHARE_RETIRED', 'This backup share was replaced by a newer backup')
    if (status !== 'completed') {
      throw new EmulatedMpcError('BACKUP_SHARE_NOT_CONFIRMED', 'This backup share was never confirmed as stored')
    }
    emit(progress, 'Recovering backup share')
    const recovered = fromBase64(payload.share)
    if (addressOf(recovered) !== r.address) throw new EmulatedMpcError('UNEXPECTED_ERROR', 'Recovered share does not match the wallet')
    emit(progress, 'Recovering signing share')
    secret = recovered
    address = r.address
    // New signing and backup pairs now exist; the old backups stay usable until the next confirmed backup.
    r.retireAllOnNextCompletion = true
    emit(progress, 'Done', true)
    return r.address
  }

  const base = {
    clientId,
    get address() {
      return address
    },
    notifications,
    faults: {} as WalletFaults,
    async isWalletBackedUp() {
      return [...(records.get(clientId)?.generations.values() ?? [])].some((g) => g.status === 'completed')
    },
    async isWalletRecoverable() {
      return base.isWalletBackedUp()
    },
    async availableRecoveryMethods() {
      const methods = [...(records.get(clientId)?.generations.values() ?? [])]
        .filter((g) => g.status === 'completed')
        .map((g) => g.method)
      return [...new Set(methods)]
    },
    async isWalletOnDevice() {
      return secret !== undefined
    },
  }

  // defineProperties (not spread) keeps `address` a live getter.
  const withBase = <T extends object>(ops: T): T & typeof base =>
    Object.defineProperties(ops, Object.getOwnPropertyDescriptors(base)) as T & typeof base

  const current: WalletEmulator = withBase(
    {
      api: 'current' as const,
      backupWallet: (method: string, progress?: BackupProgressCallback, configs?: BackupConfigs) =>
        exclusive(async () => {
          const faulty = await runFault('backup')
          if (faulty) return faulty.value as { cipherText: string; storageCallback: () => Promise<void> }
          await applyLatency(latency, 'backup')
          const cipherText = await backup(method, progress, configs)
          return { cipherText, storageCallback: () => current.storedClientBackupShare(true, method) }
        }),
      storedClientBackupShare: async (success: boolean, backupMethod: string) => {
        const faulty = await runFault('notify')
        if (faulty) return
        await applyLatency(latency, 'notify')
        notify(success, backupMethod)
      },
      recoverWallet: (cipherText: string, backupMethod: string, configs?: BackupConfigs, progress?: BackupProgressCallback) =>
        exclusive(async () => {
          const faulty = await runFault('recover')
          if (faulty) return faulty.value as string
          await applyLatency(latency, 'recover')
          return recover(cipherText, backupMethod, configs, progress)
        }),
    },
  )

  const legacy: LegacyWalletEmulator = withBase(
    {
      api: 'legacy' as const,
      backupWallet: (progress?: BackupProgressCallback) =>
        exclusive(async () => {
          const faulty = await runFault('backup')
          if (faulty) return faulty.value as string
          await applyLatency(latency, 'backup')
          return backup(LEGACY_METHOD, progress, undefined)
        }),
      storedClientBackupShare: async (success: boolean) => {
        const faulty = await runFault('notify')
        if (faulty) return
        await applyLatency(latency, 'notify')
        notify(success, LEGACY_METHOD)
      },
      // Legacy recovery hands back the new backup share, which must be stored and confirmed like a backup.
      recoverWallet: (backupShare: string, progress?: BackupProgressCallback) =>
        exclusive(async () => {
          const faulty = await runFault('recover')
          if (faulty) return faulty.value as string
          await applyLatency(latency, 'recover')
          await recover(backupShare, LEGACY_METHOD, undefined, progress)
          return backup(LEGACY_METHOD, undefined, undefined)
        }),
    },
  )

  const api = options.api === 'legacy' ? legacy : current
  return api
}
