// Issue #25: what a released kit left behind must keep working after an upgrade. test/fixtures/upgrade holds, per
// store, what main 4f33868 wrote through its real flows (Drive key files, the server's tables with their idempotency
// records, the wallet provider's state, the POSTs as sent); see its README. Each test loads one store's fixture into
// a fresh SQLite file or PostgreSQL schema and a fresh Google emulator, serves it with the current code's server
// (default options, the fixture's test-only key) and runs the current kit's flows against it.
//
// The clock: the server has no clock option; its route stamps a write with `new Date()`, and both stores decide
// whether an idempotency record is live from that stamp. So only `Date` is faked (timers stay real), set to the
// fixture's generation time and running on from there: the records are within their TTL whatever today's date.
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import axios from 'axios'
import Database from 'better-sqlite3'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { portalAdapter } from '../src/adapters/portalAdapter.js'
import { type BackupConfig, backupWallet } from '../src/core/actions/backupWallet.js'
import { createShareApi } from '../src/core/clients/createShareApi.js'
import { getBackupStatus } from '../src/core/actions/getBackupStatus.js'
import { recoverWallet } from '../src/core/actions/recoverWallet.js'
import {
  type BackupStore,
  createServer,
  devHeaderAuthenticate,
  postgresStore,
  sqliteStore,
} from '../src/server/index.js'
import { createGoogleEmulator, createWalletBackend, createWalletEmulator } from '../src/testing/index.js'
import { DRIVE_APPDATA_SCOPE } from '../src/core/index.js'
import {
  FIXTURE_SCHEMA,
  type FixtureClient,
  type FixtureStore,
  type FixtureWorld,
  driveNetwork,
  readFixture,
  TEST_ONLY_AT_REST_KEY,
  TEST_ONLY_WEBHOOK_SECRET,
} from './fixtures/upgrade/upgradeFixture.js'
import { listenOnLoopback } from './server/support/http.js'
import { postgresSkipReason, postgresUrl } from './server/support/stores.js'

const RETRY = { tries: 3, baseDelayMs: 1, maxDelayMs: 5 }

/** The fixture's database, loaded as the dump says, in a place of its own; `drop` removes it. */
async function loadDatabase(store: FixtureStore, sql: string): Promise<{ store: BackupStore; drop(): Promise<void> }> {
  if (store === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'rmb-upgrade-'))
    const filename = join(dir, 'backups.db')
    // Owner-only from the start, as the store would make it (it warns when it has to tighten a file).
    writeFileSync(filename, '', { mode: 0o600 })
    const db = new Database(filename)
    db.exec(sql)
    db.close()
    return { store: sqliteStore({ filename }), drop: async () => rmSync(dir, { recursive: true, force: true }) }
  }
  const schema = `rmb_upgrade_${randomBytes(6).toString('hex')}`
  const admin = new pg.Pool({ connectionString: postgresUrl, max: 1 })
  const client = await admin.connect()
  try {
    await client.query(sql.replaceAll(FIXTURE_SCHEMA, schema))
  } finally {
    // The dump sets session state (search_path): this connection is not reused.
    client.release(true)
  }
  return {
    store: postgresStore({ connectionString: postgresUrl, schema }),
    async drop() {
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
      await admin.end()
    },
  }
}

type Opened = Awaited<ReturnType<typeof openFixture>>

/** One store's fixture served by the current code: its server, its Drive, its wallet provider. */
async function openFixture(store: FixtureStore) {
  const { world, sql } = readFixture(store)
  vi.useFakeTimers({ toFake: ['Date'], now: new Date(world.generatedAt), shouldAdvanceTime: true })
  const database = await loadDatabase(store, sql)
  const server = createServer({
    store: database.store,
    authenticate: devHeaderAuthenticate(),
    webhookSecret: TEST_ONLY_WEBHOOK_SECRET,
    encryptionKey: TEST_ONLY_AT_REST_KEY,
  })
  const listener = await listenOnLoopback(server.handler)
  const base = `http://127.0.0.1:${listener.port}/api`

  const google = createGoogleEmulator({ accounts: world.accounts, clientId: world.oauthClientId })
  // Under the ids the server's records name, with the times and appProperties they had.
  for (const file of world.driveFiles) google.putFile(file)
  const backend = createWalletBackend()
  for (const c of world.clients) backend.restore(c.clientId, c.wallet)
  const drive = driveNetwork(google)

  const client = (clientId: string) => {
    const c = world.clients.find((x) => x.clientId === clientId)
    if (!c) throw new Error(`no client ${clientId} in the fixture`)
    return c
  }
  /** A new device of the client's user: the wallet is not on it; its Google token is for the client's account. */
  const device = (c: FixtureClient) => {
    const wallet = createWalletEmulator({ clientId: c.clientId, backend, createWallet: false })
    const token = google.issueToken({ account: c.account, scope: DRIVE_APPDATA_SCOPE }).access_token
    const config: BackupConfig = {
      wallet: portalAdapter(wallet, { keyCustody: 'kit' }),
      clientId: c.clientId,
      shareApi: createShareApi({
        axios: axios.create({ baseURL: base, headers: { 'X-Client-Id': c.clientId } }),
        retry: RETRY,
      }),
      retry: RETRY,
      fetch: drive.fetch,
    }
    const params = { getAccessToken: async () => token }
    return {
      wallet,
      status: () => getBackupStatus(config, { accessToken: token }),
      recover: () => recoverWallet(config, params),
      backup: () => backupWallet(config, params),
    }
  }
  const serverRecord = async (c: FixtureClient) => {
    const res = await fetch(`${base}/clients/${encodeURIComponent(c.clientId)}/backup?backupMethod=${c.backupMethod}`, {
      headers: { 'x-client-id': c.clientId },
    })
    expect(res.status).toBe(200)
    return (await res.json()) as { keyVersion: string; keyFileId: string; cipherText: string }
  }

  return {
    world,
    base,
    google,
    drive,
    client,
    device,
    serverRecord,
    async close() {
      await listener.close()
      await server.close()
      await database.drop()
    },
  }
}

/** The fixture client whose key file this is, by the exact names main 4f33868 gave them. */
function ownerOf(world: FixtureWorld, fileName: string): FixtureClient | undefined {
  return world.clients.find((c) => c.keyVersions.some((v) => fileName === `react-mpc-backup.${c.clientId}.v${v}.key`))
}

const cases: Array<{ store: FixtureStore; skip: boolean }> = [
  { store: 'sqlite', skip: false },
  { store: 'postgres', skip: !postgresUrl },
]
const clientIds = ['acme', 'acme.vip', 'globex']

describe.each(cases)('upgrade: the $store fixture written by main 4f33868', ({ store, skip }) => {
  const test = skip ? it.skip : it
  const title = (what: string) => (skip ? `${what} (skipped: ${postgresSkipReason})` : what)
  /** One served fixture for the tests of the enclosing describe, in their order. */
  const served = () => {
    let opened: Opened | undefined
    beforeAll(async () => {
      if (!skip) opened = await openFixture(store)
    })
    afterAll(async () => {
      await opened?.close()
      vi.useRealTimers()
    })
    return () => opened!
  }

  test(title('holds what the tests below rely on'), () => {
    const { world } = readFixture(store)
    expect(world.sourceCommit.startsWith('4f33868')).toBe(true)
    expect(world.clients.map((c) => c.clientId)).toEqual(clientIds)
    // acme and acme.vip keep their keys in one app data folder: the name prefix collision.
    expect(world.clients[0]!.account).toBe(world.clients[1]!.account)
    // globex: three backups; the first key pruned, the second left behind by a failed pruning, the third current.
    const [g1, g2, g3] = world.clients[2]!.keyVersions
    const names = world.driveFiles.map((f) => f.name)
    expect(names).not.toContain(`react-mpc-backup.globex.v${g1}.key`)
    expect(names).toContain(`react-mpc-backup.globex.v${g2}.key`)
    expect(names).toContain(`react-mpc-backup.globex.v${g3}.key`)
    expect(world.requests.filter((r) => r.headers['Idempotency-Key'])).toHaveLength(5)
  })

  // Reads only (a replay writes nothing): one served fixture for every client.
  describe('as it was left', () => {
    const world = served()

    test.each(clientIds)(
      title("%s: getBackupStatus says backedUp (server record, Drive key, the wallet's word)"),
      async (clientId) => {
        const w = world()
        expect(await w.device(w.client(clientId)).status()).toMatchObject({
          state: 'backedUp',
          server: true,
          drive: true,
          wallet: true,
        })
      },
    )

    test(title("the provider's custodian shares are fetched by its webhook"), async () => {
      const w = world()
      expect(w.world.custodianShares.length).toBeGreaterThan(0)
      for (const { clientId, share } of w.world.custodianShares) {
        const res = await fetch(`${w.base}/webhook/backup/fetch`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'X-Webhook-Secret': TEST_ONLY_WEBHOOK_SECRET },
          body: JSON.stringify({ clientId }),
        })
        expect(res.status).toBe(200)
        expect(await res.json()).toMatchObject({ backupShares: [share] })
      }
    })

    test.each(clientIds)(
      title('%s: a replay of each recorded POST (same Idempotency-Key, same body) is answered as a replay'),
      async (clientId) => {
        const w = world()
        const c = w.client(clientId)
        const before = await w.serverRecord(c)
        expect(before.keyVersion).toBe(c.keyVersions.at(-1))
        const recorded = w.world.requests.filter((r) => r.clientId === clientId)
        expect(recorded).toHaveLength(c.keyVersions.length)
        for (const request of recorded) {
          const res = await fetch(`${w.base}${request.path}`, {
            method: request.method,
            headers: request.headers,
            body: request.body,
          })
          expect(res.status, request.headers['Idempotency-Key']).toBe(200)
          expect(res.headers.get('idempotent-replayed')).toBe('true')
          expect(await res.text()).toBe(request.response.body)
        }
        // A replay writes nothing: the server still holds the latest backup, after older keys' replays too.
        expect(await w.serverRecord(c)).toEqual(before)
      },
    )
  })

  // Each client on its own served fixture: its recovery and new backup write, and prune Drive.
  describe.each(clientIds)('%s, on a new device', (clientId) => {
    const world = served()
    let device: ReturnType<Opened['device']>

    test(title('recovery restores the wallet'), async () => {
      const w = world()
      const c = w.client(clientId)
      device = w.device(c)
      const recovered = await device.recover()
      expect(recovered.address).toBe(c.wallet.address)
      expect(device.wallet.address).toBe(c.wallet.address)
      expect(await device.wallet.isWalletOnDevice()).toBe(true)
    })

    test(title('a new backup works afterwards: status backedUp on the new key version, which recovers'), async () => {
      const w = world()
      const c = w.client(clientId)
      const made = await device.backup()
      expect(c.keyVersions).not.toContain(made.keyVersion)
      const record = await w.serverRecord(c)
      expect(record.keyVersion).toBe(made.keyVersion)
      expect(w.google.files().find((f) => f.id === record.keyFileId)?.name).toContain(made.keyVersion)
      // Pruning runs off the flow's path: let it finish before the status reads Drive.
      await w.drive.settle()
      expect(await device.status()).toMatchObject({ state: 'backedUp', server: true, drive: true, wallet: true })
      await expect(w.device(c).recover()).resolves.toMatchObject({ address: c.wallet.address })
      await w.drive.settle()
    })

    // acme's key file names were a prefix of acme.vip's under the old naming: pruning by prefix deleted acme.vip's
    // keys (seen failing on main 4f33868 for acme). Key files are now parsed exactly, old names included.
    ;(skip ? it.skip : it)(title("its pruning left the other clients' keys intact"), async () => {
      const w = world()
      const others = w.world.clients.filter((o) => o.clientId !== clientId)
      for (const f of w.world.driveFiles.filter((f) => others.includes(ownerOf(w.world, f.name)!)))
        expect(w.google.readFile(f.id)?.text, `${f.name}, a key of another client`).toBe(f.content)
      for (const o of others)
        expect((await w.device(o).status()).state, `status of ${o.clientId} after ${clientId}'s backups`).toBe(
          'backedUp',
        )
    })
  })
})
