// Server throughput and webhook latency on loopback.
//   node --import tsx bench/server.mjs            (BENCH_DURATION seconds per side, default 5)
// The servers run in a child process so autocannon's own work does not share their event loop.
// Baselines: `bare` is the (an express route answering 204 without reading the body); `bareJson` also
// reads and parses the same JSON body with express.json, so the reader sees what the body alone costs.
// Besides requests/s (which swing with the machine's load), each side's server CPU time per request is printed:
// it is measured on the server process only, so it is the steadier figure on a shared machine.
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const DURATION = Number(process.env.BENCH_DURATION ?? 5)
const CONNECTIONS = 10
const SECRET = 'bench-webhook-secret'

if (process.argv[2] === '--serve') {
  await serve()
} else {
  await main()
}

async function serve() {
  const express = (await import('express')).default
  const { devHeaderAuthenticate, sqliteStore, startServer } = await import('../src/server/index.ts')
  const dir = mkdtempSync(join(tmpdir(), 'rmb-bench-'))

  // The baseline: the cheapest express answer a route can give, to see what the backup work costs on top.
  const bare = express()
  bare.disable('x-powered-by')
  bare.post('/bare', (_req, res) => res.status(204).end())
  bare.post('/bare-json', express.json({ limit: 64 * 1024 }), (req, res) => res.status(req.body ? 204 : 400).end())
  const bareServer = await new Promise((resolve) => {
    const s = bare.listen(0, '127.0.0.1', () => resolve(s))
  })

  const start = (synchronous) =>
    startServer({
      store: sqliteStore({ filename: join(dir, `backups-${synchronous}.db`), synchronous }),
      authenticate: devHeaderAuthenticate(),
      webhookSecret: SECRET,
      encryptionKey: randomBytes(32),
      devInspector: false,
      port: 0,
      // One client hammers its own row: the limiter stays in the path, sized so it never refuses here.
      limits: { rate: { perMinute: 1e9, burst: 1e9 } },
    })
  const full = await start('FULL')
  const normal = await start('NORMAL')
  process.on('message', (msg) => {
    if (msg === 'cpu') process.send({ cpu: process.cpuUsage() })
  })
  process.send({
    bare: `http://127.0.0.1:${bareServer.address().port}`,
    api: `${full.url}/api`,
    apiNormal: `${normal.url}/api`,
  })
  process.on('disconnect', async () => {
    bareServer.close()
    await full.close(100)
    await normal.close(100)
    rmSync(dir, { recursive: true, force: true })
    process.exit(0)
  })
}

async function main() {
  const autocannon = (await import('autocannon')).default
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--serve'], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const urls = await new Promise((resolve, reject) => {
    child.once('message', resolve)
    child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)))
  })

  const run = (opts) =>
    new Promise((resolve, reject) => {
      autocannon({ connections: CONNECTIONS, duration: DURATION, ...opts }, (err, result) =>
        err ? reject(err) : resolve(result),
      )
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
  const check = (name, result) => {
    const bad = result.non2xx + result.errors + result.timeouts
    if (bad > 0)
      console.log(`warning: ${name} had ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`)
  }

  // A realistic client backup: a few kB of cipherText, replacing the same (client, method) row each time.
  const cipherText = randomBytes(3 * 1024).toString('base64')
  const body = JSON.stringify({ backupMethod: 'GDRIVE', cipherText, keyVersion: 1 })
  // The baseline sends no body (as the original bench did): the stricter denominator.
  const bareOpts = { url: `${urls.bare}/bare`, method: 'POST' }
  const bareJsonOpts = {
    url: `${urls.bare}/bare-json`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  }
  const shareOpts = (api) => ({
    url: `${api}/clients/bench-client/backup`,
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-client-id': 'bench-client' },
    body,
  })
  // Alternating one-second slices, so load from other processes on the machine hits every side alike.
  const slices = Math.max(1, Math.round(DURATION))
  const sides = [
    ['bare', bareOpts],
    ['bareJson', bareJsonOpts],
    ['full', shareOpts(urls.api)],
    ['normal', shareOpts(urls.apiNormal)],
  ]
  const totals = Object.fromEntries(sides.map(([name]) => [name, 0]))
  const cpu = Object.fromEntries(sides.map(([name]) => [name, 0]))
  const load = [loadavg()[0]]
  await run({ ...shareOpts(urls.api), duration: 1 }) // warm-up (JIT, SQLite page cache)
  for (let i = 0; i < slices; i++) {
    for (const [name, opts] of sides) {
      const before = await serverCpu()
      const r = await run({ ...opts, duration: 1 })
      cpu[name] += (await serverCpu()) - before
      check(name, r)
      totals[name] += r.requests.total
    }
    load.push(loadavg()[0])
  }
  const rps = (name) => totals[name] / slices
  const usPerReq = (name) => (cpu[name] / Math.max(1, totals[name])).toFixed(0)
  const bare = { requests: { average: rps('bare') } }
  const share = { requests: { average: rps('full') } }
  const shareNormal = { requests: { average: rps('normal') } }

  const custodianShare = JSON.stringify({ share: randomBytes(512).toString('hex'), backupMethod: 'SECP256K1' })
  const webhook = await run({
    url: urls.api,
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
  })
  check('webhookPair', webhook)
  child.disconnect()

  const ratio = share.requests.average / bare.requests.average
  console.log(
    `server.loadavg1 ${Math.min(...load).toFixed(2)}-${Math.max(...load).toFixed(2)} (2 cores here; other engineers' runs share them)`,
  )
  console.log(
    `server.bare.rps ${bare.requests.average.toFixed(0)} (express route answering 204, no body; server CPU ${usPerReq('bare')} us/req)`,
  )
  console.log(
    `server.bareJson.rps ${rps('bareJson').toFixed(0)} (same body read and parsed by express.json; server CPU ${usPerReq('bareJson')} us/req)`,
  )
  console.log(
    `server.sharePost.rps ${share.requests.average.toFixed(0)} (SQLite, synchronous=FULL, the default; server CPU ${usPerReq('full')} us/req)`,
  )
  console.log(
    `server.sharePost.ratio ${ratio.toFixed(2)} (goal >= 0.7; vs bareJson ${(share.requests.average / rps('bareJson')).toFixed(2)})`,
  )
  console.log(
    `server.sharePost.normal.rps ${shareNormal.requests.average.toFixed(0)} (SQLite, synchronous=NORMAL, opt-in; server CPU ${usPerReq('normal')} us/req)`,
  )
  console.log(
    `server.sharePost.normal.ratio ${(shareNormal.requests.average / bare.requests.average).toFixed(2)} (goal >= 0.7; vs bareJson ${(shareNormal.requests.average / rps('bareJson')).toFixed(2)})`,
  )
  console.log(`server.webhookPair.rps ${webhook.requests.average.toFixed(0)}`)
  console.log(`server.webhookPair.p99Ms ${webhook.latency.p99} (goal well under 10000)`)
}
