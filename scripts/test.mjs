// The one test command (README: `npm test`). Runs every Vitest project and prints `N passed, N failed`.
import { spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, existsSync } from 'node:fs'
import { join } from 'node:path'

const out = join('node_modules', '.cache', 'react-mpc-backup')
mkdirSync(out, { recursive: true })
const report = join(out, 'vitest.json')

const args = ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)]
const run = spawnSync('npx', args, { stdio: 'inherit', env: process.env })

let passed = 0
let failed = 0
if (existsSync(report)) {
  const r = JSON.parse(readFileSync(report, 'utf8'))
  passed = r.numPassedTests ?? 0
  failed = (r.numFailedTests ?? 0) + (r.numFailedTestSuites ?? 0)
}
console.log(`${passed} passed, ${failed} failed`)
process.exit(run.status ?? 1)
