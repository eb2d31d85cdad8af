// CONTRIBUTING.md's test placement rule, checked: beside the code only Node unit tests of the module they are named
// after; everything that runs a browser (or crosses modules, runs a server or a database) lives in test/, type tests
// in test/types/.
import { readdirSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('..', import.meta.url))
const walk = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : [relative(root, join(dir, e.name))],
  )
const src = walk(join(root, 'src'))
const testsInSrc = src.filter((f) => /\.test(-d)?\.tsx?$/.test(f))

describe('test placement (CONTRIBUTING.md)', () => {
  it('no browser test lives beside the code', () => {
    expect(testsInSrc.filter((f) => /\.browser\.test\./.test(f))).toEqual([])
  })

  it('type tests live in test/types, where the types project looks for them', () => {
    expect(testsInSrc.filter((f) => /\.test-d\.tsx?$/.test(f))).toEqual([])
  })

  it('a test beside the code is named after the module it tests (X.test.ts next to X.ts)', () => {
    const orphans = testsInSrc
      .filter((f) => !/\.browser\.test\./.test(f) && !/\.test-d\./.test(f))
      .filter((f) => {
        const base = f.replace(/\.test\.tsx?$/, '')
        return !src.includes(`${base}.ts`) && !src.includes(`${base}.tsx`)
      })
    expect(orphans).toEqual([])
  })
})
