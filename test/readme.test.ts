import { existsSync, readFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')

describe('README', () => {
  test('the testing-kit example in the README is exactly the test file that runs in this repository', () => {
    const example = readFileSync(new URL('./readme/testingKit.browser.test.tsx', import.meta.url), 'utf8')
    expect(readme).toContain(`\`\`\`tsx\n${example}\`\`\``)
  })

  test("the @portal-hq/web declaration in the README is exactly the one this repository's tsconfig uses", () => {
    const shim = readFileSync(new URL('../types/portal-hq-web.d.ts', import.meta.url), 'utf8')
    expect(readme).toContain(`\`\`\`ts\n${shim}\`\`\``)
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
    const errors = await import('../src/core/errors/errors.js')
    const codes = Object.values(errors)
      .map((v) => (v as { code?: unknown }).code)
      .filter((c): c is string => typeof c === 'string')
    expect(codes.length).toBeGreaterThan(15)
    for (const code of codes) expect(readme).toContain(`\`${code}\``)
  })
})

describe('README: styling', () => {
  const css = readFileSync(new URL('../src/styles.css', import.meta.url), 'utf8')
  const block = (selector: string) => {
    const body = css.slice(css.indexOf(selector)).match(/\{([^}]*)\}/)![1]!
    return Object.fromEntries([...body.matchAll(/(--rmb-[\w-]+):\s*([^;]+);/g)].map((m) => [m[1]!, m[2]!.trim()]))
  }
  const light = block(":root,\n[data-rmb-theme='light']")
  const dark = block("[data-rmb-theme='dark'] {")

  test('the variables table has every --rmb-* variable with its light and dark values', () => {
    expect(Object.keys(light).length).toBeGreaterThan(10)
    for (const [name, value] of Object.entries(light)) {
      const row = readme.split('\n').find((l) => l.startsWith(`| \`${name}\` |`))
      expect(row, name).toBeDefined()
      if (name === '--rmb-font') continue // abbreviated in the table
      expect(row).toContain(`| \`${value}\` |`)
      if (dark[name]) expect(row).toContain(`| \`${dark[name]}\` |`)
    }
  })

  test('shows the one import line, and every picture it shows is committed', () => {
    expect(readme).toContain("```ts\nimport 'react-mpc-backup/styles.css'\n```")
    const pictures = [...readme.matchAll(/\]\((docs\/screenshots\/[^)]+\.png)\)/g)].map((m) => m[1]!)
    expect(pictures.length).toBeGreaterThanOrEqual(20)
    for (const p of pictures) expect(existsSync(new URL(`../${p}`, import.meta.url)), p).toBe(true)
  })
})
