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
import type { WalletRecord } from './createWalletBackend.js'
import { EmulatedMpcError } from './EmulatedMpcError.js'
import { sha256 } from './sha256.js'
import type { BackupConfigs, BackupProgressCallback, WalletNotification } from './walletEmulatorTypes.js'

/**
 * One device's side of a client's wallet: its copy of the wallet (if any) and the backup calls, which move the
 * client's backup generations (shared by every device through the backend) through their states:
 * pending -> completed (confirmed) -> retired (superseded), or pending -> discarded.
 */
interface WalletDevice {
  /** Known once the wallet is on this device (made here or recovered). */
  readonly address: string | undefined
  readonly notifications: WalletNotification[]
  isOnDevice(): boolean
  /** Portal refuses a second modification while one runs; the lock is per client (all devices). */
  exclusive<T>(work: () => Promise<T>): Promise<T>
  backup(
    method: string,
    progress: BackupProgressCallback | undefined,
    configs: BackupConfigs | undefined,
  ): Promise<{ cipherText: string; generation: number }>
  /** `only`: the generation a storageCallback names; storedClientBackupShare names only a method. */
  notify(success: boolean, method: string, via?: WalletNotification['via'], only?: number): void
  recover(
    cipherText: unknown,
    method: string,
    configs: BackupConfigs | undefined,
    progress: BackupProgressCallback | undefined,
  ): Promise<string>
}

/** Makes a new wallet on this device when `records` has none for `clientId`, unless `createWallet` is false. */
export function createWalletDevice(options: {
  clientId: string
  records: Map<string, WalletRecord>
  createWallet: boolean
  now: () => number
}): WalletDevice {
  const { clientId, records, now } = options
  // The device's copy of the wallet; kept in this closure only, never on the emulator, so it cannot be logged by
  // printing the emulator.
  let secret: Uint8Array | undefined
  let address: string | undefined
  const notifications: WalletNotification[] = []

  if (!records.has(clientId) && options.createWallet) {
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

  const backup: WalletDevice['backup'] = async (method, progress, configs) => {
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
    return { cipherText, generation }
  }

  const notify: WalletDevice['notify'] = (success, method, via = 'storedClientBackupShare', only) => {
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

  const recover: WalletDevice['recover'] = async (cipherText, method, configs, progress) => {
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

  return {
    get address() {
      return address
    },
    notifications,
    isOnDevice: () => secret !== undefined,
    exclusive,
    backup,
    notify,
    recover,
  }
}

const encoder = new TextEncoder()

function addressOf(secret: Uint8Array): string {
  const pub = sha256(new Uint8Array([...encoder.encode('public:'), ...secret]))
  return `0x${[...sha256(pub).subarray(0, 20)].map((b) => b.toString(16).padStart(2, '0')).join('')}`
}

function emit(progress: BackupProgressCallback | undefined, status: string, done = false): void {
  try {
    progress?.({ status, done })
  } catch {
    // A throwing progress listener must not break the wallet operation (the SDK calls it from a message handler).
  }
}
