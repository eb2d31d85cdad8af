// Server code must never reach a browser: bundle the client entry as an app's bundler would (every bare import left
// external, so each one shows) and look at what it imports and which of our modules it holds.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative, resolve } from 'node:path'
import { build } from 'vite'
import { describe, expect, test } from 'vitest'

const root = resolve(import.meta.dirname, '..')
const peers = ['react', 'react-dom', '@tanstack/react-query', '@react-oauth/google', 'axios']

/** The bare imports left in the bundle and the repo modules inside it (`treeshake: false` keeps an entry with no
 * exports, such as the bin, which package.json's `sideEffects` would otherwise let the bundler drop whole). */
async function bundle(entry: string, names = '*', treeshake = true) {
  const dir = mkdtempSync(join(tmpdir(), 'rmb-client-'))
  const file = join(dir, 'entry.ts')
  writeFileSync(file, `export ${names} from ${JSON.stringify(join(root, entry))}`)
  try {
    const out = await build({
      configFile: false,
      logLevel: 'silent',
      root,
      build: {
        write: false,
        minify: false,
        target: 'es2022',
        lib: { entry: file, formats: ['es'], fileName: 'out' },
        rolldownOptions: {
          external: (id) => !id.startsWith('.') && !id.startsWith('/') && !id.startsWith('\0'),
          treeshake,
        },
      },
    })
    const chunks = (Array.isArray(out) ? out : [out])
      .flatMap((o) => ('output' in o ? o.output : []))
      .filter((c) => c.type === 'chunk')
    return {
      imports: [...new Set(chunks.flatMap((c) => [...c.imports, ...c.dynamicImports]))].sort(),
      modules: chunks.flatMap((c) => c.moduleIds).map((id) => relative(root, id)),
      code: chunks.map((c) => c.code).join('\n'),
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const packageOf = (spec: string) => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!)
const serverOnly = (spec: string) =>
  spec.startsWith('node:') || ['express', 'better-sqlite3', 'pg', 'zod'].includes(packageOf(spec))

describe('the client bundle', () => {
  test('the client entry imports only its React/TanStack/Google/axios peers and holds no src/server module', async () => {
    const { imports, modules } = await bundle('src/index.ts')
    expect(modules.some((m) => m.startsWith('src/core/'))).toBe(true)
    expect(imports.filter(serverOnly)).toEqual([])
    expect(imports.filter((s) => !peers.includes(packageOf(s)))).toEqual([])
    expect(modules.filter((m) => m.startsWith('src/server/') || m.includes('node_modules'))).toEqual([])
  }, 60_000)

  test('the core entry (react-mpc-backup/core) holds only src/core and imports no React package, whole or not', async () => {
    for (const treeshake of [true, false]) {
      const { imports, modules } = await bundle('src/core/index.ts', '*', treeshake)
      expect(modules.some((m) => m.startsWith('src/core/clients/'))).toBe(true)
      expect(modules.filter((m) => !m.startsWith('src/core/') && !m.endsWith('/entry.ts'))).toEqual([])
      expect(imports.filter(serverOnly)).toEqual([])
      // axios only: the share API client's one peer.
      expect(imports.map(packageOf)).toEqual(['axios'])
    }
  }, 60_000)

  test('the same check catches server code when it is there (the server entry), which loads neither express nor zod', async () => {
    const { imports, modules } = await bundle('src/server/index.ts')
    expect(imports.filter(serverOnly)).toEqual(expect.arrayContaining(['node:crypto', 'node:http']))
    expect(imports.filter((s) => ['express', 'zod'].includes(packageOf(s)))).toEqual([])
    expect(modules.some((m) => m.startsWith('src/server/'))).toBe(true)
  }, 60_000)

  // The error classes are built by a helper call (`class X extends define(...)`), which a bundler keeps unless it
  // knows the call is pure; the hook path has no use for the Google sign-in classes of the token broker.
  test('an error class a path never uses is left out (useWalletBackup alone holds no GooglePopupBlocked)', async () => {
    const hook = await bundle('src/index.ts', '{ useWalletBackup }')
    expect(hook.modules).toContain('src/core/errors/errors.ts')
    const defines = (name: string) => new RegExp(`define\\(["'\`]${name}["'\`]`)
    expect(hook.code).toMatch(defines('DriveQuotaExceeded'))
    expect(hook.code).not.toMatch(defines('GooglePopupBlocked'))
    expect((await bundle('src/index.ts')).code).toMatch(defines('GooglePopupBlocked'))
  }, 60_000)

  // The reminder is opt-in: a path that does not import it carries none of its code (a marker of each of its three
  // layers: the core's storage key, the hook's name, the component's stylesheet hook), and the full entry has all.
  test('the reminder stays out of useWalletBackup alone and of the drop-in path (BackupButton, WalletBackupProvider, portalAdapter)', async () => {
    const markers = ['rmb-reminder:', 'useBackupReminder', "'backup-reminder'"]
    const found = (code: string) => markers.filter((m) => code.replaceAll('"', "'").includes(m))
    const full = await bundle('src/index.ts')
    expect(found(full.code)).toEqual(markers)
    expect(full.modules.filter((m) => m.includes('reminder') || m.includes('Reminder')).length).toBeGreaterThan(0)
    for (const names of ['{ useWalletBackup }', '{ BackupButton, WalletBackupProvider, portalAdapter }']) {
      const path = await bundle('src/index.ts', names)
      expect(found(path.code), names).toEqual([])
      expect(
        path.modules.filter((m) => m.includes('reminder') || m.includes('Reminder')),
        names,
      ).toEqual([])
    }
  }, 120_000)
})

// The client-side peers are optional (peerDependenciesMeta), so a server-only app has none of them installed: nothing
// the server entry or the server bin loads may import one. test/installFromGit.test.ts runs such an app for real.
describe('the server bundle', () => {
  test.each(['src/server/index.ts', 'src/server/cli/bin.ts'])(
    '%s imports none of the client-side peers',
    async (entry) => {
      const { imports, modules } = await bundle(entry, '*', false)
      expect(modules.some((m) => m.startsWith('src/server/'))).toBe(true)
      expect(imports.filter((s) => peers.includes(packageOf(s)))).toEqual([])
    },
    60_000,
  )
})
