import { describe, expect, test } from 'vitest'
import { isKeyOf, isOlderKeyVersion, keyFileName, keyFileVersion } from './driveKeyStore.js'

const v = 'mj0abc1200aa11bb'

describe('key file names', () => {
  test("today's names: the id's length ends it, so no id's names begin another's", () => {
    expect(keyFileName('acme', v)).toBe(`react-mpc-backup-key.4.acme.v${v}.key`)
    expect(keyFileName('acme.vip', v)).toBe(`react-mpc-backup-key.8.acme.vip.v${v}.key`)
    expect(keyFileVersion(keyFileName('acme', v), 'acme')).toBe(v)
    expect(keyFileVersion(keyFileName('acme.vip', v), 'acme')).toBeUndefined()
    expect(keyFileVersion(keyFileName('acme', v), 'acme.vip')).toBeUndefined()
    // An id that holds what looks like another name's parts is still read by its length.
    const odd = 'a.4.acme.v1'
    expect(keyFileVersion(keyFileName(odd, v), odd)).toBe(v)
    expect(keyFileVersion(keyFileName(odd, v), 'a')).toBeUndefined()
  })

  test("earlier builds' names are parsed exactly too: a version has no dot, so acme.vip's never reads as acme's", () => {
    const old = (id: string, version: string) => `react-mpc-backup.${id}.v${version}.key`
    expect(keyFileVersion(old('acme', v), 'acme')).toBe(v)
    expect(keyFileVersion(old('acme.vip', v), 'acme.vip')).toBe(v)
    expect(keyFileVersion(old('acme.vip', v), 'acme')).toBeUndefined()
    expect(keyFileVersion(old('acme', v), 'acme.vip')).toBeUndefined()
    for (const name of [`react-mpc-backup.acme.v.key`, `react-mpc-backup.acme.v${v}.key.bak`, `x-${old('acme', v)}`])
      expect(keyFileVersion(name, 'acme'), name).toBeUndefined()
  })

  test("a file found by id is this client's key only by the exact parse; a record naming no version accepts any of its", () => {
    expect(isKeyOf(keyFileName('acme', v), 'acme', v)).toBe(true)
    expect(isKeyOf(keyFileName('acme', v), 'acme', 'other')).toBe(false)
    expect(isKeyOf(keyFileName('acme', v), 'acme', undefined)).toBe(true)
    expect(isKeyOf(`react-mpc-backup.acme.vip.v${v}.key`, 'acme', undefined)).toBe(false)
    expect(isKeyOf(keyFileName('acme.vip', v), 'acme', undefined)).toBe(false)
  })
})

describe('key versions compare as numbers', () => {
  test('base-36: by length, then digit by digit; leading zeros do not count', () => {
    expect(isOlderKeyVersion('9', '10')).toBe(true)
    expect(isOlderKeyVersion('10', '9')).toBe(false)
    expect(isOlderKeyVersion('0000000000000000', v)).toBe(true)
    expect(isOlderKeyVersion('007', '7')).toBe(false)
    expect(isOlderKeyVersion(v, v)).toBe(false)
    // The kit's versions once the time needs a ninth base-36 digit (2059) stay newer than today's.
    expect(isOlderKeyVersion('zzzzzzzz00000000', '10000000000000000')).toBe(true)
    expect(isOlderKeyVersion(v, 'zzzzzzzzzzzzzzzz')).toBe(true)
  })

  test('a version outside base-36 lower case is never older nor newer: nothing is pruned on its account', () => {
    for (const [a, b] of [
      ['zz-other-device', v],
      [v, 'zz-other-device'],
      ['ABC', 'abd'],
    ])
      expect(isOlderKeyVersion(a!, b!), `${a} < ${b}`).toBe(false)
  })
})
