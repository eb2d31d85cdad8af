import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, test } from 'vitest'

const root = fileURLToPath(new URL('..', import.meta.url))
const read = (file: string) => readFileSync(join(root, file), 'utf8')
const readme = read('README.md')
/** The guides: every Markdown page of docs/ (the site's home, docs/index.md, aside). */
const guides = readdirSync(join(root, 'docs'))
  .filter((f) => f.endsWith('.md') && f !== 'index.md')
  .map((f) => `docs/${f}`)

/** The text of the `## title` section of a Markdown file, up to the next `## ` heading. */
function section(text: string, title: string): string {
  const start = text.indexOf(`\n## ${title}\n`)
  expect(start, `"## ${title}"`).toBeGreaterThan(-1)
  const end = text.indexOf('\n## ', start + 1)
  return text.slice(start, end === -1 ? undefined : end)
}

/** Every Markdown link and picture target of a text (`[text](target)`, `![alt](target)`), fences left out. */
const linkTargets = (text: string) =>
  [...text.replace(/```[\s\S]*?```/g, '').matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!)

describe('README: the front door', () => {
  test('starts with one line of what it is, then the two commands', () => {
    const [title, , line, , fence, first, second] = readme.split('\n')
    expect(title).toBe('# react-mpc-backup')
    expect(line).toMatch(/MPC wallet/)
    expect(fence).toBe('```sh')
    expect(first).toMatch(/^npm install && npm start/)
    expect(second).toMatch(/^npm test/)
  })

  test('is at most 200 lines, its Quick start at most 30 lines of code', () => {
    expect(readme.split('\n').length).toBeLessThanOrEqual(200)
    // Every line inside a fence, blank ones included.
    const code = [...section(readme, 'Quick start').matchAll(/```\w*\n([\s\S]*?)```/g)].flatMap((m) =>
      m[1]!.split('\n').slice(0, -1),
    )
    expect(code.length).toBeGreaterThan(10)
    expect(code.length).toBeLessThanOrEqual(30)
  })

  test('has the sections issue #28 asks for: what and why, try it, quick start, the flow, key custody, guides', () => {
    const headings = [...readme.matchAll(/^## (.+)$/gm)].map((m) => m[1]!)
    expect(headings).toEqual([
      'What it is, and why',
      'Try it',
      'Quick start',
      'The flow in four steps',
      'Choosing key custody',
      'Guides',
    ])
    expect(section(readme, 'The flow in four steps')).toMatch(/\n1\. [\s\S]*\n2\. [\s\S]*\n3\. [\s\S]*\n4\. /)
  })

  test('links every guide in docs/ (one click from the README)', () => {
    expect(guides.length).toBeGreaterThanOrEqual(10)
    const targets = new Set(linkTargets(readme).map((t) => t.replace(/#.*/, '')))
    expect(guides.filter((g) => !targets.has(g))).toEqual([])
  })

  test('every link of the README and the guides to a file of this repository resolves', () => {
    const broken: string[] = []
    for (const file of ['README.md', ...guides, 'docs/index.md'])
      for (const target of linkTargets(read(file))) {
        if (/^[a-z]+:/i.test(target) || target.startsWith('#')) continue
        const path = resolve(root, dirname(file), target.replace(/#.*/, ''))
        if (!existsSync(path)) broken.push(`${file} -> ${target}`)
        // A guide links only inside docs/: the site has no page for anything else (VitePress: a dead link).
        else if (file !== 'README.md' && relative(join(root, 'docs'), path).startsWith('..'))
          broken.push(`${file} -> ${target} (outside docs/)`)
      }
    expect(broken).toEqual([])
  })
})

describe('the guides', () => {
  test('the testing-kit example in docs/testing.md is exactly the test file that runs in this repository', () => {
    const example = read('test/readme/testingKit.browser.test.tsx')
    expect(read('docs/testing.md')).toContain(`\`\`\`tsx\n${example}\`\`\``)
  })

  test("the @portal-hq/web declaration in docs/typescript.md is exactly the one this repository's tsconfig uses", () => {
    const shim = read('types/portal-hq-web.d.ts')
    expect(read('docs/typescript.md')).toContain(`\`\`\`ts\n${shim}\`\`\``)
  })

  test('docs/errors.md lists every error code the kit exports', async () => {
    const errors = await import('../src/core/errors/errors.js')
    const codes = Object.values(errors)
      .map((v) => (v as { code?: unknown }).code)
      .filter((c): c is string => typeof c === 'string')
    expect(codes.length).toBeGreaterThan(15)
    const page = read('docs/errors.md')
    for (const code of codes) expect(page).toContain(`\`${code}\``)
  })
})

describe('docs/styling.md', () => {
  const styling = read('docs/styling.md')
  const css = read('src/styles.css')
  const block = (selector: string) => {
    const body = css.slice(css.indexOf(selector)).match(/\{([^}]*)\}/)![1]!
    return Object.fromEntries([...body.matchAll(/(--rmb-[\w-]+):\s*([^;]+);/g)].map((m) => [m[1]!, m[2]!.trim()]))
  }
  const light = block(":root,\n[data-rmb-theme='light']")
  const dark = block("[data-rmb-theme='dark'] {")

  test('the variables table has every --rmb-* variable with its light and dark values', () => {
    expect(Object.keys(light).length).toBeGreaterThan(10)
    for (const [name, value] of Object.entries(light)) {
      const row = styling.split('\n').find((l) => l.startsWith(`| \`${name}\` |`))
      expect(row, name).toBeDefined()
      if (name === '--rmb-font') continue // abbreviated in the table
      expect(row).toContain(`| \`${value}\` |`)
      if (dark[name]) expect(row).toContain(`| \`${dark[name]}\` |`)
    }
  })

  test('shows the one import line, and every picture it shows is committed', () => {
    expect(styling).toContain("```ts\nimport 'react-mpc-backup/styles.css'\n```")
    const pictures = linkTargets(styling).filter((t) => t.startsWith('screenshots/'))
    expect(pictures.length).toBeGreaterThanOrEqual(20)
    for (const p of pictures) expect(existsSync(join(root, 'docs', p)), p).toBe(true)
  })
})
