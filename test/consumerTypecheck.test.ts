// A new user's app: a fresh strict Vite-style tsconfig (create-vite react-ts: verbatimModuleSyntax,
// erasableSyntaxOnly, skipLibCheck) with the README's Quick start file, the kit as packed (built once into a temp
// folder) and the real @portal-hq/web 3.4.1 installed. The SDK's own sources cannot pass that tsconfig (checked
// here, so the note is dropped the day they do); the workaround documented in docs/typescript.md must pass, and under
// a lenient tsconfig where the SDK's sources do compile, the real `Portal` must fit the kit's `PortalLike`.
import { execFile } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import ts from 'typescript'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'

const run = promisify(execFile)
const root = resolve(import.meta.dirname, '..')
let work = ''

/** The first fenced block of `lang` after `heading` in `file` (the README or a guide). */
function block(lang: string, after: string, file = 'README.md'): string {
  const text = readFileSync(join(root, file), 'utf8')
  const from = text.indexOf(after)
  expect(from, `${file} has "${after}"`).toBeGreaterThan(-1)
  const open = text.indexOf(`\`\`\`${lang}\n`, from)
  return text.slice(open + lang.length + 4, text.indexOf('```\n', open + lang.length + 4))
}

const viteTsconfig = (extra: Record<string, unknown> = {}, include = ['src']) => ({
  compilerOptions: {
    target: 'ES2022',
    useDefineForClassFields: true,
    lib: ['ES2022', 'DOM', 'DOM.Iterable'],
    module: 'ESNext',
    types: ['vite/client'],
    skipLibCheck: true,
    moduleResolution: 'bundler',
    allowImportingTsExtensions: true,
    verbatimModuleSyntax: true,
    moduleDetection: 'force',
    noEmit: true,
    jsx: 'react-jsx',
    strict: true,
    noUnusedLocals: true,
    noUnusedParameters: true,
    erasableSyntaxOnly: true,
    noFallthroughCasesInSwitch: true,
    noUncheckedSideEffectImports: true,
    ...extra,
  },
  include,
})

/** An app folder whose node_modules holds the packed kit and everything else this repository has installed. */
function app(name: string, files: Record<string, string>): string {
  const dir = join(work, name)
  mkdirSync(join(dir, 'node_modules'), { recursive: true })
  for (const entry of readdirSync(join(root, 'node_modules')))
    if (entry !== 'react-mpc-backup' && entry !== '.cache')
      symlinkSync(join(root, 'node_modules', entry), join(dir, 'node_modules', entry))
  // A copy, as npm installs it: the kit's own imports (react, @tanstack/react-query) resolve from the app's modules.
  cpSync(join(work, 'pkg'), join(dir, 'node_modules', 'react-mpc-backup'), { recursive: true })
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(join(dir, file, '..'), { recursive: true })
    writeFileSync(join(dir, file), text)
  }
  return dir
}

async function tsc(dir: string): Promise<{ code: number; output: string }> {
  try {
    const { stdout } = await run(join(root, 'node_modules', '.bin', 'tsc'), ['-p', join(dir, 'tsconfig.json')], {
      cwd: dir,
    })
    return { code: 0, output: stdout }
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string }
    return { code: typeof err.code === 'number' ? err.code : 1, output: `${err.stdout ?? ''}${err.stderr ?? ''}` }
  }
}

/** tsc finds nothing to say about the app in `dir`. */
async function expectCompiles(dir: string): Promise<void> {
  const { code, output } = await tsc(dir)
  expect(output).toBe('')
  expect(code).toBe(0)
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'rmb-consumer-'))
  const pkg = join(work, 'pkg')
  // The client half of `npm run build` (the types users get), aimed at the temp folder.
  await run(
    join(root, 'node_modules', '.bin', 'vite'),
    ['build', '--outDir', join(pkg, 'dist'), '--emptyOutDir', '--logLevel', 'error'],
    { cwd: root },
  )
  // The server half, as `npm run build` makes it.
  await run(join(root, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.server.json', '--outDir', join(pkg, 'dist')], {
    cwd: root,
  })
  cpSync(join(root, 'package.json'), join(pkg, 'package.json'))
}, 240_000)

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true })
})

describe('a fresh Vite + React app type-checks the README Quick start against the real @portal-hq/web 3.4.1', () => {
  const quickStart = () => block('tsx', '## Quick start')

  test("without the workaround, the SDK's own .ts sources fail the Vite tsconfig, and nothing else does", async () => {
    const dir = app('plain', {
      'tsconfig.json': JSON.stringify(viteTsconfig()),
      'src/BackupSettings.tsx': quickStart(),
    })
    const { code, output } = await tsc(dir)
    expect(code).not.toBe(0)
    const errors = output.split('\n').filter((l) => /error TS\d+/.test(l))
    expect(errors.length).toBeGreaterThan(0)
    for (const line of errors) expect(line).toMatch(/node_modules\/@portal-hq\/web\/src\/.*error TS(1484|1294)/)
  }, 120_000)

  test("with docs/typescript.md's workaround (paths + declaration), tsc passes", async () => {
    const guide = ['## The `@portal-hq/web` declaration', 'docs/typescript.md'] as const
    const paths = JSON.parse(`{${block('jsonc', ...guide).replace(/^\/\/.*\n/gm, '')}}`) as {
      paths: Record<string, string[]>
    }
    const dir = app('workaround', {
      'tsconfig.json': JSON.stringify(viteTsconfig({ paths: paths.paths }, ['src', 'types'])),
      'src/BackupSettings.tsx': quickStart(),
      'types/portal-hq-web.d.ts': block('ts', ...guide),
    })
    await expectCompiles(dir)
  }, 120_000)

  test("where the SDK's sources compile (no verbatimModuleSyntax / erasableSyntaxOnly), the real Portal fits PortalLike", async () => {
    const lenient = viteTsconfig({ verbatimModuleSyntax: false, erasableSyntaxOnly: false })
    const dir = app('lenient', {
      'tsconfig.json': JSON.stringify(lenient),
      'src/BackupSettings.tsx': quickStart(),
      'src/fits.ts': [
        "import Portal from '@portal-hq/web'",
        "import type { PortalLike } from 'react-mpc-backup'",
        "export const fits: PortalLike = new Portal({ rpcConfig: {}, apiKey: 'k' })",
        'export const clientId = (p: Portal) => p.getClient().then((c) => c.id satisfies string)',
        '',
      ].join('\n'),
    })
    await expectCompiles(dir)
  }, 120_000)
})

/** A browser app as strict as they come: its own libraries checked too (`skipLibCheck: false`), no @types/node. */
const browserTsconfig = (extra: Record<string, unknown> = {}) => ({
  compilerOptions: {
    target: 'ES2022',
    lib: ['ES2022', 'DOM', 'DOM.Iterable'],
    module: 'ESNext',
    moduleResolution: 'bundler',
    types: [],
    skipLibCheck: false,
    strict: true,
    verbatimModuleSyntax: true,
    noEmit: true,
    jsx: 'react-jsx',
    ...extra,
  },
  include: ['src'],
})

/** Every type of the client, core and testing entries, and a component tree using the hooks and components. */
const browserFiles = {
  'src/entries.ts': [
    "import type * as Client from 'react-mpc-backup'",
    "import type * as Core from 'react-mpc-backup/core'",
    "import type * as Testing from 'react-mpc-backup/testing'",
    'export type Entries = [typeof Client, typeof Core, typeof Testing]',
    '',
  ].join('\n'),
  'src/App.tsx': [
    "import { createRef } from 'react'",
    "import { BackupButton, BackupStatus, RecoverButton, useBackupStatus, useWalletBackup } from 'react-mpc-backup'",
    '',
    'export function App() {',
    '  const flow = useWalletBackup({ onError: (error) => console.log(error.code) })',
    '  const status = useBackupStatus({ query: { staleTime: 0 } })',
    '  const ref = createRef<HTMLButtonElement>()',
    '  return (',
    '    <>',
    '      <button type="button" onClick={() => flow.mutate()}>{flow.step}</button>',
    '      <BackupButton ref={ref} aria-describedby="hint" />',
    '      <RecoverButton asChild><a href="#r">Recover</a></RecoverButton>',
    '      <BackupStatus className="status">{(s) => s?.state ?? status.error?.code}</BackupStatus>',
    '    </>',
    '  )',
    '}',
    '',
  ].join('\n'),
}

describe("every public entry's types check in a strict app that checks its libraries (skipLibCheck: false)", () => {
  test('a browser app without @types/node (React 19 types) imports the client, core and testing entries', async () => {
    const dir = app('browser', { 'tsconfig.json': JSON.stringify(browserTsconfig()), ...browserFiles })
    await expectCompiles(dir)
  }, 120_000)

  test('the same app under @types/react 18', async () => {
    const react18 = join(root, 'node_modules', '@types', 'react-18')
    const dir = app('browser-react18', {
      'tsconfig.json': JSON.stringify(
        browserTsconfig({ paths: { react: [join(react18, 'index.d.ts')], 'react/*': [join(react18, '*')] } }),
      ),
      ...browserFiles,
      // Proof the mapping took: `VFC` is in @types/react 18 and gone from 19.
      'src/isReact18.ts': "import type { VFC } from 'react'\nexport type Proof = VFC\n",
    })
    await expectCompiles(dir)
  }, 120_000)

  test('a Node app with @types/node imports react-mpc-backup/server', async () => {
    const dir = app('node-server', {
      'package.json': JSON.stringify({ type: 'module' }),
      'tsconfig.json': JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          lib: ['ES2023'],
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          types: ['node'],
          skipLibCheck: false,
          strict: true,
          verbatimModuleSyntax: true,
          noEmit: true,
        },
        include: ['src'],
      }),
      'src/server.ts': [
        "import type * as Server from 'react-mpc-backup/server'",
        "import { createBackupRouter, type ServerErrorCode } from 'react-mpc-backup/server'",
        'export type Entry = typeof Server',
        "export const notFound: ServerErrorCode = 'backup_not_found'",
        'export const make = createBackupRouter',
        '',
      ].join('\n'),
    })
    await expectCompiles(dir)
  }, 120_000)

  test("no declaration file of the client or testing entry names Node's types", () => {
    const dist = join(work, 'pkg', 'dist')
    const declarations = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory()
          ? e.name === 'server'
            ? []
            : declarations(join(dir, e.name))
          : e.name.endsWith('.d.ts')
            ? [join(dir, e.name)]
            : [],
      )
    const files = declarations(dist)
    expect(files.length).toBeGreaterThan(20)
    const naming = files.filter((f) => /\bNodeJS\b|types="node"|from 'node:/.test(readFileSync(f, 'utf8')))
    expect(naming.map((f) => f.slice(dist.length + 1))).toEqual([])
  })
})

describe('every type a public declaration names is exported by its entry', () => {
  /**
   * Walks the built declarations from each entry's exports: every type a public signature refers to that is declared
   * in the kit must itself be exported by the entry or by its companion (each name has one entry: the client entry's
   * types name the share API client's, which `react-mpc-backup/core` exports, and the core's name the client's
   * errors), or an app cannot name it (annotate a variable, wrap a hook).
   */
  const companion: Record<string, string> = {
    'index.d.ts': 'core/index.d.ts',
    'core/index.d.ts': 'index.d.ts',
    'testing/index.d.ts': 'core/index.d.ts',
    'server/index.d.ts': 'core/index.d.ts',
  }
  function unexported(entry: string): string[] {
    const dist = join(work, 'pkg', 'dist')
    const file = join(dist, entry)
    const other = join(dist, companion[entry]!)
    const program = ts.createProgram([file, other], { noEmit: true, types: [], skipLibCheck: true, strict: true })
    const checker = program.getTypeChecker()
    const resolve = (s: ts.Symbol) => (s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s)
    const exportsOf = (f: string) =>
      checker.getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(f)!)!).map(resolve)
    const exported = new Set([...exportsOf(file), ...exportsOf(other)])
    const missing = new Set<string>()
    const seen = new Set<ts.Symbol>()
    const queue = exportsOf(file)
    while (queue.length) {
      const symbol = queue.pop()!
      if (seen.has(symbol)) continue
      seen.add(symbol)
      for (const declaration of symbol.declarations ?? []) {
        const visit = (node: ts.Node): void => {
          const name = ts.isTypeReferenceNode(node)
            ? node.typeName
            : ts.isExpressionWithTypeArguments(node)
              ? node.expression
              : ts.isTypeQueryNode(node)
                ? node.exprName
                : undefined
          const target = name && checker.getSymbolAtLocation(name)
          if (target) {
            const resolved = resolve(target)
            const where = resolved.declarations?.[0]
            if (where?.getSourceFile().fileName.startsWith(dist) && !ts.isTypeParameterDeclaration(where)) {
              // Only types must be nameable: a `typeof` of a value (and the `X_base` consts the emitter writes for
              // class heritage) is walked for the types it names, not required itself.
              const isType = resolved.flags & (ts.SymbolFlags.Type & ~ts.SymbolFlags.TypeParameter)
              if (isType && !exported.has(resolved))
                missing.add(`${resolved.name} (${where.getSourceFile().fileName.slice(dist.length + 1)})`)
              queue.push(resolved)
            }
          }
          // Private class members are not part of the API.
          if (ts.canHaveModifiers(node) && ts.getModifiers(node)?.some((m) => m.kind === ts.SyntaxKind.PrivateKeyword))
            return
          ts.forEachChild(node, visit)
        }
        visit(declaration)
      }
    }
    return [...missing].sort()
  }

  test.each(Object.keys(companion))('%s', (entry) => {
    expect(unexported(entry)).toEqual([])
  })
})
