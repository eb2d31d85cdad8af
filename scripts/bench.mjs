// `npm run bench`: every benchmark in bench/, once, one line per figure (a ratio measured in this run, against its
// goal). Benches report; they do not pass or fail on a goal. The exit code is non-zero only when a bench could not run.
//
// Order: the figures that are counts (bundle bytes, React commits) run side by side first; the timed ones (flow,
// server) run alone afterwards, so no other work on the machine's two cores skews their clocks.
import { spawn } from 'node:child_process'
import { resolve } from 'node:path'

const root = resolve(import.meta.dirname, '..')
const node = process.execPath
const vitest = resolve(root, 'node_modules/vitest/vitest.mjs')

const benches = {
  size: { args: ['bench/size.mjs'], pick: /^size\./, timeoutMs: 60_000 },
  renders: {
    args: [vitest, 'run', '--config', 'bench/vitest.renders.config.ts', '--reporter=dot'],
    pick: /^renders\./,
    timeoutMs: 120_000,
  },
  flow: { args: ['--import', 'tsx', 'bench/flow.mjs'], pick: /^flow\./, timeoutMs: 90_000 },
  // 2 one-second slices per side plus a 2 s webhook run, so the whole of `npm run bench` stays under a minute.
  server: {
    args: ['--import', 'tsx', 'bench/server.mjs'],
    env: { BENCH_DURATION: process.env.BENCH_DURATION ?? '2' },
    pick: /^(server\.|warning)/,
    timeoutMs: 90_000,
  },
}

function run(name) {
  const b = benches[name]
  const started = performance.now()
  return new Promise((done) => {
    // Its own process group, so a timeout stops the bench and whatever it started (Chromium, the bench server).
    const child = spawn(node, b.args, {
      cwd: root,
      detached: true,
      env: { ...process.env, ...b.env, NO_COLOR: '1', FORCE_COLOR: '0' },
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

const results = [...(await Promise.all([run('size'), run('renders')])), await run('flow'), await run('server')]

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
process.exit(failed ? 1 : 0)
