import { describe, expect, it } from 'vitest'
import { parseDriveQuery } from './parseDriveQuery.js'

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
