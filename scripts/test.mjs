// The one test command (README: `npm test`). Runs Biome (lint + format check), then every Vitest project (the Next.js
// example's end to end beside the others, below), and prints `N passed, N failed, N skipped`.
// What it needs from the machine is said up front (Chromium; PostgreSQL for the PostgreSQL half of the server suite),
// and any failure counts in the summary line: a failed test, a test file that failed to load, or a project that
// never ran (e.g. no Chromium), each named.
import { spawn, spawnSync } from 'node:child_process'
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync } from 'node:fs'
import { join, relative } from 'node:path'

const out = join('node_modules', '.cache', 'react-mpc-backup')
mkdirSync(out, { recursive: true })
const report = join(out, 'vitest.json')
rmSync(report, { force: true })

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
if (!existsSync(chromium))
  console.warn(
    `npm test: no Chromium at ${chromium}: the browser, Storybook and end-to-end tests cannot run.\n` +
      '  Debian/Ubuntu: sudo apt-get install chromium   (or set CHROMIUM_PATH to a Chromium or Chrome binary)',
  )
if (!process.env.DATABASE_URL && !process.env.TEST_DATABASE_URL)
  console.warn(
    'npm test: no DATABASE_URL / TEST_DATABASE_URL: the PostgreSQL half of the server suite is skipped.\n' +
      '  To run it: `source .ci/postgres.sh` (starts a throwaway PostgreSQL on a loopback port; PG_PORT picks the\n' +
      '  first port to try, default 55432) or point DATABASE_URL at any PostgreSQL you may create schemas in.',
  )

if (spawnSync('strace', ['-V'], { stdio: 'ignore' }).status !== 0)
  console.warn(
    'npm test: no strace: the check that sqliteStore answers only after its fsync is skipped.\n' +
      '  Debian/Ubuntu: sudo apt-get install strace',
  )

// The Next.js example's end-to-end test (project `e2e-nextjs`) spends minutes installing and building the example,
// mostly on one core, while the other projects run one Vitest worker at a time on a 2-core machine. On a full run
// (no arguments) it runs beside them in a Vitest process of its own, started first; its output goes to a file,
// printed after theirs, and its report is counted with theirs. With arguments, one Vitest run takes them as given.
const vitest = (json) => ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${json}`]
const full = process.argv.length <= 2
const nextjsReport = join(out, 'vitest-e2e-nextjs.json')
const nextjsLog = join(out, 'vitest-e2e-nextjs.log')
let nextjs
if (full) {
  rmSync(nextjsReport, { force: true })
  const log = openSync(nextjsLog, 'w')
  const child = spawn('npx', [...vitest(nextjsReport), '--project', 'e2e-nextjs'], {
    stdio: ['ignore', log, log],
    env: process.env,
  })
  closeSync(log)
  nextjs = new Promise((done) => {
    child.once('error', () => done(null))
    child.once('exit', (code) => done(code))
  })
  console.log(
    'npm test: the Next.js example end to end (project e2e-nextjs) runs beside the others; its output follows theirs',
  )
}

// Lint and format first (Biome, biome.json): quick, and a failure is counted below like a failed test.
const lint = spawnSync('npx', ['biome', 'ci', '--colors=off', '.'], { stdio: 'inherit', env: process.env })

const args = [...vitest(report), ...(full ? ['--project', '!e2e-nextjs'] : process.argv.slice(2))]
const run = spawnSync('npx', args, { stdio: 'inherit', env: process.env })
const runs = [{ name: 'vitest', status: run.status, report }]
if (nextjs) {
  const code = await nextjs
  console.log('\nnpm test: the Next.js example end to end (project e2e-nextjs):')
  process.stdout.write(existsSync(nextjsLog) ? readFileSync(nextjsLog, 'utf8') : '(no output)\n')
  runs.push({ name: 'vitest --project e2e-nextjs', status: code, report: nextjsReport })
}
const status =
  runs.find((r) => r.status !== 0)?.status ||
  lint.status ||
  (runs.some((r) => r.status === null) || lint.status === null ? 1 : 0)

let passed = 0
let failed = 0
let skipped = 0
const reasons = []
for (const { name, status: code, report: json } of runs) {
  let failedHere = 0
  if (existsSync(json)) {
    const r = JSON.parse(readFileSync(json, 'utf8'))
    passed += r.numPassedTests ?? 0
    skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0)
    failedHere = r.numFailedTests ?? 0
    // A file that failed without a failing test did not load (syntax error, import error, a hook that threw).
    for (const file of r.testResults ?? []) {
      const failing = (file.assertionResults ?? []).some((a) => a.status === 'failed')
      if (file.status === 'failed' && !failing) {
        failedHere += 1
        reasons.push(
          `${relative(process.cwd(), file.name)} failed to run: ${(file.message || 'see above').split('\n')[0]}`,
        )
      }
    }
  } else {
    failedHere = 1
    reasons.push(`${name} wrote no report: it stopped before running the tests (see above)`)
  }
  // Vitest failed but nothing above says why (a browser project that could not launch, an unhandled error): one more.
  if (code !== 0 && failedHere === 0) {
    failedHere = 1
    reasons.push(`${name} exited with code ${code}${existsSync(chromium) ? '' : ` (no Chromium at ${chromium})`}`)
  }
  failed += failedHere
}
if (lint.status !== 0) {
  failed += 1
  reasons.push('biome found lint or format problems (see above; `npx biome check --write .` fixes the format)')
}
for (const reason of reasons) console.log(`npm test: ${reason}`)
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`)
process.exit(status)
