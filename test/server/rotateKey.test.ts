// Operator tools on both stores: rotate-key re-seals rows sealed under two old keys while a server keeps writing
// (every row opens under the new key alone afterwards, and each holds the last value a writer was told is stored);
// verify finds a row sealed with a key nobody configured; stats counts without opening anything.
import { randomBytes } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import type { BackupStore, RowKind, RowPosition } from '../../src/server/index.js'
import { collectStoreStats, keyIdOf, rotateEncryptionKey, verifyStoredRows } from '../../src/server/index.js'
import type { TestApi } from './support/http.js'
import { getBackup, KEY_A, KEY_B, postBackup, postWebhook, serveRouter } from './support/http.js'
import type { StoreHarness } from './support/stores.js'
import { postgresSkipReason, storeCases } from './support/stores.js'

const KEY_C = randomBytes(32)
const NEW_KEYRING = { key: KEY_C, previous: [KEY_A, KEY_B] }
const CLIENT_METHODS = ['GDRIVE', 'PASSWORD']
const CUSTODIAN_METHODS = ['GDRIVE-SECP256K1', 'GDRIVE-ED25519']

/** The value each row must hold: the last one whose write was answered 200. */
type Expected = Map<string, { kind: RowKind; clientId: string; backupMethod: string; value: string }>
const keyOf = (kind: RowKind, at: RowPosition) => `${kind}|${at.clientId}|${at.backupMethod}`

async function write(api: TestApi, expected: Expected, kind: RowKind, clientId: string, backupMethod: string) {
  const value = `${kind}-${randomBytes(12).toString('hex')}`
  const res =
    kind === 'client'
      ? await postBackup(api.base, clientId, { backupMethod, cipherText: value, keyVersion: 1 })
      : await postWebhook(api.base, '/webhook/backup', { clientId, share: value, backupMethod })
  expect(res.status).toBe(200)
  expected.set(keyOf(kind, { clientId, backupMethod }), { kind, clientId, backupMethod, value })
}

async function seed(api: TestApi, expected: Expected, prefix: string, clients: number) {
  const jobs: Array<Promise<void>> = []
  for (let i = 0; i < clients; i++) {
    for (const m of CLIENT_METHODS) jobs.push(write(api, expected, 'client', `${prefix}-c${i}`, m))
    if (i % 2 === 0)
      for (const m of CUSTODIAN_METHODS) jobs.push(write(api, expected, 'custodian', `${prefix}-p${i}`, m))
  }
  await Promise.all(jobs)
}

/** Each row read back through a server that has the new key only. */
async function readAll(api: TestApi, expected: Expected): Promise<string[]> {
  const wrong: string[] = []
  const custodians = new Map<string, Set<string>>()
  for (const row of expected.values()) {
    if (row.kind === 'client') {
      const res = await getBackup(api.base, row.clientId, row.backupMethod)
      const body = (await res.json()) as { cipherText?: string }
      if (res.status !== 200 || body.cipherText !== row.value) wrong.push(`${row.clientId} ${row.backupMethod}`)
    } else {
      custodians.set(row.clientId, (custodians.get(row.clientId) ?? new Set()).add(row.value))
    }
  }
  for (const [clientId, values] of custodians) {
    const res = await postWebhook(api.base, '/webhook/backup/fetch', { clientId })
    const body = (await res.json()) as { backupShares?: string[] }
    if (res.status !== 200 || [...values].some((v) => !body.backupShares?.includes(v)))
      wrong.push(`custodian ${clientId}`)
  }
  return wrong
}

describe.each(storeCases)('operator tools on $name', (storeCase) => {
  let harness: StoreHarness | undefined
  const apis: TestApi[] = []
  afterEach(async () => {
    await Promise.all(apis.splice(0).map((a) => a.close()))
    await harness?.dispose()
    harness = undefined
  })
  const skipNote = storeCase.skip ? ` (${postgresSkipReason})` : ''

  it.skipIf(storeCase.skip)(
    `rotate-key: rows under two old keys all open under the new key, none lost, with writes going on${skipNote}`,
    async () => {
      harness = await storeCase.create()
      const store = harness.store
      const expected: Expected = new Map()
      // Servers of a rotation in progress, each serving rows other keys sealed: the start-up key check (which would
      // refuse a server whose key opens none of the newest rows) is off, as for servers started before those rows.
      const underA = await serveRouter(store, { encryptionKey: KEY_A, checkEncryptionKey: false })
      const underB = await serveRouter(store, { encryptionKey: KEY_B, checkEncryptionKey: false })
      // The documented order: servers get the new key as current (old ones as previous) first, then rotate-key runs.
      const serving = await serveRouter(store, { encryptionKey: NEW_KEYRING, checkEncryptionKey: false })
      const newKeyOnly = await serveRouter(store, { encryptionKey: KEY_C, checkEncryptionKey: false })
      apis.push(underA, underB, serving, newKeyOnly)
      await seed(underA, expected, 'a', 24)
      await seed(underB, expected, 'b', 24)
      const before = await verifyStoredRows({ store, encryptionKey: NEW_KEYRING })
      expect(Object.keys(before.byKeyId).sort()).toEqual([keyIdOf(KEY_A), keyIdOf(KEY_B)].sort())

      // A writer that keeps replacing existing rows and adding new ones while the rotation runs.
      let stop = false
      let concurrentWrites = 0
      const writer = (async () => {
        for (let i = 0; !stop; i++) {
          const rows = [...expected.values()]
          const row = rows[(i * 7) % rows.length]!
          await write(serving, expected, row.kind, row.clientId, row.backupMethod)
          if (i % 5 === 0) await write(serving, expected, 'client', `new-${i}`, 'GDRIVE')
          concurrentWrites++
        }
      })()
      // And writes that land exactly between the rotation's read of a row and its re-seal of that row.
      const forcedPerKind = { client: 0, custodian: 0 }
      const real = store.maintenance!
      const racing: BackupStore = {
        ...store,
        maintenance: {
          ...real,
          async resealRow(kind, at, data, next) {
            if (forcedPerKind[kind] < 3) {
              forcedPerKind[kind]++
              await write(serving, expected, kind, at.clientId, at.backupMethod)
            }
            return real.resealRow(kind, at, data, next)
          },
        },
      }
      const report = await rotateEncryptionKey({ store: racing, encryptionKey: NEW_KEYRING, pageSize: 16 })
      stop = true
      await writer

      expect(forcedPerKind).toEqual({ client: 3, custodian: 3 })
      expect(concurrentWrites).toBeGreaterThan(0)
      expect(report.unreadable).toEqual([])
      expect(report.replacedByWriters).toBeGreaterThanOrEqual(6)
      // 144 seeded rows: each re-sealed here, or rewritten under the new key by the writer first.
      expect(report.resealed).toBeGreaterThan(0)
      expect(report.resealed + report.replacedByWriters + report.alreadyCurrent).toBeGreaterThanOrEqual(144)
      const after = await verifyStoredRows({ store, encryptionKey: KEY_C })
      expect(after.unreadable).toEqual([])
      expect(after.rows).toBe(expected.size)
      expect(Object.keys(after.byKeyId)).toEqual([keyIdOf(KEY_C)])
      expect(await readAll(newKeyOnly, expected)).toEqual([])

      // Resumable: a second run finds everything done.
      const again = await rotateEncryptionKey({ store, encryptionKey: NEW_KEYRING, pageSize: 16 })
      expect(again).toMatchObject({ resealed: 0, replacedByWriters: 0, alreadyCurrent: expected.size, unreadable: [] })
    },
    60_000,
  )

  it.skipIf(storeCase.skip)(
    `verify reports a row sealed with an unknown key by its key id; rotate-key leaves it as it is${skipNote}`,
    async () => {
      harness = await storeCase.create()
      const store = harness.store
      const expected: Expected = new Map()
      const known = await serveRouter(store, { encryptionKey: KEY_A, checkEncryptionKey: false })
      const stray = randomBytes(32)
      const unknown = await serveRouter(store, { encryptionKey: stray, checkEncryptionKey: false })
      apis.push(known, unknown)
      await seed(known, expected, 'k', 3)
      await write(unknown, new Map(), 'client', 'stray-client', 'GDRIVE')

      const report = await verifyStoredRows({ store, encryptionKey: NEW_KEYRING })
      expect(report.unreadable).toEqual([
        { kind: 'client', clientId: 'stray-client', backupMethod: 'GDRIVE', keyId: keyIdOf(stray) },
      ])
      expect(report.readable).toBe(expected.size)
      expect(report.byKeyId[keyIdOf(stray)]).toEqual({ rows: 1, readable: 0 })

      const rotated = await rotateEncryptionKey({ store, encryptionKey: NEW_KEYRING })
      expect(rotated.unreadable).toEqual(report.unreadable)
      expect(rotated.resealed).toBe(expected.size)
      // Still there, still under its own key: the operator can add that key and run again.
      const later = await verifyStoredRows({ store, encryptionKey: { key: KEY_C, previous: [stray] } })
      expect(later.unreadable).toEqual([])
    },
    60_000,
  )

  it.skipIf(storeCase.skip)(`stats counts rows per method and key id, with sizes and dates${skipNote}`, async () => {
    harness = await storeCase.create()
    const expected: Expected = new Map()
    const api = await serveRouter(harness.store, { encryptionKey: KEY_A })
    apis.push(api)
    await seed(api, expected, 's', 4)
    const stats = await collectStoreStats({ store: harness.store })
    expect(stats.methods.client.GDRIVE?.rows).toBe(4)
    expect(stats.methods.client.PASSWORD?.rows).toBe(4)
    expect(stats.methods.custodian['GDRIVE-ED25519']?.rows).toBe(2)
    expect(stats.totals.client?.rows).toBe(8)
    expect(stats.totals.custodian?.rows).toBe(4)
    expect(stats.keyIds).toEqual({ [keyIdOf(KEY_A)]: 12 })
    expect(stats.totals.client!.minBytes).toBeGreaterThan(0)
    expect(stats.totals.client!.oldest <= stats.totals.client!.newest).toBe(true)
  })
})
