// The `react-mpc-backup/testing` entry as a whole: its runtime names, and the wallet emulator usable without msw.
import { describe, expect, it } from 'vitest'
import * as testing from '../src/testing/index.js'

describe('export surface of react-mpc-backup/testing', () => {
  it('runtime names', () => {
    expect(Object.keys(testing).sort()).toMatchInlineSnapshot(`
      [
        "EmulatedMpcError",
        "EmulatedPortalMpcError",
        "ShareServerCheckError",
        "checkServerCommand",
        "checkShareServer",
        "createGoogleEmulator",
        "createShareServerEmulator",
        "createWalletBackend",
        "createWalletEmulator",
        "formatShareServerReport",
        "gisEmulatorGlobal",
        "gisEmulatorTokenUrl",
        "gisRevokeUrl",
        "gisStandInScript",
        "gisStandInUrl",
      ]
    `)
  })
})

describe('the wallet emulator does not depend on msw', () => {
  it('no module reachable from createWalletEmulator imports msw', async () => {
    const { readFile } = await import('node:fs/promises')
    const { dirname, join } = await import('node:path')
    const { fileURLToPath } = await import('node:url')
    const dir = fileURLToPath(new URL('../src/testing/', import.meta.url))
    const seen = new Set<string>()
    const visit = async (file: string) => {
      if (seen.has(file)) return
      seen.add(file)
      const source = await readFile(join(dir, file), 'utf8')
      expect(source, file).not.toMatch(/from 'msw/)
      for (const m of source.matchAll(/from '(\.\.?\/[A-Za-z0-9./-]+)\.js'/g))
        await visit(join(dirname(file), `${m[1]}.ts`))
    }
    await visit('wallet/createWalletEmulator.ts')
    expect(seen.size).toBeGreaterThan(3)
  })
})
