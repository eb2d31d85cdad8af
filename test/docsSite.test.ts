// Issue #28: the guides in docs/ build as a VitePress site (`npm run docs`), dead links failing the build (VitePress's
// own check, left on in docs/.vitepress/config.ts). Built once into a temp folder, as `npm run docs` builds it; the
// build's time is printed. VitePress checks that a linked page exists; the anchors (`server.md#sign-in`) are checked
// here, against the ids of the built pages.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'

const root = resolve(import.meta.dirname, '..')
const pages = readdirSync(join(root, 'docs'))
  .filter((f) => f.endsWith('.md'))
  .map((f) => f.replace(/\.md$/, ''))
let out = ''
let build: { status: number | null; output: string }

beforeAll(() => {
  out = mkdtempSync(join(tmpdir(), 'rmb-docs-'))
  const started = performance.now()
  const run = spawnSync(
    process.execPath,
    [join(root, 'node_modules', 'vitepress', 'bin', 'vitepress.js'), 'build', 'docs', '--outDir', out],
    { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } },
  )
  build = { status: run.status, output: `${run.stdout}${run.stderr}` }
  console.log(`docsSite: vitepress build docs took ${((performance.now() - started) / 1000).toFixed(1)} s`)
}, 180_000)

afterAll(() => {
  if (out) rmSync(out, { recursive: true, force: true })
})

/** The built page of `name` (`index`, `client`, ...). */
const html = (name: string) => readFileSync(join(out, `${name}.html`), 'utf8')

describe('the documentation site (VitePress)', () => {
  test('builds with dead-link checking on, and writes an HTML page per guide', () => {
    expect(build.output).not.toMatch(/dead link/i)
    expect(build.status, build.output).toBe(0)
    expect(pages).toEqual(expect.arrayContaining(['index', 'client', 'server', 'errors', 'styling', 'typescript']))
    expect(pages.filter((p) => !existsSync(join(out, `${p}.html`)))).toEqual([])
  })

  test("every guide is in every page's sidebar", () => {
    const guides = pages.filter((p) => p !== 'index')
    for (const page of pages) {
      const links = new Set([...html(page).matchAll(/<a class="VPLink link[^"]*" href="\/([^"#]*)"/g)].map((m) => m[1]))
      expect(
        guides.filter((g) => !links.has(g)),
        page,
      ).toEqual([])
    }
  })

  test('every link to a heading of a guide lands on a heading that exists', () => {
    const ids = new Map(pages.map((p) => [p, new Set([...html(p).matchAll(/ id="([^"]+)"/g)].map((m) => m[1]!))]))
    const broken: string[] = []
    for (const page of pages)
      for (const [, href = '', target = '', hash = ''] of html(page).matchAll(/href="((?:\.?\/)?([\w-]*))#([^"]+)"/g)) {
        // `#id` is this page; `./#id` (or `/#id`) is the home page.
        const name = href === '' ? page : target || 'index'
        if (!ids.get(name)?.has(decodeURIComponent(hash))) broken.push(`${page}: ${href}#${hash}`)
      }
    expect(broken).toEqual([])
  })

  test('the home page carries the README Quick start, and the styling page its pictures', () => {
    expect(html('index')).toContain('Not on npm yet')
    expect(html('index')).toContain('WalletBackupProvider')
    const pictures = readFileSync(join(root, 'docs', 'styling.md'), 'utf8').match(/!\[[^\]]*\]\(screenshots\//g)
    expect(pictures?.length).toBeGreaterThanOrEqual(20)
    expect(html('styling').match(/<img /g)?.length).toBe(pictures?.length)
  })
})
