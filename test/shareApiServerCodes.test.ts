// One error vocabulary across the wire (issue 15): the client's share API reads the server's `error.code` (the codes
// of src/core/errors/serverErrorCodes.ts, which the server answers with) instead of guessing from the status, and
// falls back to the status only for a server that sends no code. Against the kit's real router on loopback.
import axios from 'axios'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createShareApi } from '../src/core/clients/createShareApi.js'
import type { BackupError } from '../src/core/errors/errors.js'
import { KEY_B, postBackup, serveRouter, type TestApi, uniqueClient } from './server/support/http.js'
import { type StoreHarness, storeCases } from './server/support/stores.js'

const sqlite = storeCases.find((c) => c.name === 'sqlite')!
let harness: StoreHarness
let api: TestApi
let wrongKey: TestApi

beforeAll(async () => {
  harness = await sqlite.create()
  api = await serveRouter(harness.store)
  // The same rows served with another encryption key: every read answers 500 `storage_key_mismatch`.
  wrongKey = await serveRouter(harness.store, { encryptionKey: { current: 'default', keys: { default: KEY_B } } })
})
afterAll(async () => {
  await wrongKey?.close()
  await api?.close()
  await harness?.dispose()
})

/** The share API as an app wires it: its own axios instance, whose interceptor signs the caller in. */
function shareApiAs(base: string, clientId: string, requests: string[]) {
  const http = axios.create({ baseURL: base, headers: { 'x-client-id': clientId } })
  http.interceptors.request.use((config) => {
    requests.push(`${config.method} ${config.url}`)
    return config
  })
  return createShareApi({ axios: http, retry: { tries: 3, baseDelayMs: 1, maxDelayMs: 5 } })
}

async function failure(p: Promise<unknown>): Promise<BackupError> {
  try {
    await p
  } catch (error) {
    return error as BackupError
  }
  throw new Error('expected a failure')
}

describe("the share API reads the server's error code", () => {
  test('500 storage_key_mismatch is final: not retried (a retry cannot fix a wrong key), the code kept in facts', async () => {
    const clientId = uniqueClient()
    await postBackup(api.base, clientId, { backupMethod: 'PASSWORD', cipherText: 'sealed-with-a' })
    const requests: string[] = []
    const error = await failure(shareApiAs(wrongKey.base, clientId, requests).get(clientId, 'PASSWORD'))
    expect(error).toMatchObject({
      code: 'SHARE_FETCH_FAILED',
      retryable: false,
      facts: { status: 500, reason: 'storage_key_mismatch' },
    })
    expect(requests).toHaveLength(1)
  })

  test('400 invalid_client_id is final and says which code the server sent', async () => {
    const requests: string[] = []
    const bad = 'bad client id'
    const error = await failure(shareApiAs(api.base, bad, requests).get(bad, 'PASSWORD'))
    expect(error).toMatchObject({ retryable: false, facts: { status: 400, reason: 'invalid_client_id' } })
    expect(requests).toHaveLength(1)
  })

  test('403 forbidden (another owner) is ShareUnauthorized, read from the code', async () => {
    const owner = uniqueClient()
    await postBackup(api.base, owner, { backupMethod: 'PASSWORD', cipherText: 'mine' })
    const error = await failure(shareApiAs(api.base, uniqueClient('other'), []).get(owner, 'PASSWORD'))
    expect(error).toMatchObject({ code: 'SHARE_UNAUTHORIZED', facts: { status: 403, reason: 'forbidden' } })
  })

  test('404 backup_not_found is "no backup" (null)', async () => {
    const clientId = uniqueClient()
    expect(await shareApiAs(api.base, clientId, []).get(clientId, 'PASSWORD')).toBeNull()
  })
})
