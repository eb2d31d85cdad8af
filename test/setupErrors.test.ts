// Setup mistakes a first-time user makes, and the answers Google and a wrong server give: each becomes one typed
// error whose message says what to fix, and nothing is stored half-way.
import { http, HttpResponse } from 'msw'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createShareApi } from '../src/core/clients/createShareApi.js'
import { getBackupStatus } from '../src/core/actions/getBackupStatus.js'
import { BASE, createWorld, server } from './support/nodeHarness.js'

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterAll(() => server.close())

const falses = (w: ReturnType<typeof createWorld>) => w.wallet.notifications.filter((n) => n.success === false).length

describe('Drive API not enabled in the Cloud project', () => {
  test('backup fails with GoogleSetupError naming the fix (and the activation link), the wallet hears false, nothing is stored', async () => {
    const w = createWorld({ google: { driveApiDisabled: true } })
    const error = await w.backup().catch((e: unknown) => e)
    expect(error).toMatchObject({
      name: 'GoogleSetupError',
      code: 'GOOGLE_SETUP_INVALID',
      retryable: false,
      shortMessage: expect.stringContaining('Enable the Google Drive API'),
      details: expect.stringContaining(
        'https://console.developers.google.com/apis/api/drive.googleapis.com/overview?project=',
      ),
      facts: { status: 403, reason: 'accessNotConfigured' },
    })
    expect(falses(w)).toBe(1)
    expect(w.share.rows()).toEqual([])
    // Enabled, the same user backs up.
    w.google.setDriveApiEnabled(true)
    await expect(w.backup()).resolves.toMatchObject({ keyVersion: expect.any(String) })
  })

  test('recovery and status say the same', async () => {
    const w = createWorld()
    await w.backup()
    w.google.setDriveApiEnabled(false)
    await expect(w.newDevice().recover()).rejects.toMatchObject({ code: 'GOOGLE_SETUP_INVALID' })
    await expect(getBackupStatus(w.config, { accessToken: w.token })).rejects.toMatchObject({
      code: 'GOOGLE_SETUP_INVALID',
    })
  })

  test('a body with only the SERVICE_DISABLED detail (no legacy reason) is recognised too', async () => {
    const w = createWorld()
    server.use(
      http.get('https://www.googleapis.com/drive/v3/files', () =>
        HttpResponse.json(
          {
            error: {
              code: 403,
              message: 'disabled',
              status: 'PERMISSION_DENIED',
              details: [
                { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'SERVICE_DISABLED', metadata: {} },
              ],
            },
          },
          { status: 403 },
        ),
      ),
    )
    w.share.putRow({ clientId: w.clientId, backupMethod: 'PASSWORD', cipherText: 'x', keyVersion: 'v1' })
    await expect(getBackupStatus(w.config, { accessToken: w.token })).rejects.toMatchObject({
      name: 'GoogleSetupError',
    })
  })
})

test('a drive.file-only token (403 insufficientScopes at Google) is GoogleScopeDenied', async () => {
  const w = createWorld()
  const fileOnly = w.google.issueToken({ scope: 'https://www.googleapis.com/auth/drive.file' }).access_token
  const { backupWallet } = await import('../src/core/actions/backupWallet.js')
  const error = await backupWallet(w.config, { getAccessToken: async () => fileOnly }).catch((e: unknown) => e)
  expect(error).toMatchObject({ name: 'GoogleScopeDenied', facts: { status: 403, reason: 'insufficientScopes' } })
  expect(falses(w)).toBe(1)
})

describe('no ambiguous 404 from the share server', () => {
  test('only 404 backup_not_found is "no backup"; a route 404 (wrong baseURL) is ShareFetchFailed naming the URL', async () => {
    const w = createWorld()
    server.use(
      http.get(
        'http://app.test/wrong/*',
        () => new HttpResponse('Cannot GET', { status: 404, headers: { 'content-type': 'text/html' } }),
      ),
    )
    const right = createShareApi({ baseURL: BASE })
    await expect(right.get(w.clientId, 'PASSWORD')).resolves.toBeNull()
    const wrong = createShareApi({ baseURL: 'http://app.test/wrong', retry: { tries: 1 } })
    const error = await wrong.get(w.clientId, 'PASSWORD').catch((e: unknown) => e)
    expect(error).toMatchObject({
      name: 'ShareFetchFailed',
      retryable: false,
      facts: { status: 404 },
      shortMessage: `No backup route at GET http://app.test/wrong/clients/${w.clientId}/backup?backupMethod=PASSWORD (404): check the server's baseURL and path.`,
    })
    // A custom server that answers a bare 404 for "no backup" opts in.
    const lenient = createShareApi({ baseURL: 'http://app.test/wrong', treat404AsNoBackup: true })
    await expect(lenient.get(w.clientId, 'PASSWORD')).resolves.toBeNull()
  })

  test('a JSON 404 with another code (the bundled server’s route_not_found) is not "no backup" either', async () => {
    createWorld()
    server.use(
      http.get('http://app.test/other/*', () =>
        HttpResponse.json({ error: { code: 'route_not_found' } }, { status: 404 }),
      ),
    )
    await expect(createShareApi({ baseURL: 'http://app.test/other' }).get('c', 'PASSWORD')).rejects.toMatchObject({
      name: 'ShareFetchFailed',
    })
  })
})
