// `npm run setup`: installs this example with the kit as users get it, the packed package.
//   1. builds the kit from this repository (../..) into a temp folder (the repository's own dist/ is left alone) and
//      packs it with `npm pack` into <dir>/.kit/react-mpc-backup.tgz, where package.json's "file:" dependency points;
//   2. with --into <dir>, copies the example's sources there first (the end-to-end test builds it in a temp folder);
//   3. `npm install` in <dir> (--prefer-offline: the npm cache first, the registry for what it lacks), and msw's
//      service worker script into <dir>/public (emulator mode);
//   4. in this folder only, writes .env.local with fresh development secrets, USE_EMULATORS=1 and
//      NEXT_TELEMETRY_DISABLED=1 when there is none.
// Prints how long each step took.
// --better-sqlite3-from <folder>: for the repository's end-to-end test. Installs without install scripts and takes
// the compiled better-sqlite3 driver from <folder>/node_modules (the repository's own install) when it is the same
// version, instead of compiling it again (prebuilt binaries come from GitHub, which CI cannot reach, so npm compiles
// it: a minute or more of a 2-core machine); another version is compiled as usual (`npm rebuild better-sqlite3`).
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const example = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const root = resolve(example, '../..')
function option(name) {
  const at = process.argv.indexOf(name)
  if (at === -1) return undefined
  const value = process.argv[at + 1]
  if (!value || value.startsWith('--')) {
    console.error(`setup: ${name} needs a folder`)
    process.exit(2)
  }
  return resolve(value)
}
const dir = option('--into') ?? example
const driverFrom = option('--better-sqlite3-from')

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
const bin = (name) => join(root, 'node_modules', '.bin', name)
const run = (file, args, cwd) => execFileSync(file, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'] })
const timed = (label, work) => {
  const started = performance.now()
  work()
  console.log(`setup: ${label} in ${((performance.now() - started) / 1000).toFixed(1)} s`)
}

if (!existsSync(bin('vite')))
  throw new Error(`setup: the kit's own dependencies are missing: run \`npm install\` in ${root} first`)

timed('kit built and packed', () => {
  const kit = mkdtempSync(join(tmpdir(), 'rmb-kit-'))
  try {
    // The two halves of the kit's `npm run build`, aimed at the temp folder.
    run(bin('vite'), ['build', '--outDir', join(kit, 'dist'), '--emptyOutDir', '--logLevel', 'error'], root)
    run(bin('tsc'), ['-p', 'tsconfig.server.json', '--outDir', join(kit, 'dist')], root)
    for (const file of ['package.json', 'README.md', 'CHANGELOG.md', 'LICENSE'])
      if (existsSync(join(root, file))) cpSync(join(root, file), join(kit, file))
    for (const folder of ['openapi', 'bin']) cpSync(join(root, folder), join(kit, folder), { recursive: true })
    // --ignore-scripts: the kit's `prepare` builds from sources, which this folder of built files does not have.
    execFileSync(npm, ['pack', '--ignore-scripts', '--silent', '--pack-destination', kit], {
      cwd: kit,
      stdio: 'ignore',
    })
    const packed = readdirSync(kit).find((name) => name.endsWith('.tgz'))
    if (!packed) throw new Error('setup: npm pack made no tarball')
    mkdirSync(join(dir, '.kit'), { recursive: true })
    renameSync(join(kit, packed), join(dir, '.kit', 'react-mpc-backup.tgz'))
  } finally {
    rmSync(kit, { recursive: true, force: true })
  }
})

if (dir !== example) {
  // The sources only: nothing installed, built or secret.
  const skip = new Set(['node_modules', '.next', '.kit', '.data', 'next-env.d.ts'])
  cpSync(example, dir, {
    recursive: true,
    filter: (source) => {
      const path = relative(example, source)
      const top = path.split(/[\\/]/)[0] ?? ''
      return !skip.has(top) && !/^\.env/.test(top) && path !== join('public', 'mockServiceWorker.js')
    },
  })
}

// The tarball named explicitly: npm then reads it again. Left to package.json's "file:" entry, npm takes a kit it has
// seen before by its recorded checksum, from its cache or node_modules: the kit as it was, not as it is now.
const install = ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error']
if (driverFrom) install.push('--ignore-scripts')
timed('npm install', () => run(npm, [...install, './.kit/react-mpc-backup.tgz'], dir))
if (driverFrom) {
  const driver = (base) => join(base, 'node_modules', 'better-sqlite3')
  const version = (base) => JSON.parse(readFileSync(join(driver(base), 'package.json'), 'utf8')).version
  const binary = join('build', 'Release', 'better_sqlite3.node')
  if (existsSync(join(driver(driverFrom), binary)) && version(driverFrom) === version(dir)) {
    mkdirSync(dirname(join(driver(dir), binary)), { recursive: true })
    cpSync(join(driver(driverFrom), binary), join(driver(dir), binary))
    console.log(`setup: better-sqlite3 ${version(dir)} driver taken from ${driverFrom}`)
  } else timed('better-sqlite3 compiled', () => run(npm, ['rebuild', 'better-sqlite3'], dir))
}
// msw's own postinstall does this too (package.json "msw.workerDirectory"), but not with --ignore-scripts.
mkdirSync(join(dir, 'public'), { recursive: true })
cpSync(join(dir, 'node_modules', 'msw', 'lib', 'mockServiceWorker.js'), join(dir, 'public', 'mockServiceWorker.js'))

const env = join(dir, '.env.local')
if (dir === example && !existsSync(env)) {
  const secret = () => randomBytes(32).toString('base64')
  writeFileSync(
    env,
    [
      '# Written by `npm run setup` for development on this machine; never commit it.',
      'USE_EMULATORS=1',
      "# Next.js's anonymous telemetry leaves the machine; off here (`npx next telemetry` says more).",
      'NEXT_TELEMETRY_DISABLED=1',
      `SESSION_SECRET=${secret()}`,
      `WEBHOOK_SECRET=${secret()}`,
      `BACKUP_ENCRYPTION_KEY=${secret()}`,
      '',
    ].join('\n'),
    { mode: 0o600 },
  )
  console.log(`setup: wrote ${relative(process.cwd(), env)} (emulators on, fresh development secrets)`)
}
