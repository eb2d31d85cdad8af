// Kit custody hands Portal its Drive key as the PASSWORD backup method, and Portal keeps one backup per method: a
// PASSWORD backup made by anyone else on the same client replaces the kit's. The kit keeps the id of the provider's
// backup its record describes, so status can tell. Here on the wallet emulator (Node, MSW at the network edge).
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { portalAdapter } from '../src/adapters/portalAdapter.js'
import { backupWallet } from '../src/core/actions/backupWallet.js'
import { getBackupStatus } from '../src/core/actions/getBackupStatus.js'
import { createWorld, server, type World } from './support/nodeHarness.js'

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterAll(() => server.close())

const status = (w: World) => getBackupStatus(w.config, { accessToken: w.token })

/** A backup the app makes itself, straight through the SDK, as Portal's docs show it (a user's own password). */
async function appBackup(w: World, method: 'PASSWORD' | 'GDRIVE') {
  const made = await w.wallet.backupWallet(
    method,
    undefined,
    method === 'PASSWORD' ? { passwordStorage: { password: 'the user typed this' } } : undefined,
  )
  await made.storageCallback()
}

/** The newest completed pair of a method, as the emulated Portal lists it. */
async function newestPair(w: World, method: string) {
  const pairs = (await w.wallet.getClient()).wallets.flatMap((wallet) => wallet.backupSharePairs)
  return pairs.filter((p) => p.backupMethod === method && p.status === 'completed').at(-1)?.id
}

describe('a kit backup superseded by another backup of its method', () => {
  test('status says superseded after another PASSWORD backup, and backedUp again after a new kit backup', async () => {
    const w = createWorld()
    await w.backup()
    const kitPair = await newestPair(w, 'PASSWORD')
    expect(kitPair).toBeTruthy()
    // The record names the provider's backup it describes.
    expect(w.share.rows()).toMatchObject([{ backupMethod: 'PASSWORD', walletBackupId: kitPair }])
    await expect(status(w)).resolves.toMatchObject({ state: 'backedUp', server: true, drive: true, wallet: true })

    await appBackup(w, 'PASSWORD')
    // Portal still says "backed up" (the app's pair is completed), but not with the kit's key.
    expect(await w.wallet.isWalletBackedUp()).toBe(true)
    expect(await newestPair(w, 'PASSWORD')).not.toBe(kitPair)
    await expect(status(w)).resolves.toMatchObject({ state: 'superseded', server: true, drive: true, wallet: true })

    await w.backup()
    expect(w.share.rows()).toMatchObject([{ walletBackupId: await newestPair(w, 'PASSWORD') }])
    await expect(status(w)).resolves.toMatchObject({ state: 'backedUp' })
  })

  test('a backup of another method leaves the kit backup standing', async () => {
    const w = createWorld()
    await w.backup()
    const kitPair = await newestPair(w, 'PASSWORD')
    await appBackup(w, 'GDRIVE')
    expect(w.share.rows()).toMatchObject([{ walletBackupId: kitPair }])
    await expect(status(w)).resolves.toMatchObject({ state: 'backedUp' })
  })

  test('a failed read of the pair id, or a refused second write, does not fail the confirmed backup: status cannot tell then', async () => {
    const w = createWorld()
    // The SDK's getClient fails once the backup is confirmed (the client id comes from the config here).
    let asked = 0
    const sdk = { ...w.wallet, getClient: () => (asked++, Promise.reject(new Error('iframe gone'))) }
    const config = { ...w.config, wallet: portalAdapter(sdk) }
    const params = { getAccessToken: async () => w.token }
    await expect(backupWallet(config, params)).resolves.toMatchObject({ backupMethod: 'PASSWORD' })
    expect(w.wallet.notifications.map((n) => n.success)).toEqual([true])
    expect(asked).toBe(1)
    expect(w.share.rows()).toHaveLength(1)
    expect(w.share.rows()[0]).not.toHaveProperty('walletBackupId')
    // Without an id the record is as an older kit's: status as before (the supersession is not known).
    await appBackup(w, 'PASSWORD')
    await expect(getBackupStatus(config, { accessToken: w.token })).resolves.toMatchObject({ state: 'backedUp' })

    // The id is read, but the server refuses the write that names it (armed as the pair id is asked for).
    const posts = () => w.share.requests.filter((r) => r.method === 'POST').length
    let postsBefore = 0
    const refusing = {
      ...w.wallet,
      getClient: () => {
        postsBefore = posts()
        w.share.faults.set('share.post', { status: 503 })
        return w.wallet.getClient()
      },
    }
    const again = { ...w.config, wallet: portalAdapter(refusing) }
    await expect(backupWallet(again, params)).resolves.toMatchObject({ backupMethod: 'PASSWORD' })
    w.share.faults.clear()
    // The write naming the id was tried (and retried), refused each time; the record stays as first written.
    expect(posts()).toBeGreaterThan(postsBefore)
    expect(w.wallet.notifications.map((n) => n.success)).toEqual([true, true, true])
    expect(w.share.rows()[0]).not.toHaveProperty('walletBackupId')
    expect(await w.wallet.isWalletBackedUp()).toBe(true)
  })
})
