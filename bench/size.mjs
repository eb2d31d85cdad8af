// Bundle size of the client entry (min+gzip, peers external) and a tree-shaking check. Prints ratios against goals.
import { build } from 'vite'
import { gzipSync } from 'node:zlib'
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { tmpdir } from 'node:os'

const root = resolve(import.meta.dirname, '..')
const peers = [/^react($|\/)/, /^react-dom($|\/)/, /^@tanstack\//, /^@react-oauth\//, /^axios($|\/)/]

async function bundle(entryCode) {
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
        minify: true,
        target: 'es2022',
        lib: { entry, formats: ['es'], fileName: 'out' },
        rolldownOptions: { external: peers },
      },
    })
    const outputs = (Array.isArray(out) ? out : [out]).flatMap((o) => o.output)
    return outputs.filter((c) => c.type === 'chunk').map((c) => c.code).join('\n')
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const src = (p) => JSON.stringify(join(root, p))
const full = await bundle(`export * from ${src('src/index.ts')}`)
const hookOnly = await bundle(`export { useWalletBackup } from ${src('src/index.ts')}`)

const gz = (code) => gzipSync(code, { level: 9 }).length
const goal = 6 * 1024
const fullGz = gz(full)
const hookGz = gz(hookOnly)
console.log(`size.client.minGzip ${fullGz} B = ${(fullGz / goal).toFixed(2)} x goal (goal <= 1.00, 6 kB)`)
console.log(`size.useWalletBackupOnly.minGzip ${hookGz} B = ${(hookGz / fullGz).toFixed(2)} x full entry`)
const leaked = ['BackupButton', 'RecoverButton', 'recoverWallet', 'role:"status"', 'aria-live'].filter((s) => hookOnly.includes(s))
console.log(`size.treeShaking ${leaked.length === 0 ? 'ok' : 'LEAK'}: importing only useWalletBackup pulls ${leaked.length ? leaked.join(', ') : 'no component or recovery code'}`)
