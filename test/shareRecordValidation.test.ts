// Issue 25, item 5: what the app's server answers is checked before any of it reaches Google. A `keyFileId` outside
// Drive's id alphabet (`..` would make `GET /drive/v3/files/..` a request for `/drive/v3/` with the user's token), a
// `googleAccount` that is not `{ permissionId, email }` of the documented shape (the email becomes the popup's login
// hint), or a `keyVersion` outside the key file version syntax: a typed error naming the server, and no Drive request.
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { getBackupStatus } from '../src/core/actions/getBackupStatus.js'
import { recoverWallet } from '../src/core/actions/recoverWallet.js'
import { createWorld, server, type World } from './support/nodeHarness.js'

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterAll(() => server.close())

/** Every request that reaches (the emulated) Google's API host while `run` goes. */
async function googleRequests(run: () => Promise<unknown>): Promise<string[]> {
  const seen: string[] = []
  const record = ({ request }: { request: Request }) => {
    const url = new URL(request.url)
    if (url.hostname === 'www.googleapis.com') seen.push(`${request.method} ${url.pathname}`)
  }
  server.events.on('request:start', record)
  try {
    await run()
  } finally {
    server.events.removeListener('request:start', record)
  }
  return seen
}

type Malformed = { name: string; field: string; row: Record<string, unknown> }

const account = { permissionId: '01234567890123456789', email: 'user@example.com' }
const malformed: Malformed[] = [
  { name: "keyFileId '..'", field: 'keyFileId', row: { keyFileId: '..' } },
  { name: "keyFileId 'a/b'", field: 'keyFileId', row: { keyFileId: 'a/b' } },
  { name: 'keyFileId with a query', field: 'keyFileId', row: { keyFileId: 'abc?alt=media' } },
  { name: 'keyFileId of 257 characters', field: 'keyFileId', row: { keyFileId: 'a'.repeat(257) } },
  { name: 'keyFileId a number', field: 'keyFileId', row: { keyFileId: 12345 } },
  { name: 'googleAccount email a number', field: 'googleAccount', row: { googleAccount: { ...account, email: 42 } } },
  {
    name: 'googleAccount email with a space',
    field: 'googleAccount',
    row: { googleAccount: { ...account, email: 'a b@example.com' } },
  },
  {
    name: 'googleAccount email with two @',
    field: 'googleAccount',
    row: { googleAccount: { ...account, email: 'a@b@c' } },
  },
  {
    name: 'googleAccount email over 320 characters',
    field: 'googleAccount',
    row: { googleAccount: { ...account, email: `${'a'.repeat(320)}@example.com` } },
  },
  {
    name: 'googleAccount permissionId a path',
    field: 'googleAccount',
    row: { googleAccount: { ...account, permissionId: '../about' } },
  },
  { name: 'googleAccount a string', field: 'googleAccount', row: { googleAccount: 'user@example.com' } },
  { name: "keyVersion 'x.vip'", field: 'keyVersion', row: { keyVersion: 'x.vip' } },
  { name: "keyVersion '../x'", field: 'keyVersion', row: { keyVersion: '../x' } },
  { name: 'keyVersion -1', field: 'keyVersion', row: { keyVersion: -1 } },
]

function putMalformed(w: World, fields: Record<string, unknown>) {
  w.share.putRow({
    clientId: w.clientId,
    backupMethod: 'PASSWORD',
    cipherText: 'sealed-share',
    keyVersion: 'mj0abc1200aa11bb',
    keyFileId: '1AbCdEfGhIjKlMnOpQrStUvWxYz012345',
    googleAccount: account,
    ...fields,
  } as Parameters<World['share']['putRow']>[0])
}

const invalid = (field: string) => ({
  name: 'ShareServerInvalidResponse',
  code: 'SHARE_SERVER_INVALID_RESPONSE',
  step: 'read',
  retryable: false,
  facts: { reason: `invalid_${field}` },
})

describe("the server's record is checked before Drive hears of it", () => {
  test.each(malformed)('recovery: $name is ShareServerInvalidResponse, no Drive request, no login hint', async (c) => {
    const w = createWorld()
    putMalformed(w, c.row)
    const hints: string[] = []
    let error: unknown
    const drive = await googleRequests(() =>
      recoverWallet(w.config, {
        getAccessToken: async () => w.token,
        onGoogleAccount: (email) => void hints.push(email),
      }).catch((e: unknown) => void (error = e)),
    )
    expect(error).toMatchObject(invalid(c.field))
    expect(drive).toEqual([])
    expect(hints).toEqual([])
    // Nothing was stored, so the wallet heard nothing.
    expect(w.wallet.notifications).toEqual([])
  })

  test.each(malformed)('status: $name is ShareServerInvalidResponse, no Drive request, no login hint', async (c) => {
    const w = createWorld()
    putMalformed(w, c.row)
    const hints: string[] = []
    let error: unknown
    const drive = await googleRequests(() =>
      getBackupStatus(w.config, {
        accessToken: w.token,
        onGoogleAccount: (email) => void hints.push(email),
      }).catch((e: unknown) => void (error = e)),
    )
    expect(error).toMatchObject(invalid(c.field))
    expect(drive).toEqual([])
    expect(hints).toEqual([])
  })

  test('a well-formed record of the documented shape still recovers (numeric and null versions included)', async () => {
    const w = createWorld()
    await w.backup()
    await expect(w.newDevice().recover()).resolves.toMatchObject({ address: w.wallet.address })
    const row = w.share.rows()[0]!
    // A version the server keeps as a number, and a record naming none: read as the version's digits, or none.
    w.share.putRow({ ...row, keyVersion: 7 })
    await expect(getBackupStatus(w.config, { accessToken: w.token })).resolves.toMatchObject({ server: true })
    const { keyVersion: _none, ...bare } = row
    w.share.putRow(bare)
    await expect(getBackupStatus(w.config, { accessToken: w.token })).resolves.toMatchObject({ server: true })
  })
})
