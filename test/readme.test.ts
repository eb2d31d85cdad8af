import { readFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')

describe('README', () => {
  test("the testing-kit example in the README is exactly the test file that runs in this repository", () => {
    const example = readFileSync(new URL('./readme/testingKit.browser.test.tsx', import.meta.url), 'utf8')
    expect(readme).toContain('```tsx\n' + example + '```')
  })

  test("the @portal-hq/web declaration in the README is exactly the one this repository's tsconfig uses", () => {
    const shim = readFileSync(new URL('../types/portal-hq-web.d.ts', import.meta.url), 'utf8')
    expect(readme).toContain('```ts\n' + shim + '```')
  })

  test('starts with one line of what it is, then the two commands', () => {
    const [title, , line, , fence, first, second] = readme.split('\n')
    expect(title).toBe('# react-mpc-backup')
    expect(line).toMatch(/MPC wallet/)
    expect(fence).toBe('```sh')
    expect(first).toMatch(/^npm install && npm start/)
    expect(second).toMatch(/^npm test/)
  })

  test('lists every error code the kit exports', async () => {
    const errors = await import('../src/core/errors.js')
    const codes = Object.values(errors)
      .map((v) => (v as { code?: unknown }).code)
      .filter((c): c is string => typeof c === 'string')
    expect(codes.length).toBeGreaterThan(15)
    for (const code of codes) expect(readme).toContain(`\`${code}\``)
  })
})
