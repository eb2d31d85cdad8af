// The client stops growing (issue #28): what an app ships for each path, measured as bench/size.mjs does (esbuild
// bundle + minify of the built package, peers external, gzip -9), must stay under its ceiling.
import { rmSync } from 'node:fs'
import { dirname } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { builtClient, CEILINGS, GOALS, measure, PATHS } from '../bench/sizeMeasure.mjs'

let dist = ''
let fresh = false

beforeAll(async () => {
  ;({ dist, fresh } = await builtClient())
}, 240_000)

afterAll(() => {
  if (fresh) rmSync(dirname(dist), { recursive: true, force: true })
})

describe('the client bundle size (min + gzip -9, esbuild, peers external)', () => {
  test.each(Object.keys(PATHS) as (keyof typeof PATHS)[])('the %s path stays within its ceiling', async (path) => {
    const { bytes, byModule } = await measure(PATHS[path], { dist })
    const top = byModule
      .slice(0, 8)
      .map((m) => `${m.name} ${m.bytes}`)
      .join(', ')
    console.log(
      `size.${path} ${bytes} B of ${CEILINGS[path]} B (goal ${GOALS[path]} B = ${(bytes / GOALS[path]).toFixed(2)} x) (${PATHS[path].join(' + ')}); largest: ${top}`,
    )
    expect(bytes, `${path}: ${bytes} B > ${CEILINGS[path]} B; largest modules (B gz): ${top}`).toBeLessThanOrEqual(
      CEILINGS[path],
    )
  })

  // The measure can fail: the whole entry is far above either ceiling, and what a path does not import is left out.
  test('the measure sees what a path imports and only that', async () => {
    const all = await measure('*', { dist })
    const hook = await measure(PATHS.hook, { dist })
    expect(all.bytes).toBeGreaterThan(CEILINGS.dropIn)
    // Booleans, so that a failure does not print the whole bundle.
    expect(all.code.includes("'recovering'") || all.code.includes('"recovering"')).toBe(true)
    expect(hook.code.includes('recovering')).toBe(false)
    expect(hook.code.includes('jsxDEV')).toBe(false)
    expect(hook.byModule.map((m) => m.name)).toContain('hooks/useWalletBackup')
    expect(hook.byModule.map((m) => m.name)).not.toContain('components/BackupButton')
  })
})
