// CONTRIBUTING.md's layer rules and "no import cycle", checked on the real import graph: every import, export-from,
// `import()` and `import('…').T` of `src/**/*.{ts,tsx}` (tests excluded), resolved by the TypeScript compiler under
// the repository's tsconfig. Type-only imports count: a circle of type imports is still a circle a reader must walk,
// and the published `.d.ts` files keep them.
import { relative, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('..', import.meta.url))
const rel = (file: string) => relative(root, file).split(sep).join('/')

type Layer = 'entry' | 'core' | 'hooks' | 'components' | 'adapters' | 'locales' | 'server' | 'testing'

/** Which layers each layer may import (its own included), and the rule as CONTRIBUTING.md states it. */
const layerRules: Record<Layer, { mayImport: readonly Layer[]; rule: string }> = {
  entry: {
    mayImport: ['core', 'hooks', 'components', 'adapters'],
    rule: 'the client entry (src/index.ts) exports core, hooks, components and adapters; it never reaches src/server or src/testing',
  },
  core: {
    mayImport: ['core'],
    rule: 'src/core (its entry src/core/index.ts, `react-mpc-backup/core`, included) is the bottom layer: it imports nothing from hooks, components, adapters, server or testing',
  },
  hooks: { mayImport: ['hooks', 'core'], rule: 'src/hooks import only core (and React libraries)' },
  components: { mayImport: ['components', 'hooks', 'core'], rule: 'src/components import only hooks and core' },
  adapters: { mayImport: ['adapters', 'core'], rule: 'src/adapters import only core' },
  locales: {
    mayImport: ['locales', 'components', 'core'],
    rule: "src/locales (the locale packs, `react-mpc-backup/locales/<lang>`) import only types from components and core, the packs' own text helper (erasedParts), and the English pack the English label modules",
  },
  server: {
    mayImport: ['server', 'core'],
    rule: 'src/server (Node only) imports only core (the wire contract, e.g. serverErrorCodes); never testing or the React layers',
  },
  testing: {
    mayImport: ['testing', 'core'],
    rule: 'src/testing (the emulators) imports only core; never server or the React layers',
  },
}

const coreNoReact =
  "src/core imports no React: not react, react-dom, @react-oauth/google, nor @tanstack/react-query's React parts " +
  '(only names @tanstack/query-core declares)'
const reactPackages = /^(react|react-dom|@react-oauth\/google)(\/|$)/
const reactQuery = /^@tanstack\/react-query(\/|$)/

function layerOf(file: string): Layer | undefined {
  if (file === 'src/index.ts') return 'entry'
  // The core entry (`react-mpc-backup/core`) is core layer: framework-free, it may only reach src/core.
  if (file === 'src/core/index.ts') return 'core'
  const folder = /^src\/([^/]+)\//.exec(file)?.[1]
  return folder !== undefined && folder in layerRules && folder !== 'entry' ? (folder as Layer) : undefined
}

type Edge = {
  from: string
  line: number
  /** The import as written, on one line. */
  text: string
  specifier: string
  /** The repository file it resolves to, when it is one of ours. */
  to: string | undefined
  /** For a package import: named imports that are not declared in @tanstack/query-core (or `*` for all of it). */
  notQueryCore: string[]
}

function buildGraph() {
  const configPath = ts.findConfigFile(root, ts.sys.fileExists, 'tsconfig.json')
  if (configPath === undefined) throw new Error('tsconfig.json not found')
  const config = ts.getParsedCommandLineOfConfigFile(
    configPath,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'))
      },
    },
  )
  if (config === undefined) throw new Error('tsconfig.json could not be read')
  const files = ts.sys
    .readDirectory(`${root}src`, ['.ts', '.tsx'])
    .filter((f) => !/\.test(-d)?\.tsx?$|\.d\.ts$/.test(f))
    .sort()
  const program = ts.createProgram({ rootNames: files, options: config.options })
  const checker = program.getTypeChecker()
  const resolutionCache = ts.createModuleResolutionCache(root, (name) => name, config.options)
  const ours = new Set(files.map(rel))

  const edges: Edge[] = []
  for (const file of files) {
    const source = program.getSourceFile(file)
    if (source === undefined) throw new Error(`${rel(file)}: not in the program`)
    const visit = (node: ts.Node): void => {
      let specifier: ts.StringLiteralLike | undefined
      let statement: ts.Node = node
      if (
        (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
        node.moduleSpecifier !== undefined &&
        ts.isStringLiteralLike(node.moduleSpecifier)
      )
        specifier = node.moduleSpecifier
      else if (
        ts.isImportEqualsDeclaration(node) &&
        ts.isExternalModuleReference(node.moduleReference) &&
        ts.isStringLiteralLike(node.moduleReference.expression)
      )
        specifier = node.moduleReference.expression
      else if (
        ts.isCallExpression(node) &&
        node.expression.kind === ts.SyntaxKind.ImportKeyword &&
        node.arguments[0] !== undefined &&
        ts.isStringLiteralLike(node.arguments[0])
      )
        specifier = node.arguments[0]
      else if (
        ts.isImportTypeNode(node) &&
        ts.isLiteralTypeNode(node.argument) &&
        ts.isStringLiteralLike(node.argument.literal)
      )
        specifier = node.argument.literal
      if (specifier !== undefined) {
        if (ts.isCallExpression(node) || ts.isImportTypeNode(node)) {
          while (statement.parent !== undefined && !ts.isSourceFile(statement.parent)) statement = statement.parent
        }
        const resolved = ts.resolveModuleName(
          specifier.text,
          file,
          config.options,
          ts.sys,
          resolutionCache,
        ).resolvedModule
        const target =
          resolved === undefined || resolved.isExternalLibraryImport ? undefined : rel(resolved.resolvedFileName)
        if (specifier.text.startsWith('.') && (target === undefined || !ours.has(target)))
          throw new Error(
            `${rel(file)}: '${specifier.text}' does not resolve to a file of src/ (import graph incomplete)`,
          )
        edges.push({
          from: rel(file),
          line: source.getLineAndCharacterOfPosition(specifier.getStart(source)).line + 1,
          text: (ts.isImportTypeNode(node) || ts.isCallExpression(node) ? node : statement)
            .getText(source)
            .replace(/\s+/g, ' ')
            .slice(0, 160),
          specifier: specifier.text,
          to: target !== undefined && ours.has(target) ? target : undefined,
          notQueryCore: reactQuery.test(specifier.text) ? namesOutsideQueryCore(node, checker) : [],
        })
      }
      ts.forEachChild(node, visit)
    }
    visit(source)
  }
  return { files: [...ours], edges }
}

/** The names an import of @tanstack/react-query takes that are React's part of it (not declared in query-core). */
function namesOutsideQueryCore(node: ts.Node, checker: ts.TypeChecker): string[] {
  const fromQueryCore = (name: ts.ModuleExportName) => {
    const symbol = checker.getSymbolAtLocation(name)
    if (symbol === undefined) return false
    const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol
    const declarations = target.declarations ?? []
    return (
      declarations.length > 0 &&
      declarations.every((d) => d.getSourceFile().fileName.replace(/\\/g, '/').includes('/@tanstack/query-core/'))
    )
  }
  if (ts.isImportDeclaration(node)) {
    const clause = node.importClause
    if (clause === undefined || clause.name !== undefined) return ['*']
    const bindings = clause.namedBindings
    if (bindings === undefined || ts.isNamespaceImport(bindings)) return ['*']
    return bindings.elements.filter((e) => !fromQueryCore(e.propertyName ?? e.name)).map((e) => e.name.text)
  }
  if (ts.isExportDeclaration(node) && node.exportClause !== undefined && ts.isNamedExports(node.exportClause))
    return node.exportClause.elements.filter((e) => !fromQueryCore(e.propertyName ?? e.name)).map((e) => e.name.text)
  return ['*']
}

/** One shortest cycle through each file that is on a cycle, each listed once, starting at its first file by name. */
function findCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const seen = new Set<string>()
  const cycles: string[][] = []
  for (const start of [...graph.keys()].sort()) {
    const previous = new Map<string, string>()
    const queue = [start]
    let closing: string | undefined
    for (let i = 0; i < queue.length && closing === undefined; i++) {
      const node = queue[i] as string
      for (const next of graph.get(node) ?? []) {
        if (next === start) {
          closing = node
          break
        }
        if (!previous.has(next)) {
          previous.set(next, node)
          queue.push(next)
        }
      }
    }
    if (closing === undefined) continue
    const path = [closing]
    while (path[0] !== start) path.unshift(previous.get(path[0] as string) as string)
    const first = path.indexOf([...path].sort()[0] as string)
    const cycle = [...path.slice(first), ...path.slice(0, first)]
    const key = cycle.join(' -> ')
    if (!seen.has(key)) {
      seen.add(key)
      cycles.push(cycle)
    }
  }
  return cycles
}

const { files, edges } = buildGraph()
const internal = edges.filter((e) => e.to !== undefined)
const graph = new Map<string, string[]>(files.map((f) => [f, []]))
for (const e of internal) {
  const targets = graph.get(e.from) as string[]
  if (!targets.includes(e.to as string)) targets.push(e.to as string)
}
const describeEdge = (e: Edge) => `${e.from}:${e.line}  ${e.text}${e.to === undefined ? '' : `  (-> ${e.to})`}`

function fail(title: string, problems: string[]) {
  if (problems.length > 0) throw new Error(`${title} (${problems.length}):\n\n${problems.join('\n\n')}\n`)
}

describe('import graph of src/ (CONTRIBUTING.md: layers)', () => {
  it('reads the whole graph', () => {
    // A walker that found nothing would pass every rule below.
    expect(files.length).toBeGreaterThan(100)
    expect(internal.length).toBeGreaterThan(200)
    expect(files.every((f) => graph.has(f))).toBe(true)
  })

  it('has no import cycle (type-only imports included)', () => {
    fail(
      'Import cycles; move the shared declarations into a module both sides import',
      findCycles(graph).map((cycle) =>
        cycle
          .map((from, i) => {
            const to = cycle[(i + 1) % cycle.length]
            const e = internal.find((edge) => edge.from === from && edge.to === to) as Edge
            return `${describeEdge(e)}`
          })
          .join('\n'),
      ),
    )
  })

  it('puts every file in a layer', () => {
    fail(
      `Files outside the layers (${Object.keys(layerRules).join(', ')}); give the folder its rule in this test`,
      files.filter((f) => layerOf(f) === undefined),
    )
  })

  it('imports only go down the layers', () => {
    const problems: string[] = []
    for (const e of internal) {
      const from = layerOf(e.from)
      const to = layerOf(e.to as string)
      if (from === undefined || to === undefined) continue
      if (!layerRules[from].mayImport.includes(to))
        problems.push(`${describeEdge(e)}\n    breaks: ${layerRules[from].rule}`)
    }
    fail('Imports that break the layer rules', problems)
  })

  it("a locale pack imports only types (and the packs' type-only helper), and the English one the data-only English label modules: it bundles nothing else", () => {
    const englishLabels = /^src\/components\/(default[A-Za-z]+Labels|notReadyLabels)\.ts$/
    const packHelper = 'src/locales/shared/erasedParts.ts'
    const packs = files.filter((f) => layerOf(f) === 'locales')
    expect(packs.length).toBeGreaterThanOrEqual(7)
    const problems = edges
      .filter((e) => layerOf(e.from) === 'locales')
      .filter((e) => !/^(import|export) type /.test(e.text))
      .filter((e) => !(e.from === 'src/locales/en.ts' && e.to !== undefined && englishLabels.test(e.to)))
      .filter((e) => e.to !== packHelper)
      .map((e) => `${describeEdge(e)}\n    breaks: ${layerRules.locales.rule}`)
    // The packs' shared helper (which parts an erase already did) imports only types: a pack is still its strings.
    expect(files).toContain(packHelper)
    for (const e of edges.filter((edge) => edge.from === packHelper))
      if (!/^(import|export) type /.test(e.text))
        problems.push(`${describeEdge(e)}\n    breaks: the packs' helper imports only types`)
    // The English label modules themselves import only types (and each other), so the English pack is its strings.
    const labelModules = files.filter((f) => englishLabels.test(f))
    expect(labelModules.length).toBe(5)
    for (const e of edges.filter((edge) => labelModules.includes(edge.from)))
      if (!/^(import|export) type /.test(e.text) && !(e.to !== undefined && englishLabels.test(e.to)))
        problems.push(`${describeEdge(e)}\n    breaks: an English label module holds data only`)
    fail('Runtime imports that a locale pack would bundle', problems)
  })

  it('src/core imports no React', () => {
    const problems = edges
      .filter((e) => layerOf(e.from) === 'core' && e.to === undefined)
      .filter((e) => reactPackages.test(e.specifier) || e.notQueryCore.length > 0)
      .map(
        (e) =>
          `${describeEdge(e)}${e.notQueryCore.length > 0 ? `\n    React parts: ${e.notQueryCore.join(', ')}` : ''}\n    breaks: ${coreNoReact}`,
      )
    fail('React imports in src/core', problems)
  })

  it('the client entry never reaches src/server or src/testing, even through type imports', () => {
    const via = new Map<string, Edge>()
    const queue = ['src/index.ts']
    for (let i = 0; i < queue.length; i++) {
      for (const e of internal.filter((edge) => edge.from === queue[i])) {
        if (e.to !== undefined && e.to !== 'src/index.ts' && !via.has(e.to)) {
          via.set(e.to, e)
          queue.push(e.to)
        }
      }
    }
    expect(via.size).toBeGreaterThan(20)
    const outside = (f: string) => f.startsWith('src/server/') || f.startsWith('src/testing/')
    const reached = [...via.keys()].filter(outside)
    // Name where the client steps over; the files behind that step are only counted.
    const problems = reached
      .filter((f) => !outside((via.get(f) as Edge).from))
      .map((f) => {
        const chain: Edge[] = []
        for (let at = f; at !== 'src/index.ts'; at = (via.get(at) as Edge).from) chain.unshift(via.get(at) as Edge)
        return `${f}, reached by:\n${chain.map((e) => `  ${describeEdge(e)}`).join('\n')}\n    breaks: ${layerRules.entry.rule}`
      })
    fail(`The client entry reaches ${reached.length} files of src/server or src/testing, entering at`, problems)
  })

  it('the core entry (react-mpc-backup/core) reaches only src/core and no React package', () => {
    const reached = new Set(['src/core/index.ts'])
    const queue = ['src/core/index.ts']
    const packages = new Set<string>()
    for (let i = 0; i < queue.length; i++)
      for (const e of edges.filter((edge) => edge.from === queue[i])) {
        if (e.to === undefined) packages.add(e.specifier)
        else if (!reached.has(e.to)) {
          reached.add(e.to)
          queue.push(e.to)
        }
      }
    expect(reached.size).toBeGreaterThan(5)
    expect([...reached].filter((f) => !f.startsWith('src/core/'))).toEqual([])
    expect([...packages].filter((p) => reactPackages.test(p) || reactQuery.test(p))).toEqual([])
  })

  it('findCycles names each cycle once, from its first file', () => {
    const sample = new Map([
      ['b', ['c']],
      ['c', ['a', 'd']],
      ['a', ['b']],
      ['d', ['d']],
      ['e', ['a']],
    ])
    expect(findCycles(sample)).toEqual([['a', 'b', 'c'], ['d']])
  })
})
