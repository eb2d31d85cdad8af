import { applyLatency, sleep, type LatencyOptions } from '../faults/applyLatency.js'
import {
  fromBase64,
  openEnvelope,
  passwordKey,
  readEnvelope,
  sealEnvelope,
  toBase64,
  vaultKey,
  type EnvelopeHeader,
} from './backupEnvelope.js'
import { defaultWalletBackend, walletRecords, type WalletBackend, type WalletRecord } from './createWalletBackend.js'
import { EmulatedMpcError, EmulatedPortalMpcError } from './EmulatedMpcError.js'
import { sha256 } from './sha256.js'

export type WalletOperation = 'backup' | 'notify' | 'recover'

/**
 * A fault for the next calls of one operation (`times` calls, or until cleared). `delayMs` waits first and may be
 * combined with `error` or `returnValue`; `until` holds the call until that promise settles (after any `delayMs`),
 * so a test can look at the flow mid-call and then release it, with no timer to race. `returnValue` replaces the
 * WHOLE resolved value of the call and skips the operation (no state change), e.g.
 * `{ returnValue: { cipherText: '', storageCallback: async () => {} } }`.
 */
export type WalletFault =
  | {
      error: { code: string | number; message?: string }
      delayMs?: number
      until?: PromiseLike<unknown>
      times?: number
    }
  | { returnValue: unknown; delayMs?: number; until?: PromiseLike<unknown>; times?: number }
  | { delayMs: number; until?: PromiseLike<unknown>; times?: number }
  | { until: PromiseLike<unknown>; delayMs?: number; times?: number }
  /** The call never settles, like a real SDK call whose iframe never answers. */
  | { hang: true; times?: number }

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
  /** Which call told it: 3.x's `storageCallback()` (by backup ids) or `storedClientBackupShare(success, method)`. */
  via: 'storageCallback' | 'storedClientBackupShare'
}

export interface WalletEmulatorOptions {
  /** Default: a random id, so tests sharing the default backend never collide. */
  clientId?: string
  /** Provider-side state; share one between emulators to model several devices. Default: a module-level backend. */
  backend?: WalletBackend
  /** Make a new wallet on this device when the backend has none for `clientId` (default true). */
  createWallet?: boolean
  latency?: LatencyOptions<WalletOperation>
  /**
   * Behave like the real `@portal-hq/web` 3.x instead of conveniently (default false):
   * - boots late: not ready until `bootDelayMs` has passed (or `boot()` is called with `bootDelayMs: 'manual'`), and a
   *   call made before that is dropped: its promise never settles, as when the SDK posts into an iframe not loaded yet;
   * - rejects with `PortalMpcError`-shaped errors whose `code` is a number (`data.code || 999`);
   * - validates a PASSWORD backup locally as the SDK does: plain `Error`s without a code, nothing else happens.
   */
  realistic?: boolean
  /** Realistic mode: ms until ready (default 50), or 'manual' to wait for `boot()`. */
  bootDelayMs?: number | 'manual'
  /**
   * The emulator's clock, ms since the epoch (default `Date.now()`, read at each call): the `at` of `notifications`
   * and `dropped`. Delays (`latency`, `delayMs` faults, `bootDelayMs`) are real timers, not read from it.
   */
  now?: () => number
}

export interface WalletEmulatorBase {
  readonly clientId: string
  /** Known once the wallet is on this device (made here or recovered). */
  readonly address: string | undefined
  readonly notifications: WalletNotification[]
  faults: WalletFaults
  isWalletBackedUp(chainId?: string): Promise<boolean>
  isWalletRecoverable(chainId?: string): Promise<boolean>
  availableRecoveryMethods(chainId?: string): Promise<string[]>
  isWalletOnDevice(chainId?: string): Promise<boolean>
  /** Like `Portal.ready`: true once the (emulated) iframe is up. Always true unless `realistic`. */
  readonly ready: boolean
  /** Like `Portal.onReady`: runs `callback` once ready (at once if ready); returns an unsubscribe. */
  onReady(callback: () => unknown): () => void
  /** Realistic mode with `bootDelayMs: 'manual'`: the iframe is up now. */
  boot(): void
  /**
   * Like the page reloading on the same device (a new SDK instance, same stored wallet): not ready again, calls
   * dropped, until it boots after `bootDelayMs` (default: the emulator's own) or `boot()` with 'manual'.
   */
  reboot(options?: { bootDelayMs?: number | 'manual' }): void
  /** Like `Portal.getClient()` (the parts the kit reads): the client id and its backup share pairs. */
  getClient(): Promise<{
    id: string
    wallets: Array<{ backupSharePairs: Array<{ id: string; backupMethod: string; status: string }> }>
  }>
  /** Calls made before the wallet was ready (realistic mode): each one's promise never settles. */
  readonly dropped: Array<{ call: string; at: number }>
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
  recoverWallet(
    cipherText: string,
    backupMethod: string,
    configs?: BackupConfigs,
    progress?: BackupProgressCallback,
  ): Promise<string>
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
  const now = options.now ?? (() => Date.now())
  // The device's copy of the wallet; kept in this closure only, never on the object, so it cannot be logged by
  // printing the emulator.
  let secret: Uint8Array | undefined
  let address: string | undefined
  const notifications: WalletNotification[] = []
  const realistic = options.realistic === true
  let ready = !realistic
  const readyCallbacks = new Set<() => unknown>()
  const dropped: Array<{ call: string; at: number }> = []
  const boot = () => {
    if (ready) return
    ready = true
    for (const callback of [...readyCallbacks]) callback()
    readyCallbacks.clear()
  }
  const scheduleBoot = (delay: number | 'manual' | undefined) => {
    if (delay !== 'manual') setTimeout(boot, delay ?? 50)
  }
  if (realistic) scheduleBoot(options.bootDelayMs)
  const reboot = (o: { bootDelayMs?: number | 'manual' } = {}) => {
    ready = false
    scheduleBoot('bootDelayMs' in o ? o.bootDelayMs : options.bootDelayMs)
  }
  // The real SDK posts each call to its iframe; before the iframe has loaded the message is lost and the promise
  // never settles (no request ids, no timeout). Realistic mode does the same.
  const gate = <T>(call: string, run: () => Promise<T>): Promise<T> => {
    if (ready) return realistic ? run().catch(asPortalError) : run()
    dropped.push({ call, at: now() })
    return new Promise<T>(() => {})
  }

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
  const takeFault = (op: WalletOperation): WalletFault | undefined => {
    const fault = api.faults[op]
    if (!fault) return undefined
    if (fault.times !== undefined) {
      fault.times -= 1
      if (fault.times <= 0) api.faults[op] = undefined
    }
    return fault
  }
  // A hanging call is taken before the wallet's busy flag: the emulated iframe never got it.
  const hangs = (op: WalletOperation): boolean => {
    const fault = api.faults[op]
    return fault !== undefined && 'hang' in fault && takeFault(op) !== undefined
  }
  const never = <T>(): Promise<T> => new Promise<T>(() => {})
  const runFault = async (op: WalletOperation): Promise<{ value: unknown } | undefined> => {
    const fault = takeFault(op)
    if (!fault || 'hang' in fault) return undefined
    if (fault.delayMs !== undefined) await sleep(fault.delayMs)
    if (fault.until !== undefined) await Promise.resolve(fault.until).catch(() => {})
    if ('error' in fault) {
      const { code, message } = fault.error
      if (typeof code === 'number') throw new EmulatedPortalMpcError(code, message ?? `Portal error ${code}`)
      throw new EmulatedMpcError(code, message)
    }
    if ('returnValue' in fault) return { value: fault.returnValue }
    return undefined
  }

  // Portal refuses a second modification while one runs; the lock is per client (all devices).
  const exclusive = async <T>(work: () => Promise<T>): Promise<T> => {
    const r = records.get(clientId)
    if (r?.busy) {
      throw new EmulatedMpcError(
        'WALLET_MODIFICATION_ALREADY_IN_PROGRESS',
        'A wallet modification is already in progress',
      )
    }
    if (r) r.busy = true
    try {
      return await work()
    } finally {
      if (r) r.busy = false
    }
  }

  const keyFor = async (
    method: string,
    header: EnvelopeHeader | undefined,
    configs: BackupConfigs | undefined,
    salt: Uint8Array<ArrayBuffer>,
  ): Promise<CryptoKey> => {
    if (method === 'PASSWORD') {
      const password = configs?.passwordStorage?.password
      if (typeof password !== 'string' || password === '') {
        throw new EmulatedMpcError(
          'MISSING_PASSWORD',
          "Backup method 'PASSWORD' needs configs.passwordStorage.password",
        )
      }
      return passwordKey(password, salt)
    }
    if (!header) return vaultKey()
    const key = record().vault.get(header.gen)
    if (!key) throw new EmulatedMpcError('GDRIVE_KEY_NOT_FOUND', 'The backup key was not found in Google Drive')
    return key
  }

  let lastGeneration = 0
  // The SDK checks a PASSWORD backup's config before it posts anything, with plain errors and no code.
  const validatePassword = (method: string, configs: BackupConfigs | undefined) => {
    if (!realistic || method !== 'PASSWORD') return
    if (!configs?.passwordStorage) throw new Error('Password storage config is required')
    if (!configs.passwordStorage.password) throw new Error('Password is required')
    if (configs.passwordStorage.password.length < 4) throw new Error('Password must be at least 4 characters')
  }

  const backup = async (
    method: string,
    progress: BackupProgressCallback | undefined,
    configs: BackupConfigs | undefined,
  ) => {
    if (method !== 'PASSWORD' && method !== 'GDRIVE') {
      throw new EmulatedMpcError(
        'UNSUPPORTED_STORAGE_METHODS',
        `Backup method ${method} is not supported by the emulator`,
      )
    }
    if (!secret)
      throw new EmulatedMpcError('WALLET_NOT_ON_DEVICE', 'The wallet is not on this device; recover it first')
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
    lastGeneration = generation
    return cipherText
  }

  const notify = (
    success: boolean,
    method: string,
    via: WalletNotification['via'] = 'storedClientBackupShare',
    only?: number,
  ) => {
    notifications.push({ success, method, at: now(), via })
    const r = records.get(clientId)
    if (!r) return
    // storageCallback names its backup (the SDK posts its backupIds); storedClientBackupShare only a method.
    const pending = [...r.generations].filter(
      ([generation, g]) => g.method === method && g.status === 'pending' && (only === undefined || generation === only),
    )
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

  const recover = async (
    cipherText: unknown,
    method: string,
    configs: BackupConfigs | undefined,
    progress: BackupProgressCallback | undefined,
  ) => {
    emit(progress, 'Reading share')
    const envelope = readEnvelope(cipherText)
    const { header } = envelope
    if (header.clientId !== clientId)
      throw new EmulatedMpcError('DECRYPTION_FAILED', 'The cipherText belongs to another client')
    if (header.method !== method)
      throw new EmulatedMpcError('DECRYPTION_FAILED', `The cipherText was not made with method ${method}`)
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
    if (status === 'retired')
      throw new EmulatedMpcError('BACKUP_SHARE_RETIRED', 'This backup share was replaced by a newer backup')
    if (status !== 'completed') {
      throw new EmulatedMpcError('BACKUP_SHARE_NOT_CONFIRMED', 'This backup share was never confirmed as stored')
    }
    emit(progress, 'Recovering backup share')
    const recovered = fromBase64(payload.share)
    if (addressOf(recovered) !== r.address)
      throw new EmulatedMpcError('UNEXPECTED_ERROR', 'Recovered share does not match the wallet')
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
      return gate('isWalletBackedUp', async () =>
        [...(records.get(clientId)?.generations.values() ?? [])].some((g) => g.status === 'completed'),
      )
    },
    async isWalletRecoverable() {
      return base.isWalletBackedUp()
    },
    get ready() {
      return ready
    },
    onReady(callback: () => unknown) {
      if (ready) {
        callback()
        return () => {}
      }
      readyCallbacks.add(callback)
      return () => void readyCallbacks.delete(callback)
    },
    boot,
    reboot,
    dropped,
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
      return secret !== undefined
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
      if (hangs(op)) return never<T>()
      const modifies = op !== 'notify'
      const run = async (): Promise<T> => {
        const faulty = await runFault(op)
        if (faulty) return (modifies ? faulty.value : undefined) as T
        await applyLatency(latency, op)
        return work()
      }
      return modifies ? exclusive(run) : run()
    })

  const current: WalletEmulator = withBase({
    api: 'current' as const,
    backupWallet: async (method: string, progress?: BackupProgressCallback, configs?: BackupConfigs) => {
      validatePassword(method, configs)
      return sdkCall('backupWallet', 'backup', async () => {
        const cipherText = await backup(method, progress, configs)
        const generation = lastGeneration
        // Like the SDK's: confirms the backup it came with (its backupIds), through `portal:api:setBackupStatus`.
        const storageCallback = () =>
          sdkCall('storageCallback', 'notify', async () => notify(true, method, 'storageCallback', generation))
        return { cipherText, storageCallback }
      })
    },
    storedClientBackupShare: (success: boolean, backupMethod: string) =>
      sdkCall('storedClientBackupShare', 'notify', async () => notify(success, backupMethod)),
    recoverWallet: (
      cipherText: string,
      backupMethod: string,
      configs?: BackupConfigs,
      progress?: BackupProgressCallback,
    ) => sdkCall('recoverWallet', 'recover', () => recover(cipherText, backupMethod, configs, progress)),
  })

  const legacy: LegacyWalletEmulator = withBase({
    api: 'legacy' as const,
    backupWallet: (progress?: BackupProgressCallback) =>
      sdkCall('backupWallet', 'backup', () => backup(LEGACY_METHOD, progress, undefined)),
    storedClientBackupShare: (success: boolean) =>
      sdkCall('storedClientBackupShare', 'notify', async () => notify(success, LEGACY_METHOD)),
    // Legacy recovery hands back the new backup share, which must be stored and confirmed like a backup.
    recoverWallet: (backupShare: string, progress?: BackupProgressCallback) =>
      sdkCall('recoverWallet', 'recover', async () => {
        await recover(backupShare, LEGACY_METHOD, undefined, progress)
        return backup(LEGACY_METHOD, undefined, undefined)
      }),
  })

  const api = options.api === 'legacy' ? legacy : current
  return api
}

/** Numbers from the SDK's own `PortalErrorCodes` where one fits; everything else is the SDK's fallback 999. */
const portalCodes: Partial<Record<string, number>> = { DECRYPTION_FAILED: 407 }

/** Realistic mode: what the real SDK makes of an iframe error (`new PortalMpcError(data)`, `code = data.code || 999`). */
function asPortalError(error: unknown): never {
  if (error instanceof EmulatedMpcError) {
    const message =
      error.code === 'WALLET_MODIFICATION_ALREADY_IN_PROGRESS'
        ? '[PortalMpc] Wallet modification already in progress'
        : error.message
    throw new EmulatedPortalMpcError(portalCodes[error.code] ?? 999, message)
  }
  throw error
}
