// Issue #28: source files a reader can take in. No file under src/ (tests aside) over 400 lines, and no copy-pasted
// code in src/. jscpd (the copy-paste detector wagmi and many others run) over every
// TypeScript source file under src/ (tests aside: a test may spell its cases out), a clone being 10 lines or more
// that are the same token for token (names included). A clone found is named with both places, so the fix is to
// give the shared logic one home.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('..', import.meta.url))
// jscpd 4.2.4 (pinned: 4.2.5 and later pull commander 15, which wants Node 22, outside our engines)'s ESM build
// imports `colors/safe` without an extension, which Node's ESM loader refuses: load its CommonJS build.
const { detectClones } = createRequire(import.meta.url)('jscpd') as typeof import('jscpd')

/** Clones of at least `minLines` lines among `paths` (folders or files), as `a.ts:1-12 ~ b.ts:40-51` strings. */
async function findClones(paths: string[], minLines: number): Promise<string[]> {
  const clones = await detectClones({
    path: paths,
    // jscpd 4.2 keeps a clone only when it spans more than `minLines` lines (a 10-line clone is found with 9, not
    // with 10: seen on the test below), so ask for one less than the issue's "10 lines or more".
    minLines: minLines - 1,
    minTokens: 30,
    format: ['typescript', 'tsx', 'javascript'],
    ignore: ['**/*.test.ts', '**/*.test.tsx', '**/*.test-d.ts', '**/node_modules/**'],
    silent: true,
    reporters: [],
    absolute: true,
  })
  const where = (f: { sourceId: string; start: { line: number }; end: { line: number } }) =>
    `${f.sourceId.replace(root, '')}:${f.start.line}-${f.end.line}`
  return clones.map((c) => `${where(c.duplicationA)} ~ ${where(c.duplicationB)}`)
}

/** Every source file under src/ (tests and declaration files aside), relative to the repository. */
function sourceFiles(): string[] {
  return (readdirSync(`${root}src`, { recursive: true }) as string[])
    .map((f) => `src/${f.split('\\').join('/')}`)
    .filter((f) => /\.(ts|tsx)$/.test(f) && !/\.test(-d)?\.tsx?$|\.d\.ts$/.test(f))
}

describe('file length', () => {
  it('no source file under src/ is over 400 lines', () => {
    const files = sourceFiles()
    expect(files.length).toBeGreaterThan(100)
    const long = files
      .map((f) => `${f}: ${readFileSync(`${root}${f}`, 'utf8').trimEnd().split('\n').length} lines`)
      .filter((line) => Number(line.split(': ')[1]!.split(' ')[0]) > 400)
    expect(long).toEqual([])
  })
})

describe('copy-paste', () => {
  it('the detector sees a clone: 10 lines of a real source file pasted into another file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rmb-clones-'))
    const source = readFileSync(`${root}src/core/clients/createShareApi.ts`, 'utf8').split('\n')
    const start = source.findIndex((l) => l.includes('export function createShareApi'))
    const block = source.slice(start, start + 10).join('\n')
    writeFileSync(join(dir, 'a.ts'), `${block}\n`)
    writeFileSync(join(dir, 'b.ts'), `const before = 1\n${block}\n`)
    expect(await findClones([dir], 10)).toHaveLength(1)
  })

  it('finds no clone of 10 lines or more in src/', { timeout: 120_000 }, async () => {
    expect(await findClones([`${root}src`], 10)).toEqual([])
  })
})
