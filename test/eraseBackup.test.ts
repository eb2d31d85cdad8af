// Erasing a user's backup (issue 27, part 6), the framework-free action against the Google, share-server and wallet
// emulators: Drive keeps no key file of the client (and every other file), the server no record, the wallet hears
// `false`, status reads `none`, a new backup works; each failure is typed, says what was already erased, and a retry
// finishes it.
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { eraseBackup } from '../src/core/actions/eraseBackup.js'
import { getBackupStatus } from '../src/core/actions/getBackupStatus.js'
import { backupWallet } from '../src/core/actions/backupWallet.js'
import { keyFileName, keyFileVersion } from '../src/core/clients/driveKeyStore.js'
import { createWorld, server, type World } from './support/nodeHarness.js'

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterAll(() => server.close())

const keyFilesOf = (w: World, clientId = w.clientId) =>
  w.google.files().filter((f) => keyFileVersion(f.name, clientId) !== undefined)
const rowsOf = (w: World, clientId = w.clientId) => w.share.rows().filter((r) => r.clientId === clientId)
const status = (w: World) => getBackupStatus(w.config, { accessToken: w.token })

describe('eraseBackup in kit custody', () => {
  test('deletes the key files, then the record; tells the wallet false; status reads none; a new backup works', async () => {
    const w = createWorld()
    await w.backup()
    expect(keyFilesOf(w)).toHaveLength(1)
    await expect(status(w)).resolves.toMatchObject({ state: 'backedUp' })
    // The provider still lists its completed backup after the erase (Portal has no call to drop one).
    expect(w.backend.describe(w.clientId)?.backups).toMatchObject([{ status: 'completed' }])

    await expect(w.erase()).resolves.toEqual({ keyFilesDeleted: 1 })
    expect(keyFilesOf(w)).toEqual([])
    expect(rowsOf(w)).toEqual([])
    expect(w.wallet.notifications.at(-1)).toMatchObject({ success: false, method: 'PASSWORD' })
    expect(w.backend.describe(w.clientId)?.backups).toMatchObject([{ status: 'completed' }])
    await expect(status(w)).resolves.toEqual({
      state: 'none',
      server: false,
      drive: false,
      wallet: true,
      storedAt: undefined,
    })
    // Without a token the Drive part is unknown, and it still reads none.
    await expect(getBackupStatus(w.config)).resolves.toMatchObject({ state: 'none', drive: undefined })

    await w.backup()
    await expect(status(w)).resolves.toMatchObject({ state: 'backedUp', server: true, drive: true, wallet: true })
    await expect(w.newDevice().recover()).resolves.toMatchObject({ address: w.wallet.address })
  })

  test("deletes only this client's key files: not another client's whose id begins with it, nor any other file", async () => {
    const w = createWorld({ clientId: 'acme' })
    await w.backup()
    const vip = 'acme.vip'
    // Today's name and the one older kits wrote, of a client whose id begins with ours, and a file of another app.
    const kept = [
      w.google.putFile({ name: keyFileName(vip, 'v1'), content: 'k' }),
      w.google.putFile({ name: `react-mpc-backup.${vip}.v1.key`, content: 'k' }),
      w.google.putFile({ name: 'settings.json', content: '{}' }),
    ]
    // An older kit's key of this very client: erased with the rest.
    w.google.putFile({ name: 'react-mpc-backup.acme.v0old.key', content: 'k' })
    await expect(w.erase()).resolves.toEqual({ keyFilesDeleted: 2 })
    expect(keyFilesOf(w)).toEqual([])
    expect(
      w.google
        .files()
        .map((f) => f.id)
        .sort(),
    ).toEqual(kept.map((f) => f.id).sort())
  })

  test('finds by id the key a name query cannot see yet (Drive search lags behind a new file)', async () => {
    const frozen = Date.UTC(2026, 0, 1)
    const w = createWorld({ google: { nameQueryLagMs: 30_000, now: () => frozen } })
    await w.backup()
    await expect(w.erase()).resolves.toEqual({ keyFilesDeleted: 1 })
    expect(keyFilesOf(w)).toEqual([])
    expect(rowsOf(w)).toEqual([])
  })

  test('a record naming a file that is not this client’s key leaves that file alone', async () => {
    const w = createWorld()
    await w.backup()
    const foreign = w.google.putFile({ name: 'settings.json', content: '{}' })
    w.share.putRow({ ...rowsOf(w)[0]!, keyFileId: foreign.id })
    await expect(w.erase()).resolves.toEqual({ keyFilesDeleted: 1 })
    expect(w.google.files().map((f) => f.id)).toEqual([foreign.id])
  })

  test('erasing nothing succeeds, and erasing twice too', async () => {
    const w = createWorld()
    await expect(w.erase()).resolves.toEqual({ keyFilesDeleted: 0 })
    await w.backup()
    await expect(w.erase()).resolves.toEqual({ keyFilesDeleted: 1 })
    await expect(w.erase()).resolves.toEqual({ keyFilesDeleted: 0 })
    await expect(status(w)).resolves.toMatchObject({ state: 'none' })
  })
})

describe('a partial failure is reported, typed, and a retry finishes it', () => {
  test('Drive fails: DriveDeleteFailed, nothing erased on the server; the retry erases all', async () => {
    const w = createWorld({ tries: 1 })
    await w.backup()
    w.google.faults.set('drive.delete', { status: 503 }, { times: 1 })
    const error = await w.erase().catch((e: unknown) => e)
    expect(error).toMatchObject({
      name: 'DriveDeleteFailed',
      code: 'DRIVE_DELETE_FAILED',
      step: 'erase',
      retryable: true,
      facts: { status: 503 },
    })
    expect((error as { facts: object }).facts).not.toHaveProperty('erased')
    expect(rowsOf(w)).toHaveLength(1)
    await expect(status(w)).resolves.toMatchObject({ state: 'backedUp' })

    await expect(w.erase()).resolves.toEqual({ keyFilesDeleted: 1 })
    expect([keyFilesOf(w), rowsOf(w)]).toEqual([[], []])
  })

  test('Drive rejects the token: DriveDeleteFailed (retryable), the holder drops the token, a new one finishes it', async () => {
    const w = createWorld()
    await w.backup()
    w.google.revoke(w.token)
    await expect(w.erase()).rejects.toMatchObject({
      code: 'DRIVE_DELETE_FAILED',
      retryable: true,
      facts: { status: 401 },
      details: 'Google Drive: GOOGLE_TOKEN_EXPIRED',
    })
    expect(w.tokenRejected.count).toBe(1)
    expect(rowsOf(w)).toHaveLength(1)
    w.newToken()
    await expect(w.erase()).resolves.toEqual({ keyFilesDeleted: 1 })
  })

  test('the server fails: ShareEraseFailed says the Drive part is done (facts.erased); the retry erases the record', async () => {
    const w = createWorld({ tries: 1 })
    await w.backup()
    w.share.faults.set('share.delete', { status: 503 }, { times: 1 })
    const error = await w.erase().catch((e: unknown) => e)
    expect(error).toMatchObject({
      name: 'ShareEraseFailed',
      code: 'SHARE_ERASE_FAILED',
      step: 'erase',
      retryable: true,
      facts: { status: 503, erased: ['drive'] },
    })
    expect((error as Error).message).toMatch(/already deleted from Google Drive; erasing again finishes the rest\.$/)
    expect(keyFilesOf(w)).toEqual([])
    expect(rowsOf(w)).toHaveLength(1)
    // The wallet heard nothing yet: only a finished erase tells it.
    expect(w.wallet.notifications.at(-1)).toMatchObject({ success: true })
    await expect(status(w)).resolves.toMatchObject({ state: 'partial', server: true, drive: false })

    await expect(w.erase()).resolves.toEqual({ keyFilesDeleted: 0 })
    expect(rowsOf(w)).toEqual([])
    await expect(status(w)).resolves.toMatchObject({ state: 'none' })
  })

  test('the server refuses (403): ShareUnauthorized, not retryable, with the Drive part reported done', async () => {
    const w = createWorld()
    await w.backup()
    w.share.faults.set('share.delete', { status: 403 }, { times: 1 })
    await expect(w.erase()).rejects.toMatchObject({
      code: 'SHARE_UNAUTHORIZED',
      retryable: false,
      facts: { status: 403, erased: ['drive'] },
    })
  })

  test('the wallet is not told: NotifyFailed with facts.erased drive and server; the retry tells it', async () => {
    const w = createWorld()
    await w.backup()
    w.wallet.faults.notify = { error: { code: 'UNEXPECTED_ERROR' }, times: 1 }
    await expect(w.erase()).rejects.toMatchObject({
      code: 'NOTIFY_FAILED',
      step: 'notify',
      facts: { erased: ['drive', 'server'] },
    })
    expect([keyFilesOf(w), rowsOf(w)]).toEqual([[], []])
    await expect(w.erase()).resolves.toEqual({ keyFilesDeleted: 0 })
    expect(w.wallet.notifications.at(-1)).toMatchObject({ success: false })
  })

  test('a 404 to the DELETE (a wrong baseURL, a server without the route): ShareEraseFailed naming the URL, final', async () => {
    const w = createWorld()
    await w.backup()
    // Even `backup_not_found`: the kit's server answers 204 when nothing is stored, so a 404 is never "already erased".
    w.share.faults.set('share.delete', { status: 404 }, { times: 1 })
    const error = await w.erase().catch((e: unknown) => e)
    expect(error).toMatchObject({
      code: 'SHARE_ERASE_FAILED',
      retryable: false,
      facts: { status: 404, erased: ['drive'] },
    })
    expect((error as Error).message).toContain('DELETE http://app.test/api/clients/client-1/backup (404)')
    expect(rowsOf(w)).toHaveLength(1)
  })

  test('one flow per client: an erase while a backup of the client runs is WalletBusy and erases nothing', async () => {
    const w = createWorld()
    let letGo!: () => void
    w.wallet.faults.backup = { until: new Promise<void>((r) => (letGo = r)), times: 1 }
    const running = w.backup()
    await expect(w.erase()).rejects.toMatchObject({ code: 'WALLET_BUSY' })
    letGo()
    await running
    expect(rowsOf(w)).toHaveLength(1)
  })
})

test('provider custody: no Google token needed; the record is erased and the wallet told', async () => {
  const w = createWorld({ keyCustody: 'provider' })
  await backupWallet(w.config)
  expect(rowsOf(w)).toHaveLength(1)
  await expect(eraseBackup(w.config)).resolves.toEqual({ keyFilesDeleted: 0 })
  expect(rowsOf(w)).toEqual([])
  expect(w.wallet.notifications.at(-1)).toMatchObject({ success: false, method: 'GDRIVE' })
  await expect(getBackupStatus(w.config)).resolves.toMatchObject({ state: 'none', server: false })
})
