import { describe, expect, it } from 'vitest'
import { parseDriveQuery } from './parseDriveQuery.js'
import { projectFields } from './projectFields.js'
import { sha256 } from './sha256.js'
import * as testing from './index.js'

const hex = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, '0')).join('')

describe('sha256 (sync) agrees with WebCrypto', () => {
  it.each([0, 1, 55, 56, 63, 64, 65, 1000])('length %i', async (n) => {
    const data = crypto.getRandomValues(new Uint8Array(n))
    expect(hex(sha256(data))).toBe(hex(new Uint8Array(await crypto.subtle.digest('SHA-256', data))))
  })
})

describe('parseDriveQuery', () => {
  const file = {
    name: "it's-react-mpc-backup.c1.v2.key",
    mimeType: 'application/octet-stream',
    parents: ['0Aabc', 'appDataFolder'],
    trashed: false,
    createdTime: '2026-01-01T00:00:00.000Z',
    modifiedTime: '2026-02-01T00:00:00.000Z',
  }
  it.each([
    ["name = 'it\\'s-react-mpc-backup.c1.v2.key'", true],
    ["name contains 'it'", true],
    ["name contains 'react'", true],
    ["name contains 'backup.c1'", true],
    ["name contains 'zzz'", false],
    ["'appDataFolder' in parents and trashed = false", true],
    ['not trashed = false', false],
    ["(name = 'x' or mimeType = 'application/octet-stream') and trashed=false", true],
    ["modifiedTime > '2026-01-15T00:00:00Z'", true],
    ["createdTime >= '2026-01-15T00:00:00Z'", false],
  ])('%s -> %s', (q, want) => {
    expect(parseDriveQuery(q)(file)).toBe(want)
  })
  it.each(["name = 'x", 'owner = 1', "name ~ 'x'", "name = 'x' and"])('rejects %s', (q) => {
    expect(() => parseDriveQuery(q)).toThrow()
  })
})

describe('projectFields', () => {
  it('applies partial-response selectors', () => {
    const list = { kind: 'drive#fileList', nextPageToken: 'n', files: [{ id: '1', name: 'a', size: '3' }] }
    expect(projectFields(list, 'nextPageToken,files(id,name)')).toEqual({
      nextPageToken: 'n',
      files: [{ id: '1', name: 'a' }],
    })
    expect(projectFields(list, 'files/id')).toEqual({ files: [{ id: '1' }] })
    expect(projectFields(list, '*')).toEqual(list)
  })
})

describe('export surface of react-mpc-backup/testing', () => {
  it('runtime names', () => {
    expect(Object.keys(testing).sort()).toMatchInlineSnapshot(`
      [
        "DRIVE_APPDATA_SCOPE",
        "EmulatedMpcError",
        "EmulatedPortalMpcError",
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
    const { fileURLToPath } = await import('node:url')
    const dir = fileURLToPath(new URL('.', import.meta.url))
    const seen = new Set<string>()
    const visit = async (file: string) => {
      if (seen.has(file)) return
      seen.add(file)
      const source = await readFile(`${dir}${file}`, 'utf8')
      expect(source, file).not.toMatch(/from 'msw/)
      for (const m of source.matchAll(/from '\.\/([A-Za-z0-9]+)\.js'/g)) await visit(`${m[1]}.ts`)
    }
    await visit('createWalletEmulator.ts')
    expect(seen.size).toBeGreaterThan(3)
  })
})
