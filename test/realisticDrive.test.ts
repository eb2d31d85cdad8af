// The kit against Drive as it really behaves: name queries that lag behind writes and short list pages.
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { getBackupStatus } from '../src/core/actions/getBackupStatus.js'
import { createDriveKeyStore, keyFilePrefix } from '../src/core/clients/driveKeyStore.js'
import { createWorld, server, type World } from './support/nodeHarness.js'

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterAll(() => server.close())

// The emulators' clock stands still here: a lag of 30 s never runs out, however long the test takes.
const frozen = Date.UTC(2026, 0, 1)
const now = () => frozen

const keyFiles = (w: World) => w.google.files().filter((f) => f.name.startsWith(keyFilePrefix(w.clientId)))
const status = (w: World) => getBackupStatus(w.config, { accessToken: w.token })

describe('the kit under eventual consistency (name queries miss files written in the last 30 s) and short pages', () => {
  // The clock stands still: every name query made here misses every file the kit wrote.
  const realistic = { nameQueryLagMs: 30_000, shortPages: true, now }

  test('backup -> status right away -> recover on a new device -> backup again: all succeed, no duplicate key file', async () => {
    const w = createWorld({ google: realistic })
    const first = await w.backup()
    await expect(status(w)).resolves.toMatchObject({ state: 'backedUp', server: true, drive: true })

    await expect(w.newDevice().recover()).resolves.toMatchObject({ address: w.wallet.address })
    await expect(status(w)).resolves.toMatchObject({ state: 'backedUp', drive: true })

    const again = await w.backup()
    expect(again.keyVersion).not.toBe(first.keyVersion)
    await expect(status(w)).resolves.toMatchObject({ state: 'backedUp', drive: true })
    // Every write made a new, versioned name, so a listing that cannot see the files made no duplicate of any.
    const names = keyFiles(w).map((f) => f.name)
    expect(new Set(names).size).toBe(names.length)
    // The server's record names a key file Drive holds, and that file is the one recovery reads.
    const row = w.share.rows()[0]!
    expect(keyFiles(w).find((f) => f.id === row.keyFileId)?.name).toBe(
      `${keyFilePrefix(w.clientId)}${again.keyVersion}.key`,
    )
    await expect(w.newDevice().recover()).resolves.toMatchObject({ address: w.wallet.address })
  })

  test('a wrong key cannot stand in: the record names a file id whose name is another version -> KeyNotFound', async () => {
    const w = createWorld({ google: realistic })
    await w.backup()
    const row = w.share.rows()[0]!
    const other = w.google.putFile({
      name: `${keyFilePrefix(w.clientId)}0older.key`,
      content: 'not-the-key',
      clientId: w.google.clientId,
    })
    w.share.putRow({ ...row, keyFileId: other.id })
    await expect(w.newDevice().recover()).rejects.toMatchObject({ name: 'KeyNotFound' })
    await expect(status(w)).resolves.toMatchObject({ state: 'partial', drive: false })
  })
})

test('a server that keeps the file id but no key version: the key is still read by id, status is backedUp', async () => {
  const w = createWorld({ google: { nameQueryLagMs: 30_000, now } })
  await w.backup()
  const { keyVersion: _v, ...row } = w.share.rows()[0]!
  w.share.putRow(row)
  await expect(status(w)).resolves.toMatchObject({ state: 'backedUp', drive: true })
  await expect(w.newDevice().recover()).resolves.toMatchObject({ address: w.wallet.address })
})

describe('listings follow nextPageToken (short and empty pages), with a bound', () => {
  test('pruning after a backup finds the older key files across short pages', async () => {
    const w = createWorld({ google: { shortPages: true } })
    await w.backup()
    await w.backup()
    const last = await w.backup()
    await expect
      .poll(() => keyFiles(w).map((f) => f.name))
      .toEqual([`${keyFilePrefix(w.clientId)}${last.keyVersion}.key`])
  })

  test('list() returns every file behind empty first pages, and stops after the bound', async () => {
    const w = createWorld({ google: { shortPages: true } })
    for (let i = 0; i < 3; i++) w.google.putFile({ name: `${keyFilePrefix(w.clientId)}${i}.key`, content: 'k' })
    const drive = createDriveKeyStore({ accessToken: w.token })
    expect((await drive.list(keyFilePrefix(w.clientId))).map((f) => f.name)).toHaveLength(3)
    // 30 files need 60 short pages; the bound (20 pages) stops the listing instead of looping on.
    for (let i = 3; i < 30; i++)
      w.google.putFile({ name: `${keyFilePrefix(w.clientId)}${String(i).padStart(2, '0')}.key`, content: 'k' })
    expect((await drive.list(keyFilePrefix(w.clientId))).length).toBe(10)
  })
})
