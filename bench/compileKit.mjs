// The kit as it ships, for bench/server.mjs: src/server compiled by tsc with the package's own settings
// (tsconfig.server.json, as `npm run build` does; no type check) into node_modules/.cache, where its imports find the
// packages. scripts/bench.mjs starts it beside the benches that only count (size, renders), so the timed ones do not
// wait for it.
import { spawn } from 'node:child_process'
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

export const COMPILED_KIT = 'src/server compiled by tsc (tsconfig.server.json)'

/** Resolves with the file URL of the compiled `server/index.js`; rejects with tsc's output when it fails. */
export function compileKit() {
  const root = fileURLToPath(new URL('..', import.meta.url))
  const out = join(root, 'node_modules', '.cache', 'react-mpc-backup-bench')
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc')
  const args = [tsc, '-p', join(root, 'tsconfig.server.json'), '--outDir', out, '--declaration', 'false', '--noCheck']
  rmSync(out, { recursive: true, force: true })
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (d) => (output += d))
    child.stderr.on('data', (d) => (output += d))
    child.on('error', reject)
    child.on('close', (code) =>
      code === 0
        ? resolve(pathToFileURL(join(out, 'server', 'index.js')).href)
        : reject(new Error(`bench: tsc could not compile src/server:\n${output}`)),
    )
  })
}
