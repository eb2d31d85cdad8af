// Bundle size of the client entry (min+gzip, peers external), a tree-shaking check, and the optional stylesheet.
// Prints ratios against goals.
import { build } from 'vite'
import { minifySync } from 'rolldown/experimental'
import { gzipSync } from 'node:zlib'
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { tmpdir } from 'node:os'

const root = resolve(import.meta.dirname, '..')
const peers = [/^react($|\/)/, /^react-dom($|\/)/, /^@tanstack\//, /^@react-oauth\//, /^axios($|\/)/]

async function bundle(entryCode, minify = true) {
  const dir = mkdtempSync(join(tmpdir(), 'rmb-size-'))
  const entry = join(dir, 'entry.ts')
  writeFileSync(entry, entryCode)
  try {
    const out = await build({
      configFile: false,
      logLevel: 'silent',
      root,
      build: {
        write: false,
        minify,
        target: 'es2022',
        lib: { entry, formats: ['es'], fileName: 'out' },
        rolldownOptions: { external: peers },
      },
    })
    const outputs = (Array.isArray(out) ? out : [out]).flatMap((o) => o.output)
    const code = outputs
      .filter((c) => c.type === 'chunk')
      .map((c) => c.code)
      .join('\n')
    // Vite's library mode keeps whitespace in ES output (so apps can still tree-shake it); an app's bundler then
    // minifies it fully. Measure what ships to users: the same code through a full minify (Oxc, as Vite 8 uses).
    return {
      code,
      min: minifySync('entry.js', code, { module: true, compress: true, mangle: { toplevel: true } }).code,
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const src = (p) => JSON.stringify(join(root, p))
const full = await bundle(`export * from ${src('src/index.ts')}`)
const hookEntry = `export { useWalletBackup } from ${src('src/index.ts')}`
const hookOnly = await bundle(hookEntry)
// What the README's drop-in snippet imports.
const dropInEntry = `export { BackupButton, WalletBackupProvider, portalAdapter } from ${src('src/index.ts')}`
const dropIn = await bundle(dropInEntry)

const gz = (code) => gzipSync(code, { level: 9 }).length
const kB = (b) => (b / 1024).toFixed(2)
const fullGz = gz(full.min)
const hookGz = gz(hookOnly.min)
const dropInGz = gz(dropIn.min)
const dropInGoal = 6 * 1024
const hookGoal = 4 * 1024
console.log(
  `size.dropIn.minGzip ${dropInGz} B (${kB(dropInGz)} kB) = ${(dropInGz / dropInGoal).toFixed(2)} x goal (BackupButton + WalletBackupProvider + portalAdapter; goal <= 1.00, 6 kB)`,
)
console.log(
  `size.hook.minGzip ${hookGz} B (${kB(hookGz)} kB) = ${(hookGz / hookGoal).toFixed(2)} x goal (useWalletBackup; goal <= 1.00, 4 kB)`,
)
console.log(`size.client.minGzip ${fullGz} B (${kB(fullGz)} kB): the whole entry, every export`)
// Where each path's bytes go, by source module: the gzip bytes the path loses when that module's code is left out
// (same minifier, without compression so the rest still parses alone). The parts overlap a little (gzip shares
// matches across modules), so they sum to somewhat less than the total.
async function byModule(entryCode) {
  // Unminified, so that every module keeps its `// src/...` marker.
  const { code } = await bundle(entryCode, false)
  const mini = (c) => minifySync('m.js', c, { module: true, compress: false, mangle: { toplevel: true } }).code
  const parts = code.split(/(?=^\/\/ src\/)/m)
  const all = gz(mini(code))
  return parts
    .map((p, i) => ({
      name: p.match(/^\/\/ src\/(\S+)\.tsx?/)?.[1] ?? '(imports)',
      bytes: all - gz(mini(parts.filter((_, j) => j !== i).join(''))),
    }))
    .sort((a, b) => b.bytes - a.bytes)
    .map((m) => `${m.name} ${m.bytes}`)
    .join(', ')
}
console.log(`size.dropIn.byModule (B gz): ${await byModule(dropInEntry)}`)
console.log(`size.hook.byModule (B gz): ${await byModule(hookEntry)}`)
const goal = dropInGoal
// Where the bytes go: the same bundle with every human-readable string (labels, error messages) emptied.
const textless = full.min.replace(/([`"'])([^`"'\n\\]{6,200})\1/g, (m, q, t) =>
  /[a-z] [a-z]/i.test(t) && !t.includes('${') ? q + q : m,
)
const textGz = fullGz - gz(textless)
console.log(
  `size.client.text ${textGz} B of labels and messages = ${(textGz / fullGz).toFixed(2)} x the entry; without them ${fullGz - textGz} B = ${((fullGz - textGz) / goal).toFixed(2)} x goal`,
)
// Markers of code that must stay out: the buttons' live region, the recovery flow, the status component, the reminder. Each must
// be present in the full entry, or the check could not fail.
const markers = {
  components: 'aria-live',
  recovery: "'recovering'",
  status: "'Not backed up'",
  reminder: 'rmb-reminder:',
}
const norm = (code) => code.replaceAll('"', "'")
const missing = Object.values(markers).filter((m) => !norm(full.code).includes(m))
if (missing.length) throw new Error(`size: tree-shaking markers not found in the full entry: ${missing.join(', ')}`)
const leaked = Object.entries(markers)
  .filter(([, m]) => norm(hookOnly.code).includes(m))
  .map(([name]) => name)
console.log(
  `size.treeShaking ${leaked.length === 0 ? 'ok' : 'LEAK'}: importing only useWalletBackup pulls ${leaked.length ? `${leaked.join(', ')} code` : 'no component, recovery, status or reminder code'}`,
)

// The optional stylesheet as an app's bundler ships it: minified (Lightning CSS, Vite's CSS minifier), gzipped.
const { transform } = await import('lightningcss')
const { readFileSync } = await import('node:fs')
const css = transform({ filename: 'styles.css', code: readFileSync(join(root, 'src/styles.css')), minify: true }).code
const cssGz = gz(css)
const cssGoal = 1.5 * 1024
console.log(
  `size.styles.minGzip ${cssGz} B = ${(cssGz / cssGoal).toFixed(2)} x goal (goal <= 1.00, 1.5 kB; ${css.length} B minified)`,
)
