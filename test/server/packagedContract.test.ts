import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  exports: Record<string, unknown>
  bin: Record<string, string>
}

const packedFiles = () => {
  // --ignore-scripts: the list of files is what matters here, not a build.
  const packed = JSON.parse(
    execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { encoding: 'utf8' }),
  ) as Array<{ files: Array<{ path: string }> }>
  return packed[0]!.files.map((f) => f.path)
}

describe('the packed package', () => {
  it('ships the share-server contract as react-mpc-backup/openapi.yaml', () => {
    expect(packedFiles()).toContain('openapi/share-server.yaml')
    expect(pkg.exports['./openapi.yaml']).toBe('./openapi/share-server.yaml')
  })
  it("ships `react-mpc-backup check-server` as a bin that runs the testing entry's command", () => {
    expect(pkg.bin['react-mpc-backup']).toBe('./bin/react-mpc-backup.mjs')
    expect(packedFiles()).toContain('bin/react-mpc-backup.mjs')
    const shim = readFileSync(new URL('../../bin/react-mpc-backup.mjs', import.meta.url), 'utf8')
    expect(shim.startsWith('#!/usr/bin/env node\n')).toBe(true)
    // The build emits one module per source file (preserveModules), so the shim's import names a real file.
    expect(shim).toContain("from '../dist/testing/checkServerCommand.js'")
  })
})
