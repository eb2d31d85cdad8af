// Issue #27: until the package is published, an app installs it from the git repository. This is that install, in a
// clean room: a bare clone of the committed HEAD, a server-only app that depends on it as `git+file://…` plus a
// database driver, nothing else, and `npm i` from the npm cache `npm ci` already filled. npm clones the repository,
// installs its devDependencies, runs its `prepare` (the build) and packs it; the app then stores and reads a backup
// over HTTP with the bundled server, with no React (and no express) installed.
//
// No network: the app gets a lockfile cut from this repository's own, so every package npm needs, the app's and the
// repository's devDependencies alike, is one `npm ci` put in the npm cache; npm runs with --offline, so anything
// missing fails loudly (ENOTCACHED) instead of being fetched. better-sqlite3, a devDependency the build does not use,
// would compile from source for one to two minutes here, because its prebuilt binary is a GitHub download this machine
// cannot make: the binary this repository's own `npm ci` built is handed to its installer as a local prebuild
// (prebuild-install's `local-prebuilds`), as the download hands it over on a connected machine.
//
// It takes about a minute of CPU (most of it npm installing the devDependencies and running the build twice: once in
// its nested install, once before packing); the time is printed.
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'

const run = promisify(execFile)
const root = resolve(import.meta.dirname, '..')
const postgresUrl = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || ''
const driver = postgresUrl ? 'pg' : 'better-sqlite3'
// The bundled server (startServer, on node:http) needs nothing but its store's driver.
const serverPeers = [driver]
// Optional peers the app does not list, so npm installs none: the client's, and express (for createBackupRouter only).
const notInstalled = ['react', 'react-dom', '@tanstack/react-query', 'axios', '@react-oauth/google', 'express']

type LockEntry = {
  version?: string
  dependencies?: Record<string, string>
  optionalDependencies?: Record<string, string>
}
const rootLock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, LockEntry & Record<string, unknown>>
}

/** The entries of this repository's lockfile that installing `names` needs, at the same paths (a valid subtree). */
function lockSubset(names: string[]): Record<string, unknown> {
  const picked: Record<string, unknown> = {}
  const visit = (path: string) => {
    if (path in picked) return
    const entry = rootLock.packages[path]
    if (!entry) throw new Error(`package-lock.json has no ${path}`)
    const { dev: _dev, devOptional: _devOptional, peer: _peer, ...kept } = entry
    picked[path] = kept
    for (const dep of Object.keys({ ...entry.dependencies, ...entry.optionalDependencies })) {
      // Node's resolution: the nearest node_modules/<dep> walking up from the dependent's folder.
      let base = path
      for (;;) {
        const candidate = `${base}${base ? '/' : ''}node_modules/${dep}`
        if (candidate in rootLock.packages) {
          visit(candidate)
          break
        }
        if (!base) {
          if (!entry.optionalDependencies?.[dep]) throw new Error(`package-lock.json resolves no ${dep} for ${path}`)
          break
        }
        const up = base.lastIndexOf('/node_modules/')
        base = up < 0 ? '' : base.slice(0, up)
      }
    }
  }
  for (const name of names) visit(`node_modules/${name}`)
  return picked
}

let room = ''
let app = ''
let head = ''

beforeAll(async () => {
  head = (await run('git', ['rev-parse', 'HEAD'], { cwd: root })).stdout.trim()
  const dirty = (await run('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: root })).stdout.trim()
  if (dirty)
    console.warn(`installFromGit: installs the committed HEAD ${head.slice(0, 8)}; uncommitted changes are not in it`)

  room = mkdtempSync(join(tmpdir(), 'rmb-git-install-'))
  const bare = join(room, 'react-mpc-backup.git')
  await run('git', ['clone', '--quiet', '--bare', root, bare])

  const prebuilds = join(room, 'prebuilds')
  mkdirSync(prebuilds)
  const sqlite = JSON.parse(readFileSync(join(root, 'node_modules/better-sqlite3/package.json'), 'utf8')) as {
    version: string
  }
  // prebuild-install's file name for this Node, platform and architecture (glibc Linux: no libc part; elsewhere the
  // name may differ, and better-sqlite3 is compiled as before: slower, not wrong).
  const prebuild = `better-sqlite3-v${sqlite.version}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`
  await run('tar', [
    '-czf',
    join(prebuilds, prebuild),
    '-C',
    join(root, 'node_modules/better-sqlite3'),
    'build/Release/better_sqlite3.node',
  ])

  app = join(room, 'app')
  mkdirSync(app)
  const dependencies: Record<string, string> = { 'react-mpc-backup': `git+file://${bare}#${head}` }
  for (const name of serverPeers) dependencies[name] = rootLock.packages[`node_modules/${name}`]!.version!
  const manifest = { name: 'server-only-app', version: '1.0.0', private: true, type: 'module', dependencies }
  writeFileSync(join(app, 'package.json'), JSON.stringify(manifest, null, 2))
  writeFileSync(
    join(app, 'package-lock.json'),
    JSON.stringify(
      {
        name: manifest.name,
        version: manifest.version,
        lockfileVersion: 3,
        requires: true,
        packages: {
          '': { name: manifest.name, version: manifest.version, dependencies: manifest.dependencies },
          ...lockSubset(serverPeers),
        },
      },
      null,
      2,
    ),
  )
  writeFileSync(join(app, 'server.mjs'), SERVER_SCRIPT)

  // A clean environment: what npm needs to find its cache and git, nothing of this test run's own npm or Vitest.
  // prebuild-install reads `npm_config_<package>_local_prebuilds` (its README); npm warns that it does not know the
  // name (hidden by --loglevel=error) and hands it on to the install scripts, the nested install's included.
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    npm_config_better_sqlite3_local_prebuilds: prebuilds,
  }
  if (process.env.npm_config_cache) env.npm_config_cache = process.env.npm_config_cache
  const started = performance.now()
  try {
    await run('npm', ['i', '--offline', '--no-audit', '--no-fund', '--loglevel=error'], {
      cwd: app,
      env,
      maxBuffer: 64 * 1024 * 1024,
    })
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string }
    const output = `${err.stdout ?? ''}${err.stderr ?? ''}`.slice(0, 20_000)
    const hint = /ENOTCACHED/.test(output) ? ' (ENOTCACHED: run `npm ci` here first, it fills the npm cache)' : ''
    throw new Error(`npm i of the git repository failed${hint}:\n${output}`)
  }
  const installSeconds = (performance.now() - started) / 1000
  console.log(
    `installFromGit: npm i (clone, devDependencies, prepare, pack, app deps) took ${installSeconds.toFixed(1)} s`,
  )
}, 900_000)

afterAll(() => {
  if (room) rmSync(room, { recursive: true, force: true })
})

describe('installing from the git repository (a server-only app)', () => {
  test('npm built the package from the committed HEAD: dist/ is there, with every entry point', () => {
    const installed = join(app, 'node_modules', 'react-mpc-backup')
    const pkg = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as {
      exports: Record<string, string | Record<string, string>>
    }
    const targets = Object.values(pkg.exports).flatMap((t) => (typeof t === 'string' ? [t] : Object.values(t)))
    expect(targets.filter((t) => !existsSync(join(installed, t)))).toEqual([])
    expect(existsSync(join(installed, 'dist', 'server', 'index.js'))).toBe(true)
    const lock = JSON.parse(readFileSync(join(app, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { resolved?: string }>
    }
    expect(lock.packages['node_modules/react-mpc-backup']?.resolved).toMatch(new RegExp(`#${head}$`))
  })

  test('no optional peer the app did not ask for is installed: no React, TanStack Query, axios, Google, express', () => {
    expect(notInstalled.filter((name) => existsSync(join(app, 'node_modules', name)))).toEqual([])
  })

  test(`react-mpc-backup/server stores and reads a backup over HTTP (${driver})`, async () => {
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH }
    if (postgresUrl) {
      env.DATABASE_URL = postgresUrl
      env.SCHEMA = `rmb_git_${randomBytes(4).toString('hex')}`
    }
    const { stdout } = await run(process.execPath, ['server.mjs'], { cwd: app, env })
    expect(JSON.parse(stdout)).toEqual({ stored: 200, read: 200, cipherText: 'git-installed-cipher-text' })
  }, 60_000)
})

const SERVER_SCRIPT = `
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { devHeaderAuthenticate, postgresStore, sqliteStore, startServer } from 'react-mpc-backup/server'

const dataDir = mkdtempSync(join(tmpdir(), 'rmb-git-app-data-'))
const store = process.env.DATABASE_URL
  ? postgresStore({ connectionString: process.env.DATABASE_URL, schema: process.env.SCHEMA })
  : sqliteStore({ filename: join(dataDir, 'backups.db') })
const running = await startServer({
  store,
  authenticate: devHeaderAuthenticate(),
  webhookSecret: randomBytes(32).toString('base64url'),
  encryptionKey: randomBytes(32),
  port: 0,
})
try {
  const url = running.url + '/api/clients/git-client/backup'
  const headers = { 'content-type': 'application/json', 'x-client-id': 'git-client' }
  const body = JSON.stringify({ backupMethod: 'PASSWORD', cipherText: 'git-installed-cipher-text' })
  const stored = await fetch(url, { method: 'POST', headers, body })
  const read = await fetch(url + '?backupMethod=PASSWORD', { headers })
  const { cipherText } = await read.json()
  console.log(JSON.stringify({ stored: stored.status, read: read.status, cipherText }))
} finally {
  await running.close()
  if (process.env.DATABASE_URL) {
    const pg = (await import('pg')).default
    const admin = new pg.Pool({ connectionString: process.env.DATABASE_URL })
    await admin.query('DROP SCHEMA IF EXISTS ' + process.env.SCHEMA + ' CASCADE').finally(() => admin.end())
  }
  rmSync(dataDir, { recursive: true, force: true })
}
`
