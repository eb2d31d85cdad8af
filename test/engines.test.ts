// package.json's `engines.node` is the Node range the toolchain really runs on: every installed package (the dev
// dependencies a contributor or a git install gets, nested ones included) accepts all of it, so `npm ci` on any
// version of that range prints no EBADENGINE warning. scripts/engines.mjs does the check; it is run here as a user
// runs it.
import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, test } from 'vitest'

const run = promisify(execFile)
const root = resolve(import.meta.dirname, '..')
const script = join(root, 'scripts', 'engines.mjs')
const engines = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines: { node: string } }).engines

async function check(...args: string[]) {
  try {
    const { stdout } = await run(process.execPath, [script, ...args], { cwd: root })
    return { code: 0, output: stdout }
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string }
    return { code: err.code ?? 1, output: `${err.stdout ?? ''}${err.stderr ?? ''}` }
  }
}

describe('engines', () => {
  test("names Vite 8's floor (Node 20.19) and no Node outside what every installed package accepts", async () => {
    expect(engines.node).toMatch(/^\^20\.19\.0 \|\| /)
    const { code, output } = await check()
    expect(output).toContain(`0 installed package(s) exclude part of node ${engines.node}`)
    expect(code, output).toBe(0)
  }, 60_000)

  test('the check names the packages a wider range would break (here the old ">=20": Vite among them)', async () => {
    const { code, output } = await check('>=20')
    expect(output).toMatch(/^vite@8\.\S+ wants node \^20\.19\.0 \|\| >=22\.12\.0 /m)
    expect(code).toBe(1)
  }, 60_000)
})
