// End-to-end backup and recovery time on the emulators, against the critical path and against the naive sequential
// integration an app would write by hand (the seed flow).
//   node --import tsx bench/flow.mjs
// Every remote step has a fixed latency plus uniform jitter. The kit's core runs as in an app (fetch + axios through
// msw/node); authorization costs nothing (a held token), as on a second backup.
import { setupServer } from 'msw/node'
import {
  createGoogleEmulator,
  createShareServerEmulator,
  createWalletBackend,
  createWalletEmulator,
} from '../src/testing/index.ts'
import { portalAdapter } from '../src/adapters/portalAdapter.ts'
import { backupWallet } from '../src/core/actions/backupWallet.ts'
import { recoverWallet } from '../src/core/actions/recoverWallet.ts'
import { createShareApi } from '../src/core/clients/createShareApi.ts'
import { DRIVE_APPDATA_SCOPE } from '../src/core/clients/driveKeyStore.ts'

// 3 rounds keep the bench under 20 s (a round is about 6 s of emulated latency); BENCH_ITERATIONS=5 for more.
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 3)
const JITTER = 20
const BASE = 'http://app.test/api'
const DRIVE = 'https://www.googleapis.com'

// The configured latencies (ms). Drive's 300 ms write is its two calls: find (list) + create.
const L = {
  generate: 400, // wallet backup
  recover: 400, // wallet recover
  notify: 100, // wallet storedClientBackupShare
  driveList: 150,
  driveCreate: 150,
  driveGet: 150,
  driveUpdate: 150,
  driveDelete: 150,
  upload: 150, // POST share
  shareGet: 150, // GET share
}
const hop = (ms) => ms + JITTER / 2 // each remote call's expected cost, jitter included
const driveWrite = hop(L.driveList) + hop(L.driveCreate)
// The critical path is the dependency graph's longest chain, the floor for any implementation: the key is made
// locally, so its Drive write only has to finish before the upload is confirmed; the upload needs the wallet's
// share; notify needs the upload. Recovery needs the server record, then the key file it names by id (files.get
// carries the key; a name listing in parallel would be one hop shorter but can miss a new file at Google), then the
// wallet, then a fresh backup. Beside notify, the flow re-reads the server's record (pruning must spare the key of
// what the server holds after our upload), so that step costs the longer of the two.
const backupCritical = Math.max(hop(L.generate), driveWrite) + hop(L.upload) + Math.max(hop(L.notify), hop(L.shareGet))
const readCritical = hop(L.shareGet) + hop(L.driveGet)
const recoveryCritical = readCritical + hop(L.recover) + backupCritical

const server = setupServer()
server.listen({ onUnhandledRequest: 'error' })

// One mutable table per emulator: zeroed while a world is prepared, restored for the timed run.
function latencyTables() {
  return {
    wallet: { backup: L.generate, recover: L.recover, notify: L.notify, jitter: JITTER },
    google: {
      'drive.list': L.driveList,
      'drive.create': L.driveCreate,
      'drive.get': L.driveGet,
      'drive.update': L.driveUpdate,
      'drive.delete': L.driveDelete,
      jitter: JITTER,
    },
    share: { 'share.post': L.upload, 'share.get': L.shareGet, jitter: JITTER },
  }
}

let worldCount = 0
function createWorld() {
  const clientId = `bench-${++worldCount}`
  const lat = latencyTables()
  const saved = structuredClone(lat)
  const google = createGoogleEmulator({ latency: lat.google })
  const share = createShareServerEmulator({ baseURL: BASE, latency: lat.share })
  server.resetHandlers(...google.handlers, ...share.handlers)
  const wallet = createWalletEmulator({ clientId, backend: createWalletBackend(), latency: lat.wallet })
  const token = google.issueToken({ scope: DRIVE_APPDATA_SCOPE }).access_token
  const config = { wallet: portalAdapter(wallet), clientId, shareApi: createShareApi({ baseURL: BASE }) }
  const params = { getAccessToken: async () => token }
  const setLatency = (on) => {
    for (const k of Object.keys(lat)) for (const e of Object.keys(lat[k])) lat[k][e] = on ? saved[k][e] : 0
  }
  return { clientId, wallet, token, config, params, setLatency, google, share }
}

// ---- The seed flow: what an app writes by hand, each step awaited in turn. ----
const seedKeyName = (clientId) => `backup-key-${clientId}.txt`

async function seedBackup(w) {
  const key = randomKey()
  const { cipherText } = await w.wallet.backupWallet('PASSWORD', undefined, { passwordStorage: { password: key } })
  await seedDriveWrite(w, seedKeyName(w.clientId), key)
  await jsonFetch(`${BASE}/clients/${w.clientId}/backup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ backupMethod: 'PASSWORD', cipherText }),
  })
  await w.wallet.storedClientBackupShare(true, 'PASSWORD')
}

async function seedRecovery(w) {
  const [file] = await seedDriveFind(w, seedKeyName(w.clientId))
  if (!file) throw new Error('seed recovery: no key file')
  const keyRes = await fetch(`${DRIVE}/drive/v3/files/${file.id}?alt=media`, { headers: auth(w) })
  if (!keyRes.ok) throw new Error(`seed recovery: key read ${keyRes.status}`)
  const key = await keyRes.text()
  const record = await jsonFetch(`${BASE}/clients/${w.clientId}/backup?backupMethod=PASSWORD`)
  await w.wallet.recoverWallet(record.cipherText, 'PASSWORD', { passwordStorage: { password: key } })
  await seedBackup(w)
}

async function seedDriveFind(w, name) {
  const q = encodeURIComponent(`name='${name}' and trashed=false`)
  const body = await jsonFetch(`${DRIVE}/drive/v3/files?spaces=appDataFolder&q=${q}&fields=files(id,name)`, {
    headers: auth(w),
  })
  return body.files ?? []
}

async function seedDriveWrite(w, name, content) {
  const [existing] = await seedDriveFind(w, name)
  if (existing) {
    await jsonFetch(`${DRIVE}/upload/drive/v3/files/${existing.id}?uploadType=media`, {
      method: 'PATCH',
      headers: { ...auth(w), 'content-type': 'text/plain' },
      body: content,
    })
    return
  }
  const b = 'seedboundary'
  const meta = JSON.stringify({ name, parents: ['appDataFolder'], mimeType: 'text/plain' })
  await jsonFetch(`${DRIVE}/upload/drive/v3/files?uploadType=multipart`, {
    method: 'POST',
    headers: { ...auth(w), 'content-type': `multipart/related; boundary=${b}` },
    body: `--${b}\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n${meta}\r\n--${b}\r\nContent-Type: text/plain\r\n\r\n${content}\r\n--${b}--`,
  })
}

const auth = (w) => ({ authorization: `Bearer ${w.token}` })
async function jsonFetch(url, init) {
  const res = await fetch(url, init)
  if (!res.ok) throw new Error(`${init?.method ?? 'GET'} ${url} -> ${res.status}`)
  return res.json()
}
function randomKey() {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64url')
}

// ---- Timed runs: a fresh world each time, prepared without latency. ----
async function timed(prepare, run, latency = true) {
  const w = createWorld()
  w.setLatency(false)
  await prepare(w)
  w.setLatency(latency)
  const t0 = performance.now()
  await run(w)
  const ms = performance.now() - t0
  return { ms, w }
}

const flows = {
  kitBackup: (latency) =>
    timed(
      async () => {},
      (w) => backupWallet(w.config, w.params),
      latency,
    ),
  seedBackup: (latency) => timed(async () => {}, seedBackup, latency),
  kitRecovery: (latency) =>
    timed(
      (w) => backupWallet(w.config, w.params),
      (w) => recoverWallet(w.config, w.params),
      latency,
    ),
  seedRecovery: (latency) => timed(seedBackup, seedRecovery, latency),
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

const samples = Object.fromEntries(Object.keys(flows).map((k) => [k, []]))
// Warm-up without latency (module JIT, msw's first interception), then interleaved rounds so drift hits every
// flow alike.
for (const f of Object.values(flows)) await f(false)
for (let i = 0; i < ITERATIONS; i++) {
  for (const [name, f] of Object.entries(flows)) {
    const { ms, w } = await f()
    // Each timed run must have really stored a backup the wallet accepted.
    const last = w.wallet.notifications.at(-1)
    if (!last?.success || w.share.rows().length !== 1)
      throw new Error(`${name}: the backup was not stored and confirmed`)
    samples[name].push(ms)
  }
}
server.close()

const m = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]))
const f0 = (x) => x.toFixed(0)
const f2 = (x) => x.toFixed(2)
console.log(
  `flow.latencies generate ${L.generate}, drive write ${L.driveList}+${L.driveCreate} (list+create), upload ${L.upload}, notify ${L.notify}, ` +
    `recover ${L.recover}, share GET ${L.shareGet}, drive get ${L.driveGet}, each + 0..${JITTER} ms jitter; median of ${ITERATIONS}`,
)
console.log(`flow.backup.ms kit ${f0(m.kitBackup)}, seed ${f0(m.seedBackup)}, critical path ${f0(backupCritical)}`)
console.log(`flow.backup.vsCriticalPath ${f2(m.kitBackup / backupCritical)} (goal <= 1.10)`)
console.log(`flow.backup.vsSeed ${f2(m.kitBackup / m.seedBackup)} (goal <= 0.75)`)
console.log(
  `flow.recovery.ms kit ${f0(m.kitRecovery)}, seed ${f0(m.seedRecovery)}, critical path ${f0(recoveryCritical)}`,
)
console.log(`flow.recovery.vsCriticalPath ${f2(m.kitRecovery / recoveryCritical)} (goal <= 1.10)`)
console.log(`flow.recovery.vsSeed ${f2(m.kitRecovery / m.seedRecovery)} (goal <= 0.75)`)
