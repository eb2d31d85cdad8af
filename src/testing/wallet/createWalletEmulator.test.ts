import { afterEach, describe, expect, it, vi } from 'vitest'
import { createWalletBackend } from './createWalletBackend.js'
import { createWalletEmulator } from './createWalletEmulator.js'

const password = () => {
  const bytes = crypto.getRandomValues(new Uint8Array(32))
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '')
}
const configs = (p: string) => ({ passwordStorage: { password: p } })

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise
  } catch (e) {
    expect(e).toBeInstanceOf(Error)
    expect((e as Error).name).toBe('MpcError')
    return (e as { code?: string }).code
  }
  throw new Error('expected a rejection')
}

describe('wallet emulator (3.x shape)', () => {
  it('PASSWORD: backup -> notify -> recover on a fresh device sharing the backend gives the same address', async () => {
    const backend = createWalletBackend()
    const phone = createWalletEmulator({ clientId: 'c1', backend })
    expect(phone.address).toMatch(/^0x[0-9a-f]{40}$/)
    expect(await phone.isWalletOnDevice()).toBe(true)
    expect(await phone.isWalletBackedUp()).toBe(false)

    const statuses: Array<[string, boolean]> = []
    const key = password()
    const { cipherText, storageCallback } = await phone.backupWallet(
      'PASSWORD',
      (s) => statuses.push([s.status, s.done]),
      configs(key),
    )
    expect(statuses).toEqual([
      ['Generating share', false],
      ['Parsing share', false],
      ['Encrypting share', false],
      ['Storing share', false],
      ['Done', true],
    ])
    expect(typeof cipherText).toBe('string')
    // The secret never appears in clear, the key neither.
    expect(atob(cipherText)).not.toContain(key)
    expect(await phone.isWalletBackedUp()).toBe(false)
    await storageCallback()
    expect(await phone.isWalletBackedUp()).toBe(true)
    expect(await phone.availableRecoveryMethods()).toEqual(['PASSWORD'])
    expect(phone.notifications).toEqual([
      { success: true, method: 'PASSWORD', at: expect.any(Number), via: 'storageCallback' },
    ])

    const laptop = createWalletEmulator({ clientId: 'c1', backend })
    expect(await laptop.isWalletOnDevice()).toBe(false)
    expect(laptop.address).toBeUndefined()
    expect(await laptop.isWalletBackedUp()).toBe(true)
    const recoveryStatuses: string[] = []
    const address = await laptop.recoverWallet(cipherText, 'PASSWORD', configs(key), (s) =>
      recoveryStatuses.push(s.status),
    )
    expect(address).toBe(phone.address)
    expect(laptop.address).toBe(phone.address)
    expect(await laptop.isWalletOnDevice()).toBe(true)
    expect(recoveryStatuses).toEqual([
      'Reading share',
      'Decrypting share',
      'Recovering backup share',
      'Recovering signing share',
      'Done',
    ])
  })

  it('wrong password fails with DECRYPTION_FAILED and the emulator stays usable', async () => {
    const backend = createWalletBackend()
    const wallet = createWalletEmulator({ backend })
    const key = password()
    const { cipherText } = await wallet.backupWallet('PASSWORD', undefined, configs(key))
    await wallet.storedClientBackupShare(true, 'PASSWORD')
    expect(await codeOf(wallet.recoverWallet(cipherText, 'PASSWORD', configs(password())))).toBe('DECRYPTION_FAILED')
    expect(await codeOf(wallet.recoverWallet(cipherText, 'PASSWORD'))).toBe('MISSING_PASSWORD')
    expect(await wallet.recoverWallet(cipherText, 'PASSWORD', configs(key))).toBe(wallet.address)
    await expect(wallet.backupWallet('PASSWORD', undefined, configs(key))).resolves.toHaveProperty('cipherText')
  })

  it('tampered cipherText fails (ciphertext byte, header field, garbage)', async () => {
    const wallet = createWalletEmulator({ backend: createWalletBackend() })
    const key = password()
    const { cipherText } = await wallet.backupWallet('PASSWORD', undefined, configs(key))
    await wallet.storedClientBackupShare(true, 'PASSWORD')
    const envelope = JSON.parse(atob(cipherText)) as Record<string, unknown>
    const ct = atob(String(envelope['ct']))
    const flipped = btoa(
      JSON.stringify({ ...envelope, ct: btoa(String.fromCharCode(ct.charCodeAt(0) ^ 1) + ct.slice(1)) }),
    )
    expect(await codeOf(wallet.recoverWallet(flipped, 'PASSWORD', configs(key)))).toBe('DECRYPTION_FAILED')
    const otherSalt = btoa(JSON.stringify({ ...envelope, salt: btoa('0123456789abcdef') }))
    expect(await codeOf(wallet.recoverWallet(otherSalt, 'PASSWORD', configs(key)))).toBe('DECRYPTION_FAILED')
    expect(await codeOf(wallet.recoverWallet('not base64 !!', 'PASSWORD', configs(key)))).toBe('DECRYPTION_FAILED')
    expect(await codeOf(wallet.recoverWallet('', 'PASSWORD', configs(key)))).toBe('DECRYPTION_FAILED')
    expect(await codeOf(wallet.recoverWallet(cipherText, 'GDRIVE'))).toBe('DECRYPTION_FAILED')
  })

  it('GDRIVE: provider custody key in the backend vault; recover without configs', async () => {
    const backend = createWalletBackend()
    const a = createWalletEmulator({ clientId: 'g1', backend })
    const { cipherText } = await a.backupWallet('GDRIVE')
    await a.storedClientBackupShare(true, 'GDRIVE')
    const b = createWalletEmulator({ clientId: 'g1', backend })
    expect(await b.recoverWallet(cipherText, 'GDRIVE')).toBe(a.address)
    backend.clearVault('g1')
    expect(await codeOf(b.recoverWallet(cipherText, 'GDRIVE'))).toBe('GDRIVE_KEY_NOT_FOUND')
  })

  it('backend.restore: a wallet described by one backend recovers from its cipherText on another', async () => {
    const first = createWalletBackend()
    const w = createWalletEmulator({ clientId: 'x1', backend: first })
    const key = password()
    const old = await w.backupWallet('PASSWORD', undefined, configs(key))
    await w.storedClientBackupShare(true, 'PASSWORD')
    const current = await w.backupWallet('PASSWORD', undefined, configs(key))
    await w.storedClientBackupShare(true, 'PASSWORD')
    const described = first.describe('x1')!

    const second = createWalletBackend()
    second.restore('x1', JSON.parse(JSON.stringify(described)))
    expect(second.describe('x1')).toEqual(described)
    const device = createWalletEmulator({ clientId: 'x1', backend: second, createWallet: false })
    expect(await device.isWalletBackedUp()).toBe(true)
    expect(await codeOf(device.recoverWallet(old.cipherText, 'PASSWORD', configs(key)))).toBe('BACKUP_SHARE_RETIRED')
    expect(await device.recoverWallet(current.cipherText, 'PASSWORD', configs(key))).toBe(w.address)
    // The next backup is a new generation, after the restored ones.
    await device.backupWallet('PASSWORD', undefined, configs(key))
    expect(second.describe('x1')?.backups.map((b) => b.generation)).toEqual([1, 2, 3])
  })

  it('notify false keeps the previous completed backup; a newer true retires the older; recovery retires all at next true', async () => {
    const backend = createWalletBackend()
    const w = createWalletEmulator({ clientId: 'r1', backend })
    const key = password()
    const first = await w.backupWallet('PASSWORD', undefined, configs(key))
    await w.storedClientBackupShare(true, 'PASSWORD')
    const failed = await w.backupWallet('PASSWORD', undefined, configs(key))
    await w.storedClientBackupShare(false, 'PASSWORD')
    expect(await w.isWalletBackedUp()).toBe(true)
    expect(await codeOf(w.recoverWallet(failed.cipherText, 'PASSWORD', configs(key)))).toBe(
      'BACKUP_SHARE_NOT_CONFIRMED',
    )
    expect(await w.recoverWallet(first.cipherText, 'PASSWORD', configs(key))).toBe(w.address)

    // After recovery the old share still works until the next confirmed backup.
    const device = createWalletEmulator({ clientId: 'r1', backend })
    expect(await device.recoverWallet(first.cipherText, 'PASSWORD', configs(key))).toBe(w.address)
    const second = await device.backupWallet('PASSWORD', undefined, configs(key))
    await second.storageCallback()
    expect(await codeOf(device.recoverWallet(first.cipherText, 'PASSWORD', configs(key)))).toBe('BACKUP_SHARE_RETIRED')
    expect(await device.recoverWallet(second.cipherText, 'PASSWORD', configs(key))).toBe(w.address)
    expect(backend.describe('r1')?.backups.map((b) => b.status)).toEqual(['retired', 'discarded', 'completed'])
    expect(w.notifications.map((n) => n.success)).toEqual([true, false])
  })

  it('a second backup or recovery while one runs -> WALLET_MODIFICATION_ALREADY_IN_PROGRESS', async () => {
    const w = createWalletEmulator({ backend: createWalletBackend(), latency: { backup: 50 } })
    const key = password()
    const first = w.backupWallet('PASSWORD', undefined, configs(key))
    expect(await codeOf(w.backupWallet('PASSWORD', undefined, configs(key)))).toBe(
      'WALLET_MODIFICATION_ALREADY_IN_PROGRESS',
    )
    expect(await codeOf(w.recoverWallet('x', 'PASSWORD', configs(key)))).toBe('WALLET_MODIFICATION_ALREADY_IN_PROGRESS')
    await expect(first).resolves.toHaveProperty('cipherText')
    await expect(w.backupWallet('PASSWORD', undefined, configs(key))).resolves.toHaveProperty('cipherText')
  })

  it('fault switches: error, returnValue, delay, times', async () => {
    const w = createWalletEmulator({ backend: createWalletBackend() })
    const key = password()
    w.faults.backup = { error: { code: 'UNEXPECTED_ERROR', message: 'iframe gone' }, times: 1 }
    expect(await codeOf(w.backupWallet('PASSWORD', undefined, configs(key)))).toBe('UNEXPECTED_ERROR')
    expect(w.faults.backup).toBeUndefined()
    w.faults.backup = { returnValue: { cipherText: '', storageCallback: async () => {} } }
    expect((await w.backupWallet('PASSWORD', undefined, configs(key))).cipherText).toBe('')
    w.faults.backup = undefined
    w.faults.notify = { error: { code: 'NOTIFY_DOWN' } }
    expect(await codeOf(w.storedClientBackupShare(true, 'PASSWORD'))).toBe('NOTIFY_DOWN')
    expect(w.notifications).toEqual([])
    w.faults.notify = undefined
    expect(await codeOf(w.backupWallet('PASSKEY'))).toBe('UNSUPPORTED_STORAGE_METHODS')
  })

  describe('a delay fault', () => {
    afterEach(() => vi.useRealTimers())

    it('{ delayMs: 60, error }: still pending at 59 ms (fake timers), rejects with the error at 60 ms', async () => {
      vi.useFakeTimers({ toFake: ['setTimeout'] })
      const w = createWalletEmulator({ backend: createWalletBackend() })
      w.faults.recover = { delayMs: 60, error: { code: 'CLIENT_NOT_VERIFIED' } }
      let settled = false
      const code = codeOf(w.recoverWallet('x', 'PASSWORD', configs(password()))).finally(() => {
        settled = true
      })
      await vi.advanceTimersByTimeAsync(59)
      expect(settled).toBe(false)
      await vi.advanceTimersByTimeAsync(1)
      expect(await code).toBe('CLIENT_NOT_VERIFIED')
    })
  })

  it('{ until }: the call is held until the promise settles, then answers as armed (error, returnValue) or runs', async () => {
    const w = createWalletEmulator({ backend: createWalletBackend() })
    // Armed with an error or a returnValue, an unheld call settles within microtasks: one macrotask turn later it
    // would have; held, it has not.
    const turn = () => new Promise((r) => setImmediate(r))
    let refuse!: () => void
    w.faults.recover = { until: new Promise<void>((r) => (refuse = r)), error: { code: 'CLIENT_NOT_VERIFIED' } }
    let refusedYet = false
    const refused = codeOf(w.recoverWallet('x', 'PASSWORD', configs(password()))).finally(() => {
      refusedYet = true
    })
    await turn()
    expect(refusedYet).toBe(false)
    refuse()
    expect(await refused).toBe('CLIENT_NOT_VERIFIED')

    let answer!: () => void
    const replaced = { cipherText: 'held', storageCallback: async () => {} }
    w.faults.backup = { until: new Promise<void>((r) => (answer = r)), returnValue: replaced, times: 1 }
    let answeredYet = false
    const answered = w.backupWallet('PASSWORD', undefined, configs(password())).finally(() => {
      answeredYet = true
    })
    await turn()
    expect(answeredYet).toBe(false)
    answer()
    expect(await answered).toBe(replaced)

    let release!: () => void
    w.faults.backup = { until: new Promise<void>((r) => (release = r)), times: 1 }
    const held = w.backupWallet('PASSWORD', undefined, configs(password()))
    release()
    await expect(held).resolves.toHaveProperty('cipherText')
    expect(await w.isWalletBackedUp()).toBe(false)
  })

  it('notifications and dropped calls are stamped with the injected clock', async () => {
    let clock = Date.UTC(2026, 0, 1)
    const w = createWalletEmulator({ backend: createWalletBackend(), now: () => clock })
    await w.storedClientBackupShare(true, 'PASSWORD')
    clock += 1_000
    await w.storedClientBackupShare(false, 'PASSWORD')
    expect(w.notifications.map((n) => n.at)).toEqual([Date.UTC(2026, 0, 1), Date.UTC(2026, 0, 1) + 1_000])
    const late = createWalletEmulator({
      backend: createWalletBackend(),
      realistic: true,
      bootDelayMs: 'manual',
      now: () => clock,
    })
    void late.isWalletBackedUp()
    expect(late.dropped).toEqual([{ call: 'isWalletBackedUp', at: clock }])
  })

  it('never exposes the secret on the object', async () => {
    const w = createWalletEmulator({ backend: createWalletBackend() })
    const dump = JSON.stringify(w)
    expect(Object.keys(JSON.parse(dump) as object).sort()).toEqual(
      ['address', 'api', 'clientId', 'dropped', 'faults', 'notifications', 'ready'].sort(),
    )
  })
})

describe('wallet emulator, realistic mode (like the real @portal-hq/web 3.4.1)', () => {
  const settledWithin = async (promise: Promise<unknown>, ms: number) =>
    Promise.race([
      promise.then(
        () => true,
        () => true,
      ),
      new Promise((r) => setTimeout(() => r(false), ms)),
    ])

  it('boots late, and a call made before it is ready never settles, even after boot', async () => {
    const w = createWalletEmulator({ backend: createWalletBackend(), realistic: true, bootDelayMs: 'manual' })
    expect(w.ready).toBe(false)
    const early = w.backupWallet('PASSWORD', undefined, configs(password()))
    const earlyStatus = w.isWalletBackedUp()
    const readied: string[] = []
    w.onReady(() => readied.push('ready'))
    expect(await settledWithin(early, 50)).toBe(false)
    w.boot()
    expect(w.ready).toBe(true)
    expect(readied).toEqual(['ready'])
    expect(await settledWithin(early, 50)).toBe(false)
    expect(await settledWithin(earlyStatus, 10)).toBe(false)
    expect(w.dropped.map((d) => d.call)).toEqual(['backupWallet', 'isWalletBackedUp'])
    await expect(w.backupWallet('PASSWORD', undefined, configs(password()))).resolves.toHaveProperty('cipherText')
  })

  it('boots by itself after bootDelayMs, and onReady runs at once when already ready', async () => {
    const w = createWalletEmulator({ backend: createWalletBackend(), realistic: true, bootDelayMs: 20 })
    expect(w.ready).toBe(false)
    await new Promise<void>((resolve) => w.onReady(resolve))
    let now = false
    w.onReady(() => (now = true))
    expect(now).toBe(true)
    expect(createWalletEmulator({ backend: createWalletBackend() }).ready).toBe(true)
  })

  it('validates a PASSWORD backup like the SDK: plain errors with no code, nothing else happens, even before ready', async () => {
    const w = createWalletEmulator({ backend: createWalletBackend(), realistic: true, bootDelayMs: 'manual' })
    const plain = async (p: Promise<unknown>) => {
      const e = (await p.then(
        () => undefined,
        (error: unknown) => error,
      )) as Error & { code?: unknown }
      expect(e).toBeInstanceOf(Error)
      expect(e.code).toBeUndefined()
      return e.message
    }
    expect(await plain(w.backupWallet('PASSWORD'))).toBe('Password storage config is required')
    expect(await plain(w.backupWallet('PASSWORD', undefined, {}))).toBe('Password storage config is required')
    expect(await plain(w.backupWallet('PASSWORD', undefined, configs('')))).toBe('Password is required')
    expect(await plain(w.backupWallet('PASSWORD', undefined, configs('abc')))).toBe(
      'Password must be at least 4 characters',
    )
    expect(w.dropped).toEqual([])
    w.boot()
    await expect(w.backupWallet('PASSWORD', undefined, configs('abcd'))).resolves.toHaveProperty('cipherText')
    expect(w.notifications).toEqual([])
  })

  it('rejects with numeric codes like PortalMpcError (data.code || 999), the busy case by its message', async () => {
    const w = createWalletEmulator({
      backend: createWalletBackend(),
      realistic: true,
      bootDelayMs: 0,
      latency: { backup: 30 },
    })
    await new Promise<void>((resolve) => w.onReady(resolve))
    const key = password()
    const { cipherText, storageCallback } = await w.backupWallet('PASSWORD', undefined, configs(key))
    await storageCallback()
    const wrong = (await w
      .recoverWallet(cipherText, 'PASSWORD', configs(password()))
      .catch((e: unknown) => e)) as Error & { code: unknown }
    expect([wrong.name, wrong.code]).toEqual(['PortalMpcError', 407])
    const first = w.backupWallet('PASSWORD', undefined, configs(key))
    const busy = (await w.backupWallet('PASSWORD', undefined, configs(key)).catch((e: unknown) => e)) as Error & {
      code: unknown
    }
    expect([busy.code, busy.message]).toEqual([999, '[PortalMpc] Wallet modification already in progress'])
    await first
    w.faults.backup = { error: { code: 201, message: 'Bad request' }, times: 1 }
    const faulted = (await w.backupWallet('PASSWORD', undefined, configs(key)).catch((e: unknown) => e)) as Error & {
      code: unknown
    }
    expect([faulted.name, faulted.code, faulted.message]).toEqual(['PortalMpcError', 201, 'Bad request'])
  })

  it('storageCallback confirms the backup it came with, storedClientBackupShare(true) any pending one of the method', async () => {
    const backend = createWalletBackend()
    const w = createWalletEmulator({ clientId: 'sc1', backend })
    const key = password()
    const older = await w.backupWallet('PASSWORD', undefined, configs(key))
    const newer = await w.backupWallet('PASSWORD', undefined, configs(key))
    // The older backup was superseded by the newer (only the newest pending backup of a method can be confirmed).
    await older.storageCallback()
    expect(await w.isWalletBackedUp()).toBe(false)
    await newer.storageCallback()
    expect(await w.isWalletBackedUp()).toBe(true)
    expect(w.notifications.map((n) => n.via)).toEqual(['storageCallback', 'storageCallback'])
    expect((await w.getClient()).wallets[0]!.backupSharePairs.map((p) => p.status)).toEqual(['discarded', 'completed'])
    expect((await w.getClient()).id).toBe('sc1')
  })

  it('a hang fault never settles and does not leave the wallet busy', async () => {
    const w = createWalletEmulator({ backend: createWalletBackend() })
    w.faults.backup = { hang: true, times: 1 }
    const hung = w.backupWallet('PASSWORD', undefined, configs(password()))
    expect(await settledWithin(hung, 50)).toBe(false)
    await expect(w.backupWallet('PASSWORD', undefined, configs(password()))).resolves.toHaveProperty('cipherText')
    w.faults.notify = { hang: true }
    expect(await settledWithin(w.storedClientBackupShare(false, 'PASSWORD'), 30)).toBe(false)
  })
})

describe('wallet emulator (legacy shape)', () => {
  it('backupWallet() -> string, storedClientBackupShare(success), recoverWallet(share) -> new share', async () => {
    const backend = createWalletBackend()
    const old = createWalletEmulator({ api: 'legacy', clientId: 'l1', backend })
    const share = await old.backupWallet()
    expect(typeof share).toBe('string')
    await old.storedClientBackupShare(true)
    expect(old.notifications).toEqual([
      { success: true, method: 'GDRIVE', at: expect.any(Number), via: 'storedClientBackupShare' },
    ])
    expect(await old.isWalletBackedUp()).toBe(true)

    const device = createWalletEmulator({ api: 'legacy', clientId: 'l1', backend })
    const newShare = await device.recoverWallet(share)
    expect(newShare).not.toBe(share)
    expect(device.address).toBe(old.address)
    await device.storedClientBackupShare(true)
    const third = createWalletEmulator({ api: 'legacy', clientId: 'l1', backend })
    expect(await codeOf(third.recoverWallet(share))).toBe('BACKUP_SHARE_RETIRED')
    await third.recoverWallet(newShare)
    expect(third.address).toBe(old.address)
  })
})
