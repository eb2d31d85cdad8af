// Soak: mixed client-backup POST/GET and webhook store/fetch traffic on loopback, SQLite then PostgreSQL.
//   npm run soak                      (SOAK_SECONDS per store, default 120; DATABASE_URL enables PostgreSQL)
// Env: SOAK_SECONDS, SOAK_CLIENTS (concurrent workers, default 16), SOAK_IDS (client ids per worker, default 25),
//      SOAK_MAX_OPS (per store, default 2 000 000).
// Every write is tracked; each (client, method) is owned by one worker, so its reads must return exactly the last
// acknowledged write (or, after an unanswered request, one of the writes sent since). At the end every row is read
// back on the live server and again after a restart on the same data. The server runs in a child process started
// with --expose-gc, so its heap is sampled after a forced GC. Exit code 1 only when a row was lost or corrupted.
import { fork } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const SECRET = 'soak-webhook-secret'

if (process.argv[2] === '--serve') await serve()
else await main()

async function serve() {
  const { devHeaderAuthenticate, postgresStore, sqliteStore, startServer } = await import('../src/server/index.ts')
  const store =
    process.env.SOAK_STORE === 'postgres'
      ? postgresStore({ connectionString: process.env.SOAK_DATABASE_URL, schema: process.env.SOAK_SCHEMA })
      : sqliteStore({ filename: process.env.SOAK_SQLITE_FILE })
  const running = await startServer({
    store,
    authenticate: devHeaderAuthenticate(),
    webhookSecret: SECRET,
    encryptionKey: process.env.SOAK_KEY,
    devInspector: false,
    port: 0,
    // The limiter stays in the path but is sized above this test's per-client rate; 429s are counted anyway.
    limits: { rate: { perMinute: 1_000_000, burst: 10_000 } },
    logger: { error: (m) => console.error(`server: ${m}`) },
  })
  process.on('message', async (msg) => {
    if (msg === 'mem') {
      globalThis.gc?.()
      const m = process.memoryUsage()
      process.send({ mem: { heapUsed: m.heapUsed, rss: m.rss, gc: typeof globalThis.gc === 'function' } })
    } else if (msg === 'stop') {
      await running.close(2_000)
      process.send({ stopped: true })
      process.exit(0)
    }
  })
  process.send({ api: `${running.url}/api` })
}

function startChild(env) {
  const child = fork(fileURLToPath(import.meta.url), ['--serve'], {
    execArgv: ['--expose-gc', '--import', 'tsx'],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const waitFor = (key) =>
    new Promise((resolve, reject) => {
      const onMessage = (msg) => {
        if (msg && key in msg) {
          child.off('message', onMessage)
          child.off('exit', onExit)
          resolve(msg[key])
        }
      }
      const onExit = (code) => reject(new Error(`soak server exited with ${code}`))
      child.on('message', onMessage)
      child.once('exit', onExit)
    })
  return {
    ready: waitFor('api'),
    async mem() {
      const answer = waitFor('mem')
      child.send('mem')
      return answer
    },
    async stop() {
      const answer = waitFor('stopped')
      child.send('stop')
      await answer
      await new Promise((r) => (child.exitCode === null ? child.once('exit', r) : r()))
    },
  }
}

async function main() {
  const seconds = Number(process.env.SOAK_SECONDS ?? 120)
  const workers = Number(process.env.SOAK_CLIENTS ?? 16)
  const idsPerWorker = Number(process.env.SOAK_IDS ?? 25)
  const maxOps = Number(process.env.SOAK_MAX_OPS ?? 2_000_000)
  console.log(
    `soak.config ${seconds}s per store, ${workers} concurrent clients, ${workers * idsPerWorker} client ids, loadavg ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  )

  let failed = false
  const dir = mkdtempSync(join(tmpdir(), 'rmb-soak-'))
  try {
    failed =
      (await soakOne(
        'sqlite',
        { SOAK_STORE: 'sqlite', SOAK_SQLITE_FILE: join(dir, 'soak.db') },
        { seconds, workers, idsPerWorker, maxOps },
      )) || failed
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  const url = process.env.DATABASE_URL
  if (!url) {
    console.log('soak.postgres skipped (DATABASE_URL not set; `source .ci/postgres.sh` provides one)')
  } else {
    const schema = `rmb_soak_${randomBytes(4).toString('hex')}`
    try {
      failed =
        (await soakOne(
          'postgres',
          { SOAK_STORE: 'postgres', SOAK_DATABASE_URL: url, SOAK_SCHEMA: schema },
          { seconds, workers, idsPerWorker, maxOps },
        )) || failed
    } finally {
      const pg = (await import('pg')).default
      const pool = new pg.Pool({ connectionString: url, max: 1 })
      await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => {})
      await pool.end()
    }
  }
  console.log(`soak.result ${failed ? 'FAILED: rows lost or corrupted' : 'ok: no row lost or corrupted'}`)
  process.exit(failed ? 1 : 0)
}

async function soakOne(name, storeEnv, { seconds, workers, idsPerWorker, maxOps }) {
  const env = { ...storeEnv, SOAK_KEY: randomBytes(32).toString('base64') }
  let server = startChild(env)
  let api = await server.ready
  const run = randomBytes(3).toString('hex')

  // key -> { acked: value | undefined, maybe: value[] }; key = kind|clientId|method
  const state = new Map()
  const track = (key) => {
    let s = state.get(key)
    if (!s) state.set(key, (s = { acked: undefined, maybe: [] }))
    return s
  }
  const acceptable = (s) => (s.acked === undefined ? s.maybe : [s.acked, ...s.maybe])
  const counts = { post: 0, get: 0, webhook: 0, fetch: 0, acked: 0, rateLimited: 0, errors: 0, staleReads: 0 }
  const clientMethods = ['GDRIVE', 'PASSWORD']
  const custodianMethods = ['GDRIVE-SECP256K1', 'GDRIVE-ED25519']

  const request = async (path, init) => {
    try {
      const res = await fetch(`${api}${path}`, { ...init, signal: AbortSignal.timeout(15_000) })
      const text = await res.text()
      return { status: res.status, text }
    } catch {
      return { status: 0, text: '' }
    }
  }
  const value = (tag) =>
    `${tag}:${randomBytes(6).toString('hex')}:${randomBytes(200 + Math.floor(Math.random() * 1800)).toString('base64')}`

  const mem = [await server.mem()]
  let warm
  const started = Date.now()
  const deadline = started + seconds * 1000
  let ops = 0
  const sampler = setInterval(async () => {
    try {
      mem.push(await server.mem())
    } catch {}
  }, 5_000)
  const warmTimer = setTimeout(async () => (warm = await server.mem()), Math.min(10_000, (seconds * 1000) / 10))

  const worker = async (w) => {
    const ids = Array.from({ length: idsPerWorker }, (_, k) => `soak-${run}-w${w}-c${k}`)
    while (Date.now() < deadline && ops < maxOps) {
      ops++
      const clientId = ids[Math.floor(Math.random() * ids.length)]
      const roll = Math.random()
      if (roll < 0.35) {
        counts.post++
        const method = clientMethods[Math.floor(Math.random() * 2)]
        const s = track(`client|${clientId}|${method}`)
        const cipherText = value(`ct:${clientId}:${method}`)
        const keyVersion = counts.post
        const stored = JSON.stringify([cipherText, keyVersion])
        s.maybe.push(stored)
        const res = await request(`/clients/${clientId}/backup`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-client-id': clientId },
          body: JSON.stringify({ backupMethod: method, cipherText, keyVersion }),
        })
        if (res.status === 200) {
          s.acked = stored
          s.maybe = []
          counts.acked++
        } else if (res.status === 429) {
          s.maybe.pop()
          counts.rateLimited++
        } else counts.errors++
      } else if (roll < 0.6) {
        counts.get++
        const method = clientMethods[Math.floor(Math.random() * 2)]
        const s = track(`client|${clientId}|${method}`)
        const res = await request(`/clients/${clientId}/backup?backupMethod=${method}`, {
          headers: { 'x-client-id': clientId },
        })
        if (res.status === 429) counts.rateLimited++
        else if (!checkClient(res, s, acceptable)) counts.staleReads++
      } else if (roll < 0.85) {
        counts.webhook++
        const method = custodianMethods[Math.floor(Math.random() * 2)]
        const s = track(`custodian|${clientId}|${method}`)
        const share = value(`share:${clientId}:${method}`)
        s.maybe.push(share)
        const res = await request('/webhook/backup', {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-webhook-secret': SECRET },
          body: JSON.stringify({ clientId, share, backupMethod: method }),
        })
        if (res.status === 200) {
          s.acked = share
          s.maybe = []
          counts.acked++
        } else counts.errors++
      } else {
        counts.fetch++
        const res = await fetchShares(clientId)
        if (!checkShares(res, clientId)) counts.staleReads++
      }
    }
  }
  const fetchShares = (clientId) =>
    request('/webhook/backup/fetch', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-webhook-secret': SECRET },
      body: JSON.stringify({ clientId }),
    })
  const checkShares = (res, clientId) => {
    const tracked = custodianMethods
      .map((m) => state.get(`custodian|${clientId}|${m}`))
      .filter((s) => s && acceptable(s).length > 0)
    const required = tracked.filter((s) => s.acked !== undefined)
    if (res.status === 404) return required.length === 0
    if (res.status !== 200) return false
    let shares
    try {
      shares = JSON.parse(res.text).backupShares
    } catch {
      return false
    }
    // Each share is one acceptable value of a distinct tracked method; every acknowledged method is present.
    const matched = shares.map((v) => tracked.find((s) => acceptable(s).includes(v)))
    return (
      matched.every((s) => s !== undefined) &&
      new Set(matched).size === shares.length &&
      required.every((s) => matched.includes(s))
    )
  }

  await Promise.all(Array.from({ length: workers }, (_, w) => worker(w)))
  const elapsed = (Date.now() - started) / 1000
  clearInterval(sampler)
  clearTimeout(warmTimer)
  const end = await server.mem()
  mem.push(end)

  // Verification: every tracked (client, method) on the live server, then after a restart on the same data.
  const verify = async () => {
    let lost = 0
    let corrupted = 0
    let rows = 0
    const clients = new Set()
    for (const [key, s] of state) {
      const [kind, clientId, method] = key.split('|')
      if (kind === 'client') {
        if (acceptable(s).length === 0) continue
        rows++
        const res = await request(`/clients/${clientId}/backup?backupMethod=${method}`, {
          headers: { 'x-client-id': clientId },
        })
        if (res.status === 404 && s.acked !== undefined) lost++
        else if (!checkClient(res, s, acceptable)) corrupted++
      } else clients.add(clientId)
    }
    for (const clientId of clients) {
      const present = custodianMethods.filter((m) => {
        const s = state.get(`custodian|${clientId}|${m}`)
        return s && acceptable(s).length > 0
      })
      if (present.length === 0) continue
      rows += present.length
      const res = await fetchShares(clientId)
      if (res.status === 404) {
        if (!checkShares(res, clientId)) lost += present.length
      } else if (!checkShares(res, clientId)) corrupted++
    }
    return { lost, corrupted, rows }
  }
  const live = await verify()
  await server.stop()
  server = startChild(env)
  api = await server.ready
  const restarted = await verify()
  await server.stop()

  const mb = (n) => (n / 1024 / 1024).toFixed(1)
  const peak = (k) => Math.max(...mem.map((m) => m[k]))
  const start = warm ?? mem[0]
  const total = counts.post + counts.get + counts.webhook + counts.fetch
  const p = `soak.${name}`
  console.log(`${p}.seconds ${elapsed.toFixed(1)}`)
  console.log(
    `${p}.ops ${total} (${(total / elapsed).toFixed(0)}/s: ${counts.post} backup POST, ${counts.get} GET, ${counts.webhook} webhook, ${counts.fetch} webhook fetch)`,
  )
  console.log(`${p}.acknowledgedWrites ${counts.acked}`)
  console.log(`${p}.rowsVerified ${live.rows} live, ${restarted.rows} after restart`)
  console.log(`${p}.lost ${live.lost} live, ${restarted.lost} after restart`)
  console.log(`${p}.corrupted ${live.corrupted} live, ${restarted.corrupted} after restart`)
  console.log(`${p}.staleReadsDuringRun ${counts.staleReads}`)
  console.log(`${p}.errors ${counts.errors} (5xx or no answer), rateLimited ${counts.rateLimited}`)
  console.log(
    `${p}.heapUsedMB start ${mb(start.heapUsed)} end ${mb(end.heapUsed)} peak ${mb(peak('heapUsed'))} ` +
      `(server child, ${end.gc ? 'after forced GC' : 'no --expose-gc'}; start = after ${warm ? 'warm-up' : 'launch'}; boot ${mb(mem[0].heapUsed)})`,
  )
  console.log(`${p}.rssMB start ${mb(start.rss)} end ${mb(end.rss)} peak ${mb(peak('rss'))}`)
  console.log(
    `${p}.loadavg ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  )
  return live.lost + live.corrupted + restarted.lost + restarted.corrupted + counts.staleReads > 0
}

function checkClient(res, s, acceptable) {
  const ok = acceptable(s)
  // Never acknowledged: the row may be absent (writes whose answer was lost may or may not have landed).
  if (res.status === 404) return s.acked === undefined
  if (res.status !== 200) return false
  try {
    const body = JSON.parse(res.text)
    return ok.includes(JSON.stringify([body.cipherText, body.keyVersion]))
  } catch {
    return false
  }
}
