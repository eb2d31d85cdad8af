// The kit against a wallet that behaves like the real @portal-hq/web 3.4.1 (the emulator's realistic mode): late boot
// with calls dropped before it, calls that never answer, numeric error codes, storageCallback for success.
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest'
import { portalAdapter } from '../src/adapters/portalAdapter.js'
import { backupWallet } from '../src/core/actions/backupWallet.js'
import { getBackupStatus } from '../src/core/actions/getBackupStatus.js'
import { createWalletBackend, createWalletEmulator } from '../src/testing/index.js'
import { createWorld, server, type World } from './support/nodeHarness.js'

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterAll(() => server.close())
afterEach(() => vi.useRealTimers())

const falses = (w: World) => w.wallet.notifications.filter((n) => !n.success).length
const trues = (w: World) => w.wallet.notifications.filter((n) => n.success).length
const failure = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e as { name: string; code: string; step?: string; facts: Record<string, unknown> },
  )

/**
 * Deadlines here run on Vitest's fake setTimeout, moved by the test: what happens before and at a deadline no longer
 * depends on how fast the machine is. Only setTimeout / clearTimeout are faked; the network (MSW), crypto and
 * setImmediate stay real, so the flow's real work runs while fake time stands still.
 */
const fakeDeadlines = () => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
/** Lets real work run until `condition` holds (an event, not a time; the test's own timeout bounds it). */
async function until(condition: () => boolean) {
  while (!condition()) await new Promise((r) => setImmediate(r))
}
/** A promise's outcome so far, read without waiting. */
function track(p: Promise<unknown>) {
  const seen = { settled: false }
  p.then(
    () => (seen.settled = true),
    () => (seen.settled = true),
  )
  return seen
}
/** Records the kit's readiness subscriptions and notify calls on the world's wallet adapter. */
function spyOnAdapter(w: World) {
  const adapter = w.config.wallet
  const seen = { subscribed: 0, notified: [] as boolean[] }
  w.config.wallet = {
    ...adapter,
    onReady: (listener) => {
      seen.subscribed++
      return adapter.onReady!(listener)
    },
    notifyStored: (success) => {
      seen.notified.push(success)
      return adapter.notifyStored(success)
    },
  }
  return seen
}

describe('a wallet that is not ready yet', () => {
  test('the backup waits for it and then runs; nothing was posted into the void', async () => {
    const w = createWorld({ wallet: { realistic: true, bootDelayMs: 'manual' } })
    const seen = spyOnAdapter(w)
    const run = w.backup()
    // The kit has reached the wallet and waits for it to be ready; it has posted nothing.
    await until(() => seen.subscribed === 1)
    expect(w.wallet.dropped).toEqual([])
    w.wallet.boot()
    await expect(run).resolves.toMatchObject({ backupMethod: 'PASSWORD' })
    expect(w.wallet.dropped).toEqual([])
    expect(await w.wallet.isWalletBackedUp()).toBe(true)
  })

  test('one that never becomes ready ends with WalletTimeout (wallet-not-ready), frees the lock, hears nothing', async () => {
    const w = createWorld({ wallet: { realistic: true, bootDelayMs: 'manual' }, walletTimeoutMs: 100 })
    const seen = spyOnAdapter(w)
    fakeDeadlines()
    const run = failure(w.backup())
    const outcome = track(run)
    await until(() => seen.subscribed === 1)
    // Ends at the wallet deadline: not before it, and at it.
    await vi.advanceTimersByTimeAsync(99)
    expect(outcome.settled).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    expect(await run).toMatchObject({
      name: 'WalletTimeout',
      code: 'WALLET_TIMEOUT',
      step: 'generate',
      facts: { reason: 'wallet-not-ready' },
    })
    vi.useRealTimers()
    // No share exists: the wallet hears nothing, the server holds nothing, no key file stays.
    expect(w.wallet.notifications).toEqual([])
    expect(w.share.rows()).toEqual([])
    await expect.poll(() => w.google.files()).toEqual([])
    // The lock is free: once the wallet is up, the next click works.
    w.wallet.boot()
    w.config.walletTimeoutMs = undefined
    await expect(w.backup()).resolves.toMatchObject({ backupMethod: 'PASSWORD' })
  })

  test('recovery and status wait for it too; recovery times out as WalletTimeout without touching the backup', async () => {
    const w = createWorld()
    await w.backup()
    const device = createWalletEmulator({
      clientId: w.clientId,
      backend: w.backend,
      realistic: true,
      bootDelayMs: 'manual',
    })
    const config = { ...w.config, wallet: portalAdapter(device), walletTimeoutMs: 100 }
    const { recoverWallet } = await import('../src/core/actions/recoverWallet.js')
    const params = { getAccessToken: async () => w.token }
    const error = await failure(recoverWallet(config, params))
    expect(error).toMatchObject({ code: 'WALLET_TIMEOUT', step: 'recover', facts: { reason: 'wallet-not-ready' } })
    const status = await getBackupStatus(config)
    expect(status).toMatchObject({ server: true, wallet: undefined })
    expect(device.dropped).toEqual([])
    device.boot()
    await expect(recoverWallet({ ...config, walletTimeoutMs: undefined }, params)).resolves.toMatchObject({
      address: w.wallet.address,
    })
  })
})

describe('a wallet that never answers', () => {
  test('generate: WalletTimeout (wallet-no-answer) and no false (no share reached the kit); a retry succeeds', async () => {
    const w = createWorld({ walletTimeoutMs: 100 })
    w.wallet.faults.backup = { hang: true, times: 1 }
    const error = await failure(w.backup())
    expect(error).toMatchObject({ code: 'WALLET_TIMEOUT', step: 'generate', facts: { reason: 'wallet-no-answer' } })
    expect(w.wallet.notifications).toEqual([])
    await expect.poll(() => w.google.files()).toEqual([])
    w.config.walletTimeoutMs = undefined
    await expect(w.backup()).resolves.toBeTruthy()
    expect(trues(w)).toBe(1)
  })

  test('generate answering after the flow gave up: that late share was never stored, so the wallet hears false then', async () => {
    const w = createWorld({ walletTimeoutMs: 80 })
    w.wallet.faults.backup = { delayMs: 200, times: 1 }
    const error = await failure(w.backup())
    expect(error).toMatchObject({ code: 'WALLET_TIMEOUT' })
    expect(w.wallet.notifications).toEqual([])
    await expect.poll(() => falses(w), { timeout: 2000 }).toBe(1)
    expect(w.share.rows()).toEqual([])
  })

  test('notify: WalletTimeout, the wallet is told false once (the share exists), the previous backup is put back', async () => {
    const w = createWorld()
    const good = await w.backup()
    w.wallet.faults.notify = { hang: true, times: 1 }
    w.config.walletTimeoutMs = 600
    const seen = spyOnAdapter(w)
    // Fake deadlines: the generate before the hanging notify finishes whatever the machine's speed.
    fakeDeadlines()
    const run = failure(w.backup())
    const outcome = track(run)
    await until(() => seen.notified.length === 1)
    await vi.advanceTimersByTimeAsync(599)
    expect(outcome.settled).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    const error = await run
    expect(error).toMatchObject({ code: 'WALLET_TIMEOUT', step: 'notify', facts: { reason: 'wallet-no-answer' } })
    expect(seen.notified).toEqual([true, false])
    expect(falses(w)).toBe(1)
    vi.useRealTimers()
    expect(w.share.rows()).toMatchObject([{ keyVersion: good.keyVersion }])
    w.config.walletTimeoutMs = undefined
    await expect(w.newDevice().recover()).resolves.toMatchObject({ address: w.wallet.address })
  })

  test('notify, where even the false never arrives: the flow still ends, bounded by two wallet deadlines', async () => {
    const w = createWorld()
    await w.backup()
    w.wallet.faults.notify = { hang: true }
    w.config.walletTimeoutMs = 600
    const seen = spyOnAdapter(w)
    fakeDeadlines()
    const run = failure(w.backup())
    const outcome = track(run)
    // The true hangs until its deadline; then the false hangs until its own; then the flow ends.
    await until(() => seen.notified.length === 1)
    await vi.advanceTimersByTimeAsync(600)
    await until(() => seen.notified.length === 2)
    expect(seen.notified).toEqual([true, false])
    await vi.advanceTimersByTimeAsync(599)
    expect(outcome.settled).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    expect(await run).toMatchObject({ code: 'WALLET_TIMEOUT', step: 'notify' })
  })

  test('abort() while the wallet hangs settles Aborted at once and frees the lock', async () => {
    const w = createWorld()
    w.wallet.faults.backup = { hang: true, times: 1 }
    const controller = new AbortController()
    // Frozen deadlines: settling without any timer firing is what "at once" means (else the test times out).
    fakeDeadlines()
    const run = w.backup(controller.signal)
    // The wallet has taken the call that hangs.
    await until(() => w.wallet.faults.backup === undefined)
    controller.abort()
    await expect(run).rejects.toMatchObject({ code: 'ABORTED' })
    vi.useRealTimers()
    await expect(w.backup()).resolves.toBeTruthy()
  })

  test('status: a hanging isWalletBackedUp leaves the wallet part unknown instead of holding the query', async () => {
    const w = createWorld()
    await w.backup()
    w.config.walletTimeoutMs = 100
    const hanging = { ...w.config.wallet, isBackedUp: () => new Promise<boolean>(() => {}) }
    await expect(getBackupStatus({ ...w.config, wallet: hanging })).resolves.toMatchObject({
      server: true,
      wallet: undefined,
    })
  })
})

describe('provider codes', () => {
  test('a numeric PortalMpcError code is kept in facts.providerCode with its message', async () => {
    const w = createWorld({ wallet: { realistic: true, bootDelayMs: 0 } })
    w.wallet.faults.backup = { error: { code: 205, message: 'Failed to create websocket' }, times: 1 }
    const error = await failure(w.backup())
    expect(error).toMatchObject({
      code: 'WALLET_BACKUP_FAILED',
      facts: { providerCode: 205, message: 'Failed to create websocket' },
    })
  })

  test('"already in progress" with a numeric PortalMpcError code is WalletBusy (told by its message)', async () => {
    const w = createWorld({ wallet: { realistic: true, bootDelayMs: 0 } })
    w.wallet.faults.backup = {
      error: { code: 999, message: '[PortalMpc] Wallet modification already in progress' },
      times: 1,
    }
    expect(await failure(w.backup())).toMatchObject({ code: 'WALLET_BUSY', facts: { providerCode: 999 } })
    w.wallet.faults.recover = {
      error: { code: 999, message: '[PortalMpc] Wallet modification already in progress' },
      times: 1,
    }
    await w.backup()
    expect(await failure(w.recover())).toMatchObject({ code: 'WALLET_BUSY', step: 'recover' })
  })

  test('the string code of an MpcError still maps to WalletBusy', async () => {
    const w = createWorld()
    w.wallet.faults.backup = { error: { code: 'WALLET_MODIFICATION_ALREADY_IN_PROGRESS' }, times: 1 }
    expect(await failure(w.backup())).toMatchObject({
      code: 'WALLET_BUSY',
      facts: { providerCode: 'WALLET_MODIFICATION_ALREADY_IN_PROGRESS' },
    })
  })

  test('a wrong key on recovery keeps the numeric decryption code (407)', async () => {
    const w = createWorld({ wallet: { realistic: true, bootDelayMs: 0 } })
    await w.backup()
    const adapter = w.config.wallet
    // The key Drive hands back is swapped on its way into the wallet: the wallet's decryption fails.
    const wrongKey = {
      ...adapter,
      recover: (c: string, a: { key?: string | undefined }) => adapter.recover(c, { ...a, key: 'not-the-key' }),
    }
    const { recoverWallet } = await import('../src/core/actions/recoverWallet.js')
    const error = await failure(
      recoverWallet({ ...w.config, wallet: wrongKey }, { getAccessToken: async () => w.token }),
    )
    expect(error).toMatchObject({ code: 'RECOVERY_FAILED', facts: { providerCode: 407 } })
  })
})

describe('telling the provider the share was stored', () => {
  test('3.x: success goes through the storageCallback of that backup; failure through storedClientBackupShare(false)', async () => {
    const w = createWorld()
    await w.backup()
    expect(w.wallet.notifications.map((n) => [n.success, n.via])).toEqual([[true, 'storageCallback']])
    w.share.faults.set('share.post', { status: 400 })
    await failure(w.backup())
    expect(w.wallet.notifications.map((n) => [n.success, n.via])).toEqual([
      [true, 'storageCallback'],
      [false, 'storedClientBackupShare'],
    ])
  })

  test('legacy: storedClientBackupShare(true) (its backup has no storageCallback)', async () => {
    const backend = createWalletBackend()
    const legacy = createWalletEmulator({ api: 'legacy', clientId: 'legacy-1', backend })
    const w = createWorld({ clientId: 'legacy-1' })
    const config = { ...w.config, wallet: portalAdapter(legacy, { api: 'legacy' }) }
    await backupWallet(config, {})
    expect(legacy.notifications.map((n) => [n.success, n.via, n.method])).toEqual([
      [true, 'storedClientBackupShare', 'GDRIVE'],
    ])
    expect(await legacy.isWalletBackedUp()).toBe(true)
  })
})

describe('portalAdapter reads what the SDK can tell', () => {
  test('readiness from onReady, the client id through getClient()', async () => {
    const wallet = createWalletEmulator({
      clientId: 'told-1',
      backend: createWalletBackend(),
      realistic: true,
      bootDelayMs: 'manual',
    })
    const adapter = portalAdapter(wallet)
    expect(adapter.isReady?.()).toBe(false)
    const heard: string[] = []
    adapter.onReady?.(() => heard.push('ready'))
    wallet.boot()
    expect(adapter.isReady?.()).toBe(true)
    expect(heard).toEqual(['ready'])
    await expect(adapter.getClientId?.()).resolves.toBe('told-1')
  })

  test("the newest completed backup of a method from getClient()'s backupSharePairs, across the wallets", async () => {
    const pair = (id: string, backupMethod: string, status: string, createdAt: string) => ({
      id,
      backupMethod,
      status,
      createdAt,
    })
    let wallets: unknown = [
      {
        curve: 'SECP256K1',
        backupSharePairs: [
          pair('p-new', 'PASSWORD', 'completed', '2026-12-01T10:00:02.000Z'),
          pair('p-old', 'PASSWORD', 'completed', '2026-12-01T10:00:00.000Z'),
          pair('p-pending', 'PASSWORD', 'incomplete', '2026-12-01T10:00:09.000Z'),
          pair('g-newer', 'GDRIVE', 'completed', '2026-12-01T10:00:05.000Z'),
        ],
      },
      { curve: 'ED25519', backupSharePairs: [pair('e-1', 'PASSWORD', 'completed', '2026-12-01T10:00:01.000Z')] },
    ]
    const sdk = {
      backupWallet: async () => ({ cipherText: 'x' }),
      storedClientBackupShare: async () => undefined,
      recoverWallet: async () => '0x1',
      getClient: async () => ({ id: 'c-1', wallets }),
    }
    const adapter = portalAdapter(sdk)
    // By Portal's createdAt among Portal's own pairs (whatever the listing order); only completed ones of the method.
    await expect(adapter.latestBackupId?.('PASSWORD')).resolves.toBe('p-new')
    await expect(adapter.latestBackupId?.('GDRIVE')).resolves.toBe('g-newer')
    await expect(adapter.latestBackupId?.('PASSKEY')).resolves.toBeUndefined()
    // Pairs of one backup made together (one per curve) tie: the one listed last names it, every time.
    wallets = [
      { backupSharePairs: [pair('s-9', 'PASSWORD', 'completed', '2026-12-01T10:00:00.000Z')] },
      { backupSharePairs: [pair('e-9', 'PASSWORD', 'completed', '2026-12-01T10:00:00.000Z')] },
    ]
    await expect(adapter.latestBackupId?.('PASSWORD')).resolves.toBe('e-9')
    // A shape it does not know names nothing rather than throwing.
    wallets = 'not a list'
    await expect(adapter.latestBackupId?.('PASSWORD')).resolves.toBeUndefined()
  })

  test('an SDK object without readiness or getClient is taken as ready, and cannot tell a client id', () => {
    const bare = {
      backupWallet: async () => ({ cipherText: 'x' }),
      storedClientBackupShare: async () => undefined,
      recoverWallet: async () => '0x1',
    }
    const adapter = portalAdapter(bare)
    expect(adapter.isReady).toBeUndefined()
    expect(adapter.getClientId).toBeUndefined()
    expect(adapter.latestBackupId).toBeUndefined()
  })
})
