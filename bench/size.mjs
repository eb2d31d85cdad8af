// Bundle size of the client as an app ships it (bench/sizeMeasure.mjs: esbuild bundle + minify of the built package
// dist/, peers external, gzip -9), against the ceilings `npm test` holds (test/bundleSize.test.ts), with each path's
// split by source module; a tree-shaking check, and the optional stylesheet. Needs `npm run build` first.
import { readdirSync, readFileSync, rmSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { builtClient, CEILINGS, GOALS, measure, PATHS, root } from './sizeMeasure.mjs'

const { dist, fresh } = await builtClient()
if (fresh) console.log(`(dist/ is missing or older than src/: measured a fresh build in ${dist})`)
const gz = (code) => gzipSync(code, { level: 9 }).length
const kB = (b) => (b / 1024).toFixed(2)

const full = await measure('*', { dist })
const paths = {}
for (const [path, names] of Object.entries(PATHS)) {
  const m = (paths[path] = await measure(names, { dist }))
  const ceiling = CEILINGS[path]
  console.log(
    `size.${path}.minGzip ${m.bytes} B (${kB(m.bytes)} kB) = ${(m.bytes / ceiling).toFixed(2)} x ceiling, ${(m.bytes / GOALS[path]).toFixed(2)} x goal (${names.join(' + ')}; ceiling <= 1.00, ${ceiling} B, held by npm test; goal ${GOALS[path]} B, issue #28; ${m.minBytes} B minified)`,
  )
}
console.log(`size.client.minGzip ${full.bytes} B (${kB(full.bytes)} kB): the whole entry, every export`)
// `react-mpc-backup/core`: the building blocks alone (Drive key store, token broker, share API client).
const core = await measure('*', { dist, entry: 'core/index.js' })
console.log(`size.core.minGzip ${core.bytes} B (${kB(core.bytes)} kB): react-mpc-backup/core, every export`)
// Each locale pack (`react-mpc-backup/locales/<lang>`): one plain object, what an app adds by importing it; the
// client paths above carry none of them (the components keep only their English labels).
for (const file of readdirSync(join(dist, 'locales'))
  .filter((f) => f.endsWith('.js'))
  .sort()) {
  const pack = await measure('*', { dist, entry: `locales/${file}` })
  console.log(
    `size.locales.${file.slice(0, -3)}.minGzip ${pack.bytes} B (${kB(pack.bytes)} kB): react-mpc-backup/locales/${file.slice(0, -3)}`,
  )
}
// Where each path's bytes go, by source module: the gzip bytes the path loses when that module's part of the minified
// output is cut out (the parts overlap a little, gzip shares matches across modules, so they sum to somewhat less than
// the total); in brackets the module's minified bytes.
for (const [path, m] of Object.entries(paths))
  console.log(
    `size.${path}.byModule (B gz [B min]): ${m.byModule.map((x) => `${x.name} ${x.bytes} [${x.min}]`).join(', ')}`,
  )
// Where the bytes go: the same bundle with every human-readable string (labels, error messages) emptied.
const textless = full.code.replace(/([`"'])([^`"'\n\\]{6,200})\1/g, (m, q, t) =>
  /[a-z] [a-z]/i.test(t) && !t.includes('${') ? q + q : m,
)
const textGz = full.bytes - gz(textless)
console.log(
  `size.client.text ${textGz} B of labels and messages = ${(textGz / full.bytes).toFixed(2)} x the entry; without them ${full.bytes - textGz} B`,
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
  .filter(([, m]) => norm(paths.hook.code).includes(m))
  .map(([name]) => name)
console.log(
  `size.treeShaking ${leaked.length === 0 ? 'ok' : 'LEAK'}: importing only useWalletBackup pulls ${leaked.length ? `${leaked.join(', ')} code` : 'no component, recovery, status or reminder code'}`,
)
if (fresh) rmSync(dirname(dist), { recursive: true, force: true })

// The optional stylesheet as an app's bundler ships it: minified (Lightning CSS, Vite's CSS minifier), gzipped.
const { transform } = await import('lightningcss')
const css = transform({ filename: 'styles.css', code: readFileSync(join(root, 'src/styles.css')), minify: true }).code
const cssGz = gz(css)
const cssGoal = 1.5 * 1024
console.log(
  `size.styles.minGzip ${cssGz} B = ${(cssGz / cssGoal).toFixed(2)} x goal (goal <= 1.00, 1.5 kB; ${css.length} B minified)`,
)
