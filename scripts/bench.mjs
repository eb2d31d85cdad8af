// `npm run bench`: every benchmark in bench/, once, one line per figure (a ratio measured in this run, against its
// goal). Benches report; they do not pass or fail on a goal. The exit code is non-zero only when a bench could not run.
//   npm run bench                       all benches; the server bench in its short mode (CI: under a minute)
//   npm run bench -- server --full      only the named benches; --full: the server curve (1/10/50/200 connections, 3 reps)
//   npm run bench -- --write            all benches, the server curve in full, then docs/PERFORMANCE.md rewritten
//
// Order: the figures that are counts (bundle bytes, React commits) run side by side first; the timed ones (flow,
// server) run alone afterwards, so no other work on the machine's two cores skews their clocks.
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { COMPILED_KIT, compileKit } from '../bench/compileKit.mjs'

const root = resolve(import.meta.dirname, '..')
const argv = process.argv.slice(2)
const write = argv.includes('--write')
const full = write || argv.includes('--full')
const scratch = mkdtempSync(join(tmpdir(), 'rmb-bench-run-'))
const serverJson = join(scratch, 'server.json')
const node = process.execPath
const vitest = resolve(root, 'node_modules/vitest/vitest.mjs')

// docs/PERFORMANCE.md from this line on is written by hand and kept by --write.
const KEPT = '<!-- Written by hand below this line: kept as it is by `npm run bench -- --write`. -->'

const benches = {
  size: { args: ['bench/size.mjs'], pick: /^size\./, timeoutMs: 60_000 },
  renders: {
    args: [vitest, 'run', '--config', 'bench/vitest.renders.config.ts', '--reporter=dot'],
    pick: /^renders\./,
    timeoutMs: 120_000,
  },
  flow: { args: ['--import', 'tsx', 'bench/flow.mjs'], pick: /^flow\./, timeoutMs: 90_000 },
  // 2 one-second slices per side plus a 2 s webhook run, so the whole of `npm run bench` stays under a minute.
  // Short mode: 1 and 50 connections, one 1-second slice per side (about 20 s with PostgreSQL); --full: the curve.
  server: {
    args: ['bench/server.mjs', ...(full ? ['--full'] : [])],
    env: { BENCH_JSON_OUT: serverJson },
    pick: /^(server\.|warning)/,
    timeoutMs: full ? 900_000 : 45_000,
  },
}

function run(name, env = {}) {
  const b = benches[name]
  const started = performance.now()
  return new Promise((done) => {
    // Its own process group, so a timeout stops the bench and whatever it started (Chromium, the bench server).
    const child = spawn(node, b.args, {
      cwd: root,
      detached: true,
      env: { ...process.env, ...b.env, ...env, NO_COLOR: '1', FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    let err = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (err += d))
    const timer = setTimeout(() => {
      err += `\n${name}: stopped after ${b.timeoutMs / 1000} s`
      try {
        process.kill(-child.pid, 'SIGKILL')
      } catch {
        // Already gone.
      }
    }, b.timeoutMs)
    child.on('close', (code) => {
      clearTimeout(timer)
      const lines = out
        .replace(/\x1b\[[0-9;]*m/g, '')
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => b.pick.test(l))
      done({ name, code, lines, err, seconds: (performance.now() - started) / 1000 })
    })
  })
}

const named = argv.filter((a) => !a.startsWith('--'))
for (const n of named)
  if (!(n in benches)) throw new Error(`bench: no bench named ${n} (${Object.keys(benches).join(', ')})`)
const wanted = (name) => named.length === 0 || named.includes(name)
const load = [loadavg()[0]]
// The server bench measures the kit compiled as it ships; compiled now, beside the benches that only count, so the
// timed ones never wait for tsc. A failed compile is the server bench's failure (it compiles again and says why).
const compiled =
  wanted('server') && !process.env.BENCH_KIT && !process.env.BENCH_KIT_SOURCE
    ? compileKit().then(
        (url) => ({ BENCH_KIT: url, BENCH_KIT_HOW: COMPILED_KIT }),
        () => ({}),
      )
    : Promise.resolve({})
const counted = await Promise.all(['size', 'renders'].filter(wanted).map((name) => run(name)))
// Done before the timed benches start, so it never runs beside them.
const kitEnv = await compiled
const results = [
  ...counted,
  ...(wanted('flow') ? [await run('flow')] : []),
  ...(wanted('server') ? [await run('server', kitEnv)] : []),
]
load.push(loadavg()[0])

let failed = false
for (const r of results) {
  console.log(`# ${r.name} (${r.seconds.toFixed(1)} s)`)
  for (const l of r.lines) console.log(l)
  if (r.code !== 0 || r.lines.length === 0) {
    failed = true
    console.log(`${r.name}: did not run (exit ${r.code}); its stderr ends with:`)
    console.log(r.err.trim().split('\n').slice(-15).join('\n'))
  }
}
if (write) writeFileSync(resolve(root, 'docs/PERFORMANCE.md'), performanceDoc())
rmSync(scratch, { recursive: true, force: true })
process.exit(failed ? 1 : 0)

/** docs/PERFORMANCE.md: one table per figure, with the command and the machine's load. */
function performanceDoc() {
  const f2 = (x) => x.toFixed(2)
  const out = [
    '# Performance',
    '',
    `Written by \`npm run bench -- ${argv.join(' ')}\` on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC,`,
    `Node ${process.version}, ${cpus().length} cores, load average (1 min) ${f2(Math.min(...load))}-${f2(Math.max(...load))} over the run.`,
    'The machine is shared: absolute figures swing with its load; ratios are measured side by side in the same run.',
    '',
  ]
  let server
  try {
    server = JSON.parse(readFileSync(serverJson, 'utf8'))
  } catch {
    server = undefined
  }
  if (server) {
    out.push(
      '## Server: share POST',
      '',
      `\`node bench/server.mjs${server.mode === 'full' ? ' --full' : ''}\` (${server.reps} rep(s) of ${server.duration} s per side and connection count, order alternated between reps; load ${f2(server.load[0])}-${f2(server.load[1])}; the kit: ${server.kit}).`,
      'Every request is a new clientId with a 1-2 kB random cipherText; the kit sides send `Idempotency-Key` as the kit does (`kitPgNoKey` does not). Each side is its own `http.createServer` in one server process, beside the load generator (autocannon) on the same cores.',
      'Baselines: `bare` (express.json + 204, the baseline of the goals), `naiveSqlite` (express.json + prepared `INSERT OR REPLACE`, WAL, synchronous=FULL), `naivePg` (express.json + `INSERT ... ON CONFLICT DO UPDATE`).',
      'Ceilings: `bareNode` (node:http reading the same body under the same 64 kB cap and parsing it: no kit side does less) and `bareSealed` (bareNode plus, by hand, only what the kit promises per keyed POST: AES-256-GCM seal, the Idempotency-Key HMAC, the SHA-256 ETag, a JSON answer with the security headers). When a goal is not met, its row names the ceilings; one below the goal puts it out of reach on this machine.',
      "Kit sides: `kitNoop`, `kitSqlite`, `kitPg` through the node:http adapter (`http.createServer(createNodeHandler(...))`); `expressNoop` through the express adapter (`app.use('/api', createBackupRouter(...))`); `webNoop` the web-standard handler (`createWebHandler`) behind a plain node:http-to-`Request` bridge. `Noop` is a store that answers at once: the kit's own work (authentication, rate limit, validation, sealing, fingerprint, deadline, headers, answer) with no database, so a kit side's time splits into its HTTP work and its store's.",
      "`kitPg` and `kitPgNoKey` keep the rate limits in memory (`limits.store: 'memory'`, as every figure before shared limits); `kitPgShared` is `kitPg` with them in PostgreSQL, `postgresStore`'s default (a new bucket row per request here, every request being a new client).",
      "A ratio is the first side's requests/s over the second's in the same rep: the median of the reps, [min-max]. CPU is the server process's (all threads; not the PostgreSQL server's), per request.",
      '',
    )
    // The goals first, each with its verdict and, when not met, the ceilings measured beside it.
    const goals = server.ratios.filter((r) => r.goal !== null)
    if (goals.length > 0) {
      out.push('### Goals', '', '| goal | connections | measured (median, spread) | verdict |', '|---|---|---|---|')
      for (const r of goals) {
        const below = (r.ceilings ?? []).filter((l) => l.median < r.goal)
        const verdict =
          r.median >= r.goal
            ? 'met'
            : below.length > 0
              ? `not met; out of reach here: ${below.map((l) => `${l.side}/${r.b} is ${f2(l.median)}`).join(', ')}`
              : `not met${(r.ceilings ?? []).length > 0 ? ` (ceilings: ${r.ceilings.map((l) => `${l.side}/${r.b} ${f2(l.median)}`).join(', ')})` : ''}`
        out.push(
          `| ${r.a} / ${r.b} >= ${r.goal.toFixed(1)} | ${r.connections} | ${f2(r.median)} (${f2(Math.min(...r.reps))}-${f2(Math.max(...r.reps))}) | ${verdict} |`,
        )
      }
      out.push('')
      // Each goal not met, in words: what bounds it, from this run's figures.
      const ratioOf = (a, b, c) => server.ratios.find((x) => x.a === a && x.b === b && x.connections === c)
      for (const r of goals.filter((g) => g.median < g.goal)) {
        const sealed = (r.ceilings ?? []).find((l) => l.side === 'bareSealed')
        const noop = (r.ceilings ?? []).find((l) => l.side === 'kitNoop')
        const share = ratioOf(r.a, 'bareSealed', r.connections)
        const store = ratioOf('kitSqlite', 'kitNoop', r.connections)
        const why = []
        if (sealed && sealed.median < r.goal)
          why.push(
            `a node:http route doing by hand only what the kit promises per keyed POST (bareSealed) reaches ${f2(sealed.median)}x \`${r.b}\` here, already below the goal: that work alone (sealing, the fingerprint's HMAC, the ETag's hash, the headers) costs about as much per request as express's own`,
          )
        if (share)
          why.push(`\`${r.a}\` reaches ${f2(share.median)}x that hand-written floor (the rest is its structure)`)
        if (noop && r.a === 'kitSqlite' && store)
          why.push(
            `the kit on a store that answers at once reaches ${f2(noop.median)}x, and the SQLite store keeps ${f2(store.median)}x of that (its commit, fsync included, and the writer-thread hand-off)`,
          )
        if (why.length > 0)
          out.push(
            `- \`${r.a} / ${r.b}\` at ${r.connections} connection(s), ${f2(r.median)} for ${r.goal.toFixed(1)}: ${why.join('; ')}.`,
          )
      }
      out.push('')
    }
    const groups = new Map()
    for (const r of server.ratios) {
      const k = `${r.a} / ${r.b}`
      if (!groups.has(k)) groups.set(k, { label: r.label, rows: [] })
      groups.get(k).rows.push(r)
    }
    for (const [k, g] of groups) {
      out.push(
        `### ${g.label} (${k})`,
        '',
        '| connections | ratio (median) | spread | goal | ceilings (same baseline) | first p50 / p99 ms | second p50 / p99 ms | CPU per request, first / second |',
        '|---|---|---|---|---|---|---|---|',
      )
      for (const r of g.rows) {
        const a = server.sides[r.a][r.connections]
        const b = server.sides[r.b][r.connections]
        const ceilings = (r.ceilings ?? [])
          .map((l) => `${l.side} ${f2(l.median)}${r.goal !== null && l.median < r.goal ? ' (below the goal)' : ''}`)
          .join(', ')
        out.push(
          `| ${r.connections} | ${f2(r.median)} | ${f2(Math.min(...r.reps))}-${f2(Math.max(...r.reps))} | ${r.goal === null ? '-' : `>= ${Number.isInteger(r.goal * 10) ? r.goal.toFixed(1) : r.goal} ${r.median >= r.goal ? '(met)' : '(not met)'}`} | ${ceilings || '-'} | ${a.p50} / ${a.p99} | ${b.p50} / ${b.p99} | ${f2(r.cpu)} |`,
        )
      }
      out.push('')
    }
    if (server.split) {
      const x = server.split
      const us = (v) => `${v.toFixed(0)} us`
      out.push(
        '### Where a request goes at 1 connection (SQLite)',
        '',
        "At 1 connection a request's wall time is 1 / (req/s), so each side's time is the bare route's plus what it adds (per rep, then the median).",
        '',
        '| part | per request |',
        '|---|---|',
        `| bare route (HTTP + reading the JSON body) | ${us(x.bareUs)} |`,
        `| the kit's node:http side on top (kitNoop - bare; negative: it costs less than express's) | ${us(x.routerUs)} |`,
        `| the kit's SQLite store on top (kitSqlite - kitNoop) | ${us(x.kitStoreUs)} |`,
        `| of which one round trip to an idle worker thread (measured alone) | ${us(x.threadHopUs)} |`,
        `| the naive endpoint's store on top of bare (naiveSqlite - bare) | ${us(x.naiveStoreUs)} |`,
        '',
        "The 1-connection goal (kit >= naive) asks the kit's HTTP side and store together to cost no more than express plus the naive endpoint's store.",
        '',
      )
    }
    out.push(
      '### Every side (medians)',
      '',
      '| side | connections | req/s | p50 ms | p99 ms | server CPU us/req |',
      '|---|---|---|---|---|---|',
    )
    for (const [side, byC] of Object.entries(server.sides))
      for (const [c, v] of Object.entries(byC))
        out.push(`| ${side} | ${c} | ${v.rps.toFixed(0)} | ${v.p50} | ${v.p99} | ${v.cpuUs.toFixed(0)} |`)
    out.push(
      '',
      `Webhook store + fetch at 10 connections: p99 ${server.webhook.p99} ms (the provider gives up after 10 000 ms).`,
      '',
    )
  }
  for (const r of results) {
    if (r.name === 'server') continue
    out.push(
      `## ${r.name}`,
      '',
      `\`npm run bench -- ${r.name}\` (${r.seconds.toFixed(1)} s)`,
      '',
      '| figure | value |',
      '|---|---|',
    )
    for (const l of r.lines) {
      const [name, ...rest] = l.split(' ')
      out.push(`| ${name} | ${rest.join(' ').replaceAll('|', '\\|')} |`)
    }
    out.push('')
  }
  // Hand-written sections (one-off measurements no run repeats) are kept: everything from the marker on.
  let kept = ''
  try {
    const old = readFileSync(resolve(root, 'docs/PERFORMANCE.md'), 'utf8')
    if (old.includes(KEPT)) kept = old.slice(old.indexOf(KEPT))
  } catch {
    // No document yet.
  }
  return `${out.join('\n')}${kept ? `\n${kept}` : ''}`
}
