import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { portalAdapter } from '../src/adapters/portalAdapter.js'
import { getBackupStatus } from '../src/core/actions/getBackupStatus.js'
import { backupWallet } from '../src/core/actions/backupWallet.js'
import { createShareApi } from '../src/core/clients/createShareApi.js'
import { keyFileName } from '../src/core/clients/driveKeyStore.js'
import { recoverWallet } from '../src/core/actions/recoverWallet.js'
import { createWalletEmulator } from '../src/testing/index.js'
import { BASE, createWorld, server } from './support/nodeHarness.js'

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterAll(() => server.close())

describe('recoverWallet: the full cycle', () => {
  test('back up on device A, recover on a fresh device B with the same address, and a second recovery from the new backup works', async () => {
    const w = createWorld()
    await w.backup()
    const address = w.wallet.address
    expect(address).toMatch(/^0x[0-9a-f]{40}$/)

    const b = w.newDevice()
    expect(b.wallet.address).toBeUndefined()
    const first = await b.recover()
    expect(first.address).toBe(address)
    expect(b.wallet.address).toBe(address)
    // Recovery stored a fresh backup and told the provider.
    expect(b.wallet.notifications.filter((n) => n.success)).toHaveLength(1)
    expect(w.share.rows()).toMatchObject([{ keyVersion: first.keyVersion }])

    const c = w.newDevice()
    await expect(c.recover()).resolves.toMatchObject({ address })
  })

  test('after recovery the old cipherText is retired, and only one key file (the new one) stays in Drive', async () => {
    const w = createWorld()
    const before = await w.backup()
    const oldKeyName = keyFileName(w.clientId, before.keyVersion)
    const recovered = await w.newDevice().recover()
    await expect
      .poll(() => w.google.files().map((f) => f.name))
      .toEqual([keyFileName(w.clientId, recovered.keyVersion)])
    expect(w.google.files().map((f) => f.name)).not.toContain(oldKeyName)
    expect(w.backend.describe(w.clientId)?.backups.filter((b) => b.status === 'completed')).toHaveLength(1)
  })
})

describe('recoverWallet: reading the key', () => {
  const driveRequests = () => {
    const seen: string[] = []
    const record = ({ request }: { request: Request }) => {
      const url = new URL(request.url)
      if (url.hostname === 'www.googleapis.com')
        seen.push(`${request.method} ${url.pathname}${url.searchParams.get('alt') === 'media' ? '?alt=media' : ''}`)
    }
    server.events.on('request:start', record)
    return { seen, stop: () => server.events.removeListener('request:start', record) }
  }

  test("reads the key by the file id the server's record names (a private app property): no listing, no download", async () => {
    const w = createWorld()
    await w.backup()
    const [file] = w.google.files()
    expect(w.share.rows()[0]).toMatchObject({ keyFileId: file!.id })
    const log = driveRequests()
    try {
      await expect(w.newDevice().recover()).resolves.toMatchObject({ address: w.wallet.address })
    } finally {
      log.stop()
    }
    expect(log.seen.filter((r) => r.endsWith('?alt=media'))).toEqual([])
    expect(log.seen[0]).toBe(`GET /drive/v3/files/${file!.id}`)
  })

  test('finds the key of an older record (no keyFileId) by listing', async () => {
    const w = createWorld()
    await w.backup()
    const row = w.share.rows()[0]!
    const { keyFileId: _dropped, ...old } = row
    w.share.putRow(old)
    const log = driveRequests()
    try {
      await expect(w.newDevice().recover()).resolves.toMatchObject({ address: w.wallet.address })
    } finally {
      log.stop()
    }
    expect(log.seen[0]).toBe('GET /drive/v3/files')
  })

  test('reads a key file that has no app property (an older kit wrote it) from its content', async () => {
    const w = createWorld()
    await w.backup()
    const [file] = w.google.files()
    const strip = await fetch(`https://www.googleapis.com/drive/v3/files/${file!.id}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${w.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ appProperties: { key: null } }),
    })
    expect(strip.status).toBe(200)
    const log = driveRequests()
    try {
      await expect(w.newDevice().recover()).resolves.toMatchObject({ address: w.wallet.address })
    } finally {
      log.stop()
    }
    expect(log.seen.filter((r) => r.endsWith('?alt=media'))).toEqual([`GET /drive/v3/files/${file!.id}?alt=media`])
  })

  test('a failed download of such a key file is a DriveUnavailable, and nothing is overwritten', async () => {
    const w = createWorld({ tries: 1 })
    await w.backup()
    const [file] = w.google.files()
    await fetch(`https://www.googleapis.com/drive/v3/files/${file!.id}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${w.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ appProperties: { key: null } }),
    })
    const rows = w.share.rows()
    w.google.faults.set('drive.get', { status: 500 })
    await expect(w.newDevice().recover()).rejects.toMatchObject({ code: 'DRIVE_UNAVAILABLE', step: 'read' })
    expect(w.share.rows()).toEqual(rows)
    expect(w.google.files().map((f) => f.id)).toEqual([file!.id])
  })
})

describe('recoverWallet with the legacy Portal SDK (provider custody)', () => {
  test('stores the new share legacy recovery returns, tells the provider once, and never exposes it as the address', async () => {
    const w = createWorld()
    const clientId = 'legacy-wallet'
    const legacyDevice = () => createWalletEmulator({ api: 'legacy', clientId, backend: w.backend })
    const config = (device: ReturnType<typeof legacyDevice>) => ({
      wallet: portalAdapter(device, { api: 'legacy' }),
      clientId,
      shareApi: createShareApi({ baseURL: BASE }),
    })
    const a = legacyDevice()
    await backupWallet(config(a))
    const address = a.address
    const [before] = w.share.rows()

    const b = legacyDevice()
    const result = await recoverWallet(config(b))
    expect(b.address).toBe(address)
    // Legacy recoverWallet hands back a backup share: it must not surface as (query) data.
    expect(result.address).toBeUndefined()
    expect(JSON.stringify(result)).not.toContain(w.share.rows()[0]!.cipherText)
    // The share recovery made is the one stored (no second generation), and the provider heard `true` once.
    const completed = w.backend.describe(clientId)!.backups.filter((g) => g.status === 'completed')
    expect(completed).toHaveLength(1)
    expect(b.notifications.map((n) => n.success)).toEqual([true])
    expect(w.share.rows()[0]!.cipherText).not.toBe(before!.cipherText)

    // The stored share recovers a third device.
    const c = legacyDevice()
    await recoverWallet(config(c))
    expect(c.address).toBe(address)
  })
})

describe('recoverWallet: errors leave the wallet usable and overwrite nothing', () => {
  test('no key in Drive (another Google account) -> KeyNotFound', async () => {
    const w = createWorld()
    await w.backup()
    const rowsBefore = w.share.rows()
    w.google.addAccount('other@example.com')
    // The new device signs in with another Google account: its Drive has no key.
    const other = w.google.issueToken({ account: 'other@example.com' }).access_token
    const b = w.newDevice()
    await expect(
      recoverWallet({ ...w.config, wallet: portalAdapter(b.wallet) }, { getAccessToken: async () => other }),
    ).rejects.toMatchObject({ name: 'KeyNotFound', code: 'KEY_NOT_FOUND' })
    expect(w.share.rows()).toEqual(rowsBefore)
    await expect(b.recover()).resolves.toMatchObject({ address: w.wallet.address })
  })

  test('no share on the server -> ShareNotFound', async () => {
    const w = createWorld()
    await expect(w.newDevice().recover()).rejects.toMatchObject({ name: 'ShareNotFound', code: 'SHARE_NOT_FOUND' })
  })

  test('key and share of different versions -> KeyNotFound naming the mismatch, nothing overwritten', async () => {
    const w = createWorld()
    await w.backup()
    const [row] = w.share.rows()
    w.share.putRow({ ...row!, keyVersion: 'zzzz-other-version' })
    const filesBefore = w.google.files().map((f) => f.name)
    await expect(w.newDevice().recover()).rejects.toMatchObject({
      code: 'KEY_NOT_FOUND',
      details: 'key version mismatch',
    })
    expect(w.google.files().map((f) => f.name)).toEqual(filesBefore)
  })

  test('tampered cipherText -> RecoveryFailed; the wallet stays usable and the stored backup is untouched', async () => {
    const w = createWorld()
    await w.backup()
    const [row] = w.share.rows()
    const bytes = Buffer.from(row!.cipherText, 'base64')
    bytes[bytes.length - 5] = bytes[bytes.length - 5]! ^ 0xff
    w.share.putRow({ ...row!, cipherText: bytes.toString('base64') })
    const b = w.newDevice()
    await expect(b.recover()).rejects.toMatchObject({ name: 'RecoveryFailed', code: 'RECOVERY_FAILED' })
    expect(w.google.files()).toHaveLength(1)
    expect(b.wallet.notifications).toHaveLength(0)
    // Put the good share back: the same device recovers (it was left usable).
    w.share.putRow(row!)
    await expect(b.recover()).resolves.toMatchObject({ address: w.wallet.address })
  })
})

describe('getBackupStatus', () => {
  test('none before, partial with only one side, backedUp after a backup', async () => {
    const w = createWorld()
    const status = () => getBackupStatus(w.config, { accessToken: w.token })
    await expect(status()).resolves.toMatchObject({ state: 'none', server: false, drive: false })
    const done = await w.backup()
    await expect(status()).resolves.toMatchObject({ state: 'backedUp', server: true, drive: true, wallet: true })
    // Only the server side: the key file is gone.
    const file = w.google.files()[0]!
    const res = await fetch(`https://www.googleapis.com/drive/v3/files/${file.id}`, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${w.token}` },
    })
    expect(res.status).toBe(204)
    await expect(status()).resolves.toMatchObject({ state: 'partial', server: true, drive: false })
    expect(done.keyVersion).toBeTruthy()
  })

  test('without a held token Drive is not asked (drive: undefined) and nothing opens a popup', async () => {
    const w = createWorld()
    await w.backup()
    const s = await getBackupStatus(w.config, {})
    expect(s).toMatchObject({ state: 'backedUp', server: true, drive: undefined })
  })
})
