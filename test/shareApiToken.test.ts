// The share API's `getToken` option (issue #27): asked before every request, each try of a retry included; its
// token sent as `Authorization: Bearer`; a throw or an unusable answer is ShareTokenFailed before anything is sent;
// the token is in no error. The app's server is the kit's share-server emulator (MSW at the network edge).
import axios from 'axios'
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { createShareApi } from '../src/core/clients/createShareApi.js'
import { createShareServerEmulator } from '../src/testing/index.js'
import { BASE, server } from './support/nodeHarness.js'

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterAll(() => server.close())

const seen: Array<string | null> = []
let accept = true
const share = createShareServerEmulator({
  baseURL: BASE,
  authorize: ({ authorization }) => {
    seen.push(authorization)
    return accept
  },
})
beforeEach(() => {
  share.reset()
  server.resetHandlers(...share.handlers)
  seen.length = 0
  accept = true
})

const retry = { tries: 3, baseDelayMs: 1, maxDelayMs: 5 }
const record = { backupMethod: 'PASSWORD', cipherText: 'c2hhcmU', keyVersion: '1', keyFileId: 'file_1' }
const failure = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected a failure')
    },
    (e: unknown) => e as Error & { code: string; facts: Record<string, unknown> },
  )
/** Everything an error shows: its message, its fields and its facts. */
const shown = (e: Error) => `${e.message}\n${JSON.stringify(e)}\n${JSON.stringify(e.cause ?? null)}`

describe('getToken', () => {
  test('is asked before every request, each retry included, and its token is what is sent', async () => {
    let n = 0
    const api = createShareApi({ baseURL: BASE, retry, getToken: async () => `token-${++n}` })
    share.faults.set('share.get', { status: 503 }, { times: 1 })
    await api.put('client-1', record)
    await expect(api.get('client-1', 'PASSWORD')).resolves.toMatchObject({ cipherText: record.cipherText })
    // The 503 answered before the emulator's authorize ran: three requests, three tokens, the last two seen.
    expect(n).toBe(3)
    expect(seen).toEqual(['Bearer token-1', 'Bearer token-3'])
  })

  test('a synchronous getToken works as well', async () => {
    const api = createShareApi({ baseURL: BASE, retry, getToken: () => 'sync.token-value_1' })
    await api.put('client-1', record)
    expect(seen).toEqual(['Bearer sync.token-value_1'])
  })

  test.each([
    ['an empty string', ''],
    ['a token with a space', 'two words'],
    ['a token with a line break', 'abc\r\nX-Injected: 1'],
    ['a number', 42],
    ['undefined', undefined],
  ])('an unusable answer (%s) is ShareTokenFailed invalid_token, and nothing is sent', async (_name, answer) => {
    const api = createShareApi({ baseURL: BASE, retry, getToken: async () => answer as string })
    for (const call of [api.put('client-1', record), api.get('client-1', 'PASSWORD')]) {
      const error = await failure(call)
      expect(error).toMatchObject({ name: 'ShareTokenFailed', code: 'SHARE_TOKEN_FAILED', retryable: false })
      expect(error.facts).toEqual({ reason: 'invalid_token' })
      if (typeof answer === 'string' && answer) expect(shown(error)).not.toContain(answer)
    }
    expect(share.requests).toEqual([])
  })

  test('a getToken that throws is ShareTokenFailed get_token_failed, with its status only, asked once', async () => {
    let calls = 0
    const api = createShareApi({
      baseURL: BASE,
      retry,
      getToken: () => {
        calls++
        throw Object.assign(new Error('session cookie abc.def-secret expired'), { status: 401 })
      },
    })
    const error = await failure(api.get('client-1', 'PASSWORD'))
    expect(error).toMatchObject({ code: 'SHARE_TOKEN_FAILED', step: 'read' })
    expect(error.facts).toEqual({ reason: 'get_token_failed', status: 401 })
    expect(shown(error)).not.toContain('abc.def-secret')
    expect(calls).toBe(1)
    expect(share.requests).toEqual([])
  })

  test('a refused token is ShareUnauthorized, and the token is in no part of the error', async () => {
    accept = false
    const token = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjbGllbnQtMSJ9.c2lnbmF0dXJl'
    const api = createShareApi({ baseURL: BASE, retry, getToken: () => token })
    for (const call of [api.put('client-1', record), api.get('client-1', 'PASSWORD')]) {
      const error = await failure(call)
      expect(error).toMatchObject({ code: 'SHARE_UNAUTHORIZED', facts: { status: 401 } })
      for (const part of [token, ...token.split('.')]) expect(shown(error)).not.toContain(part)
    }
  })

  test("without getToken the app's own axios instance signs the requests, as before", async () => {
    const http = axios.create({ baseURL: BASE, headers: { Authorization: 'Bearer from-the-app' } })
    await createShareApi({ axios: http, retry }).put('client-1', record)
    expect(seen).toEqual(['Bearer from-the-app'])
    // With both, getToken's token is the one sent.
    seen.length = 0
    await createShareApi({ axios: http, retry, getToken: () => 'from-get-token' }).put('client-1', record)
    expect(seen).toEqual(['Bearer from-get-token'])
  })
})
