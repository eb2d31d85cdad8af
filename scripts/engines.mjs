// `node scripts/engines.mjs [range]`: every installed package (node_modules, nested ones included) whose `engines.node`
// does not accept every Node version of the range (default: this package's own `engines.node`). Exit code 1 when any
// does, so an upgrade that needs a newer Node than package.json claims is seen before a user meets EBADENGINE.
// The check is set inclusion (semver.subset), not one version: `>=22` fails `^20.19.0 || >=22.13.0` even though
// Node 22.13 satisfies both.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import semver from 'semver'

const root = resolve(import.meta.dirname, '..')

function packageDirs(modules) {
  if (!existsSync(modules)) return []
  const dirs = []
  for (const entry of readdirSync(modules, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || !(entry.isDirectory() || entry.isSymbolicLink())) continue
    const dir = join(modules, entry.name)
    if (entry.name.startsWith('@')) dirs.push(...packageDirs(dir))
    else dirs.push(dir, ...packageDirs(join(dir, 'node_modules')))
  }
  return dirs
}

/** `{ name, version, path, engines }` of each installed package whose engines.node excludes part of `range`. */
export function packagesExcluding(range, modules = join(root, 'node_modules')) {
  const found = []
  for (const dir of packageDirs(modules)) {
    const file = join(dir, 'package.json')
    if (!existsSync(file)) continue
    const pkg = JSON.parse(readFileSync(file, 'utf8'))
    const engines = pkg.engines?.node
    if (typeof engines !== 'string') continue
    const accepted = semver.validRange(engines) !== null && semver.subset(range, engines)
    if (!accepted) found.push({ name: pkg.name, version: pkg.version, path: relative(root, dir), engines })
  }
  return found
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const range = process.argv[2] ?? JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).engines.node
  const found = packagesExcluding(range)
  for (const p of found) console.log(`${p.name}@${p.version} wants node ${p.engines} (${p.path})`)
  console.log(`${found.length} installed package(s) exclude part of node ${range}`)
  process.exitCode = found.length ? 1 : 0
}
