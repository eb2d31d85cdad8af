// Share POST throughput against what a user writes by hand, on loopback, in one run.
//   node --import tsx bench/server.mjs            short mode (CI, `npm run bench`): 1 and 50 connections, 1 rep
//   node --import tsx bench/server.mjs --full     the curve: 1, 10, 50, 200 connections, 3 reps (`npm run bench -- server --full`)
// Env: BENCH_DURATION (seconds per side and connection count; default 1 short, 2 full), BENCH_REPS, BENCH_CONNECTIONS
// (e.g. "1,50"), BENCH_SIDES (only these sides, e.g. "kitPg,kitPgShared"), DATABASE_URL (adds the PostgreSQL sides),
// BENCH_JSON_OUT (a file for the raw figures, read by scripts/bench.mjs --write).
//
// Sides, all in one server process (so server CPU per request is comparable), all reading the same JSON body:
//   bare        express.json() + a 204: what reading the body alone costs
//   naiveSqlite express.json() + a prepared `INSERT OR REPLACE` (WAL, synchronous=FULL), the hand-written baseline
//   kitSqlite   the kit's router on sqliteStore (FULL, the default)
//   kitNoop     the kit's router on a store that answers at once: the kit's own HTTP work (auth, validation, sealing,
//               fingerprint, answer) without any database, so a kit side's time splits into router and store
//   naivePg     express.json() + pool.query(`INSERT ... ON CONFLICT DO UPDATE`)
//   kitPg       the kit's router on postgresStore, with Idempotency-Key (what the kit always sends); its rate limits
//               in memory (`limits.store: 'memory'`), as every figure before shared limits was measured
//   kitPgNoKey  the same without the key
//   kitPgShared kitPg with the rate limits in PostgreSQL (postgresStore's default: one more statement per request,
//               a new bucket row per request here, as every request is a new client)
// Every request is a new clientId (so a row is inserted, as a first backup does) with a 1-2 kB random cipherText and,
// for the kit, `Idempotency-Key` as the kit sends it. Order of the sides alternates between reps; ratios are taken
// within one rep (same minute, same machine load), then the median and spread over reps are printed.
// Server CPU per request (user+system of the server process, all threads) is the steadier figure on a shared
// machine; for PostgreSQL sides it excludes the database's own processes.
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const FULL = process.argv.includes('--full') || process.env.BENCH_FULL === '1'
const DURATION = Number(process.env.BENCH_DURATION ?? (FULL ? 2 : 1))
const REPS = Number(process.env.BENCH_REPS ?? (FULL ? 3 : 1))
const CONNECTIONS = (process.env.BENCH_CONNECTIONS ?? (FULL ? '1,10,50,200' : '1,50')).split(',').map(Number)
const SECRET = 'bench-webhook-secret'
const DATABASE_URL = process.env.DATABASE_URL ?? ''

async function serve() {
  const express = (await import('express')).default
  const Database = (await import('better-sqlite3')).default
  const { devHeaderAuthenticate, postgresStore, sqliteStore, startServer } = await import('../src/server/index.ts')
  const dir = mkdtempSync(join(tmpdir(), 'rmb-bench-'))
  const closers = []
  const listen = (app) =>
    new Promise((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s))
      closers.push(() => s.close())
    })
  const urls = {}

  // What a user would write by hand from the seed guide: express.json, one prepared upsert, WAL + FULL.
  const naive = express()
  naive.disable('x-powered-by')
  const json = express.json({ limit: 64 * 1024 })
  naive.post('/bare/:clientId', json, (req, res) => res.status(req.body?.cipherText ? 204 : 400).end())
  const db = new Database(join(dir, 'naive.db'))
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = FULL')
  db.exec('CREATE TABLE backups (client_id TEXT PRIMARY KEY, cipher_text TEXT NOT NULL, stored_at INTEGER NOT NULL)')
  const upsert = db.prepare('INSERT OR REPLACE INTO backups (client_id, cipher_text, stored_at) VALUES (?, ?, ?)')
  naive.post('/sqlite/:clientId', json, (req, res) => {
    upsert.run(req.params.clientId, req.body.cipherText, Date.now())
    res.status(200).json({ ok: true })
  })
  closers.push(() => db.close())

  let pool
  let schema
  if (DATABASE_URL) {
    const pg = (await import('pg')).default
    schema = `bench_${process.pid}`
    pool = new pg.Pool({ connectionString: DATABASE_URL, max: 10 })
    await pool.query(`CREATE SCHEMA ${schema}`)
    await pool.query(
      `CREATE TABLE ${schema}.naive_backups (client_id text PRIMARY KEY, cipher_text text NOT NULL, stored_at timestamptz NOT NULL)`,
    )
    const sql = `INSERT INTO ${schema}.naive_backups (client_id, cipher_text, stored_at) VALUES ($1, $2, $3)
      ON CONFLICT (client_id) DO UPDATE SET cipher_text = excluded.cipher_text, stored_at = excluded.stored_at`
    naive.post('/pg/:clientId', json, async (req, res, next) => {
      try {
        await pool.query(sql, [req.params.clientId, req.body.cipherText, new Date()])
        res.status(200).json({ ok: true })
      } catch (e) {
        next(e)
      }
    })
  }
  urls.naive = `http://127.0.0.1:${(await listen(naive)).address().port}`

  const kit = async (store, limitsStore) => {
    const running = await startServer({
      store,
      authenticate: devHeaderAuthenticate(),
      webhookSecret: SECRET,
      encryptionKey: randomBytes(32),
      devInspector: false,
      port: 0,
      // The limiter stays in the path, sized so it never refuses here.
      limits: { rate: { perMinute: 1e9, burst: 1e9 }, ...(limitsStore ? { store: limitsStore } : {}) },
    })
    closers.push(() => running.close(100))
    return `${running.url}/api`
  }
  urls.kitSqlite = await kit(sqliteStore({ filename: join(dir, 'kit.db') }))
  urls.kitNoop = await kit(noopStore())
  if (DATABASE_URL) {
    // Two stores on one schema, as two replicas would be: each with its own pool of 10.
    urls.kitPg = await kit(postgresStore({ connectionString: DATABASE_URL, schema: `${schema}_kit` }), 'memory')
    urls.kitPgShared = await kit(postgresStore({ connectionString: DATABASE_URL, schema: `${schema}_kit` }))
  }

  process.on('message', (msg) => {
    if (msg === 'cpu') process.send({ cpu: process.cpuUsage() })
  })
  process.send({ urls })
  process.on('disconnect', async () => {
    for (const close of closers.reverse()) await close()
    if (pool) {
      await pool.query(`DROP SCHEMA ${schema} CASCADE`).catch(() => {})
      await pool.query(`DROP SCHEMA ${schema}_kit CASCADE`).catch(() => {})
      await pool.end()
    }
    rmSync(dir, { recursive: true, force: true })
    process.exit(0)
  })
}

/** A BackupStore that keeps nothing and answers at once: what the router costs without a database. */
function noopStore() {
  const none = async () => undefined
  const empty = async () => []
  return {
    put: async () => ({ replayed: false }),
    get: none,
    list: empty,
    putWebhook: none,
    listWebhook: empty,
    getIdempotency: none,
    close: none,
  }
}

/**
 * One round trip between this thread and an idle worker thread (post, wake, answer, wake): what sqliteStore's
 * hand-off to its writer thread pays per batch when the server is not busy. Median of 2000, microseconds.
 */
async function threadHopUs() {
  const { Worker } = await import('node:worker_threads')
  const w = new Worker(
    "require('node:worker_threads').parentPort.on('message', (m) => require('node:worker_threads').parentPort.postMessage(m))",
    { eval: true },
  )
  const times = []
  for (let i = 0; i < 2100; i++) {
    // setImmediate first, so both threads are idle (in their event loop's poll) when the message is posted.
    await new Promise((r) => setImmediate(r))
    const t0 = performance.now()
    await new Promise((r) => {
      w.once('message', r)
      w.postMessage(i)
    })
    if (i >= 100) times.push((performance.now() - t0) * 1000)
  }
  await w.terminate()
  return median(times)
}

/** A goal as written: one decimal (1.0, 0.9), or two where it has them (0.85). */
const goalText = (g) => (Number.isInteger(g * 10) ? g.toFixed(1) : String(g))

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

async function main() {
  const autocannon = (await import('autocannon')).default
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--serve'], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, DATABASE_URL },
  })
  const { urls } = await new Promise((resolve, reject) => {
    child.once('message', resolve)
    child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)))
  })
  const serverCpu = () =>
    new Promise((resolve) => {
      const onMessage = (msg) => {
        if (msg?.cpu) {
          child.off('message', onMessage)
          resolve(msg.cpu.user + msg.cpu.system)
        }
      }
      child.on('message', onMessage)
      child.send('cpu')
    })

  // 64 random cipherTexts of 1-2 kB (base64 of 768-1536 random bytes), cycled; the clientId is new per request.
  const texts = Array.from({ length: 64 }, () => randomBytes(768 + Math.floor(Math.random() * 769)).toString('base64'))
  let n = 0
  const run = `${process.pid.toString(36)}${Date.now().toString(36)}`
  const next = () => {
    n += 1
    return { clientId: `b${run}x${n.toString(36)}`, cipherText: texts[n % texts.length] }
  }
  const kitRequest = (withKey) => (req) => {
    const { clientId, cipherText } = next()
    return {
      ...req,
      path: `/api/clients/${clientId}/backup`,
      headers: {
        'content-type': 'application/json',
        'x-client-id': clientId,
        ...(withKey ? { 'idempotency-key': `${clientId}:1` } : {}),
      },
      body: JSON.stringify({ backupMethod: 'GDRIVE', cipherText, keyVersion: 1 }),
    }
  }
  const naiveRequest = (route) => (req) => {
    const { clientId, cipherText } = next()
    return {
      ...req,
      path: `/${route}/${clientId}`,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ backupMethod: 'GDRIVE', cipherText, keyVersion: 1 }),
    }
  }
  const sides = [
    ['bare', urls.naive, naiveRequest('bare')],
    ['naiveSqlite', urls.naive, naiveRequest('sqlite')],
    ['kitSqlite', urls.kitSqlite, kitRequest(true)],
    ['kitNoop', urls.kitNoop, kitRequest(true)],
  ]
  if (urls.kitPg)
    sides.push(
      ['naivePg', urls.naive, naiveRequest('pg')],
      ['kitPg', urls.kitPg, kitRequest(true)],
      ['kitPgNoKey', urls.kitPg, kitRequest(false)],
      ['kitPgShared', urls.kitPgShared, kitRequest(true)],
    )
  if (process.env.BENCH_SIDES) {
    const only = process.env.BENCH_SIDES.split(',')
    sides.splice(0, sides.length, ...sides.filter(([name]) => only.includes(name)))
  }
  const once = (url, setupRequest, connections, duration) =>
    new Promise((resolve, reject) => {
      autocannon(
        { url: url.replace(/\/api$/, ''), connections, duration, requests: [{ method: 'POST', setupRequest }] },
        (err, result) => (err ? reject(err) : resolve(result)),
      )
    })

  const warnings = []
  const hopUs = await threadHopUs()
  const load = [loadavg()[0]]
  // Warm-up: JIT, page caches, pools.
  for (const [, url, setup] of sides) await once(url, setup, 10, FULL ? 0.5 : 0.25)
  // results[c][side] = [{ rps, p50, p99, cpuUs }] per rep
  const results = Object.fromEntries(CONNECTIONS.map((c) => [c, Object.fromEntries(sides.map(([s]) => [s, []]))]))
  for (let rep = 0; rep < REPS; rep++) {
    for (const c of CONNECTIONS) {
      const order = rep % 2 === 0 ? sides : [...sides].reverse()
      for (const [name, url, setup] of order) {
        const before = await serverCpu()
        const r = await once(url, setup, c, DURATION)
        const cpu = (await serverCpu()) - before
        const bad = r.non2xx + r.errors + r.timeouts
        if (bad > 0)
          warnings.push(
            `warning: ${name} at ${c} connections had ${r.non2xx} non-2xx, ${r.errors} errors, ${r.timeouts} timeouts`,
          )
        results[c][name].push({
          rps: r.requests.total / DURATION,
          p50: r.latency.p50,
          p99: r.latency.p99,
          cpuUs: cpu / Math.max(1, r.requests.total),
        })
      }
    }
    load.push(loadavg()[0])
  }

  // Webhook store + fetch latency (the provider gives up after 10 s).
  const custodianShare = JSON.stringify({ share: randomBytes(512).toString('hex'), backupMethod: 'SECP256K1' })
  const webhook = await new Promise((resolve, reject) =>
    autocannon(
      {
        url: urls.kitSqlite.replace(/\/api$/, ''),
        connections: 10,
        duration: DURATION,
        requests: [
          {
            method: 'POST',
            path: '/api/webhook/backup',
            headers: { 'content-type': 'application/json', 'x-webhook-secret': SECRET },
            body: JSON.stringify({ clientId: 'bench-client', share: custodianShare, backupMethod: 'GDRIVE-SECP256K1' }),
          },
          {
            method: 'POST',
            path: '/api/webhook/backup/fetch',
            headers: { 'content-type': 'application/json', 'x-webhook-secret': SECRET },
            body: JSON.stringify({ clientId: 'bench-client' }),
          },
        ],
      },
      (err, result) => (err ? reject(err) : resolve(result)),
    ),
  )
  child.disconnect()

  const ratios = [
    // The issue's goals are set at 50 connections (and at 1 for SQLite against naive); other counts have none.
    ['kitSqlite', 'naiveSqlite', 'SQLite FULL vs naive INSERT OR REPLACE (FULL)', (c) => ({ 1: 1.0, 50: 2.5 })[c]],
    ['kitSqlite', 'bare', 'SQLite FULL vs bare route reading the body', (c) => ({ 50: 0.7 })[c]],
    ['kitNoop', 'bare', "the kit's HTTP work alone (a store that answers at once) vs bare", () => undefined],
    [
      'kitSqlite',
      'kitNoop',
      'the kit on SQLite vs the kit on a store that answers at once (1.0: the store costs nothing)',
      () => undefined,
    ],
    ['kitPg', 'naivePg', 'PostgreSQL with Idempotency-Key vs naive INSERT ... ON CONFLICT', (c) => ({ 50: 0.9 })[c]],
    ['kitPgNoKey', 'naivePg', 'PostgreSQL without the key vs naive', (c) => ({ 50: 1.0 })[c]],
    [
      'kitPgShared',
      'kitPg',
      'PostgreSQL with the rate limits in the database vs the same with them in memory',
      (c) => ({ 50: 0.85 })[c],
    ],
  ].filter(([a, b]) => sides.some(([s]) => s === a) && sides.some(([s]) => s === b))

  const fmt = (x, d = 2) => x.toFixed(d)
  const spread = (xs) => (xs.length > 1 ? ` [${fmt(Math.min(...xs))}-${fmt(Math.max(...xs))}]` : '')
  const out = {
    mode: FULL ? 'full' : 'short',
    duration: DURATION,
    reps: REPS,
    connections: CONNECTIONS,
    cores: cpus().length,
    load: [Math.min(...load), Math.max(...load)],
    sides: {},
    ratios: [],
    webhook: { rps: webhook.requests.average, p99: webhook.latency.p99 },
  }
  console.log(
    `server.mode ${out.mode}: ${REPS} rep(s) x ${DURATION} s per side and connection count; loadavg1 ${fmt(out.load[0])}-${fmt(out.load[1])} on ${out.cores} cores (shared)`,
  )
  for (const c of CONNECTIONS) {
    for (const [name] of sides) {
      const rs = results[c][name]
      const s = {
        rps: median(rs.map((r) => r.rps)),
        p50: median(rs.map((r) => r.p50)),
        p99: median(rs.map((r) => r.p99)),
        cpuUs: median(rs.map((r) => r.cpuUs)),
      }
      ;(out.sides[name] ??= {})[c] = s
      console.log(
        `server.${name}.c${c} ${fmt(s.rps, 0)} req/s, p50 ${s.p50} ms, p99 ${s.p99} ms, server CPU ${fmt(s.cpuUs, 0)} us/req`,
      )
    }
    for (const [a, b, label, goal] of ratios) {
      const per = results[c][a].map((r, i) => r.rps / results[c][b][i].rps)
      const cpuPer = results[c][a].map((r, i) => r.cpuUs / results[c][b][i].cpuUs)
      const m = median(per)
      const g = goal(c) ?? null
      out.ratios.push({ a, b, label, connections: c, median: m, reps: per, cpu: median(cpuPer), goal: g })
      console.log(
        `server.ratio.${a}/${b}.c${c} ${fmt(m)}${spread(per)} (${g === null ? 'no goal here' : `goal >= ${goalText(g)}`}; ${label}; CPU per request ${fmt(median(cpuPer))}x)`,
      )
    }
  }
  // At 1 connection a request's wall time is 1 / req/s, so the kit's time splits into the bare route's, the router's
  // own work (kitNoop - bare) and the store's (kitSqlite - kitNoop), to set beside the naive endpoint's store time
  // (naiveSqlite - bare). Per rep, then the median.
  if (results[1] && ['bare', 'kitNoop', 'kitSqlite', 'naiveSqlite'].every((side) => side in results[1])) {
    const us = (side) => results[1][side].map((r) => 1e6 / r.rps)
    const [bare, noop, kitS, naive] = ['bare', 'kitNoop', 'kitSqlite', 'naiveSqlite'].map(us)
    const m = (f) => median(bare.map((_, i) => f(i)))
    out.split = {
      bareUs: m((i) => bare[i]),
      routerUs: m((i) => noop[i] - bare[i]),
      kitStoreUs: m((i) => kitS[i] - noop[i]),
      naiveStoreUs: m((i) => naive[i] - bare[i]),
      threadHopUs: hopUs,
    }
    const x = out.split
    console.log(
      `server.split.c1 per request at 1 connection: bare ${fmt(x.bareUs, 0)} us; the kit adds router ${fmt(x.routerUs, 0)} us + SQLite store ${fmt(x.kitStoreUs, 0)} us (a writer-thread round trip alone is ${fmt(x.threadHopUs, 0)} us on this machine); the naive endpoint adds its store ${fmt(x.naiveStoreUs, 0)} us`,
    )
  }
  for (const w of warnings) console.log(w)
  console.log(`server.webhookPair.p99Ms ${webhook.latency.p99} (goal well under 10000)`)
  if (process.env.BENCH_JSON_OUT) writeFileSync(process.env.BENCH_JSON_OUT, JSON.stringify(out, null, 2))
}

if (process.argv[2] === '--serve') {
  await serve()
} else {
  await main()
}
