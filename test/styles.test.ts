// react-mpc-backup/styles.css as text: RTL-safe (logical properties only) and keyed only on the kit's own elements.
import { readFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'

const css = readFileSync(new URL('../src/styles.css', import.meta.url), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '')
const declarations = [...css.matchAll(/([\w-]+)\s*:\s*([^;{}]+);/g)].map((m) => ({
  property: m[1]!,
  value: m[2]!.trim(),
}))
const selectors = [...css.matchAll(/([^{}]+)\{/g)]
  .map((m) => m[1]!.trim())
  .filter((s) => !s.startsWith('@') && !/^(to|from|\d+%)$/.test(s))

describe('styles.css', () => {
  test('uses logical properties only: nothing that would sit on the wrong side in a right-to-left page', () => {
    expect(declarations.length).toBeGreaterThan(50)
    const physical =
      /^(left|right|top|bottom|width|height|min-width|max-width|min-height|max-height|float|clear)$|-(left|right|top|bottom)(-|$)/
    expect(declarations.filter((d) => physical.test(d.property)).map((d) => d.property)).toEqual([])
    expect(
      declarations.filter((d) => /^(text-align|float|clear)$/.test(d.property) && /left|right/.test(d.value)),
    ).toEqual([])
    // Shorthands with per-side values would be physical too; only one-value shorthands are allowed.
    const sided = declarations.filter((d) =>
      /^(margin|padding|border-width|border-color|border-style|inset)$/.test(d.property),
    )
    expect(sided.filter((d) => d.value.replace(/\s*!important/, '').split(/\s+/).length > 1)).toEqual([])
  })

  test('every rule is scoped to the kit: its data-rmb elements, or the theme variables on :root / data-rmb-theme', () => {
    expect(selectors.length).toBeGreaterThan(10)
    const scoped = (s: string) =>
      s
        .replace(/\([^)]*\)/g, '()')
        .split(',')
        .every((part) => /\[data-rmb|^\s*:root/.test(part))
    expect(selectors.filter((s) => !scoped(s))).toEqual([])
  })
})
