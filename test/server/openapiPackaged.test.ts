import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  exports: Record<string, unknown>
}

describe('the packed package', () => {
  it('ships the share-server contract as react-mpc-backup/openapi.yaml', () => {
    // --ignore-scripts: the list of files is what matters here, not a build.
    const packed = JSON.parse(
      execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { encoding: 'utf8' }),
    ) as Array<{ files: Array<{ path: string }> }>
    const files = packed[0]!.files.map((f) => f.path)
    expect(files).toContain('openapi/share-server.yaml')
    expect(pkg.exports['./openapi.yaml']).toBe('./openapi/share-server.yaml')
  })
})
