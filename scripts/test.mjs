// The one test command (README: `npm test`). Runs Biome (lint + format check), then every Vitest project, and prints `N passed, N failed, N skipped`.
// What it needs from the machine is said up front (Chromium; PostgreSQL for the PostgreSQL half of the server suite),
// and any failure counts in the summary line: a failed test, a test file that failed to load, or a project that
// never ran (e.g. no Chromium), each named.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs'
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

// Lint and format first (Biome, biome.json): quick, and a failure is counted below like a failed test.
const lint = spawnSync('npx', ['biome', 'ci', '--colors=off', '.'], { stdio: 'inherit', env: process.env })

const args = [
  'vitest',
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${report}`,
  ...process.argv.slice(2),
]
const run = spawnSync('npx', args, { stdio: 'inherit', env: process.env })
const status = run.status || lint.status || (run.status === null || lint.status === null ? 1 : 0)

let passed = 0
let failed = 0
let skipped = 0
const reasons = []
if (existsSync(report)) {
  const r = JSON.parse(readFileSync(report, 'utf8'))
  passed = r.numPassedTests ?? 0
  skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0)
  failed = r.numFailedTests ?? 0
  // A file that failed without a failing test did not load (syntax error, import error, a hook that threw).
  for (const file of r.testResults ?? []) {
    const failing = (file.assertionResults ?? []).some((a) => a.status === 'failed')
    if (file.status === 'failed' && !failing) {
      failed += 1
      reasons.push(
        `${relative(process.cwd(), file.name)} failed to run: ${(file.message || 'see above').split('\n')[0]}`,
      )
    }
  }
} else {
  reasons.push('vitest wrote no report: it stopped before running the tests (see above)')
}
if (lint.status !== 0) {
  failed += 1
  reasons.push('biome found lint or format problems (see above; `npx biome check --write .` fixes the format)')
}
// Vitest failed but nothing above says why (a browser project that could not launch, an unhandled error): one more.
if (run.status !== 0 && failed === (lint.status !== 0 ? 1 : 0)) {
  failed = 1
  reasons.push(`vitest exited with code ${run.status}${existsSync(chromium) ? '' : ` (no Chromium at ${chromium})`}`)
}
for (const reason of reasons) console.log(`npm test: ${reason}`)
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`)
process.exit(status)
