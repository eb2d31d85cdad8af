// Issue #14, point 1: a rollback must never replace a record it did not write. Two devices of one wallet back up
// against the real router (SQLite and PostgreSQL) over real HTTP on loopback; Google Drive is the emulator, called
// through MSW's getResponse at the network edge. Each device loads its own copy of the kit (vi.resetModules), as
// two browsers would: the in-page client lock of one device does not see the other.
import axios, { AxiosError, type AxiosAdapter, type InternalAxiosRequestConfig } from 'axios'
import { getResponse } from 'msw'
import { afterEach, beforeAll, describe, expect, test, vi } from 'vitest'
import { createGoogleEmulator, createWalletBackend, createWalletEmulator } from '../../src/testing/index.js'
import { DRIVE_APPDATA_SCOPE } from '../../src/core/index.js'
import { uniqueClient, type TestApi } from './support/http.js'
import { serveRouterOn } from './support/serveRouterOn.js'
import { storeCases, postgresSkipReason } from './support/stores.js'

type Kit = {
  backupWallet: typeof import('../../src/core/actions/backupWallet.js').backupWallet
  recoverWallet: typeof import('../../src/core/actions/recoverWallet.js').recoverWallet
  createShareApi: typeof import('../../src/core/clients/createShareApi.js').createShareApi
  portalAdapter: typeof import('../../src/adapters/portalAdapter.js').portalAdapter
}

/** A fresh module graph per device: its own client lock, share API client and error classes. */
async function loadKit(): Promise<Kit> {
  vi.resetModules()
  const [bw, rw, sa, pa] = await Promise.all([
    import('../../src/core/actions/backupWallet.js'),
    import('../../src/core/actions/recoverWallet.js'),
    import('../../src/core/clients/createShareApi.js'),
    import('../../src/adapters/portalAdapter.js'),
  ])
  return {
    backupWallet: bw.backupWallet,
    recoverWallet: rw.recoverWallet,
    createShareApi: sa.createShareApi,
    portalAdapter: pa.portalAdapter,
  }
}

const RETRY = { tries: 3, baseDelayMs: 1, maxDelayMs: 5 }

/**
 * The network edge of one device: every request reaches the real server through axios's own http adapter, except
 * when `loseNextPost` is armed: that POST is delivered and stored, then its answer is lost; while the device waits,
 * `whileLost` runs (the other device's work), and the next `failAfter` requests fail without reaching the server.
 */
function deviceNetwork() {
  const http = axios.getAdapter('http')
  const plan: { whileLost?: () => Promise<void>; failAfter: number } = { failAfter: 0 }
  let armed = false
  const log: string[] = []
  const adapter: AxiosAdapter = async (config: InternalAxiosRequestConfig) => {
    const what = `${config.method?.toUpperCase()} ${config.headers['If-Match'] ? 'if-match' : 'blind'}`
    if (plan.failAfter > 0) {
      plan.failAfter--
      log.push(`${what} -> network down`)
      throw new AxiosError('socket hang up', 'ECONNRESET', config)
    }
    const response = await http(config)
    if (armed && config.method === 'post') {
      armed = false
      log.push(`${what} -> stored, answer lost`)
      await plan.whileLost?.()
      throw new AxiosError('socket hang up', 'ECONNRESET', config)
    }
    log.push(`${what} -> ${response.status}`)
    return response
  }
  return {
    adapter,
    log,
    loseNextPost(whileLost: () => Promise<void>, failAfter: number) {
      armed = true
      // The failures start once the lost answer is out: they hit the retries of that POST.
      plan.whileLost = async () => {
        await whileLost()
        plan.failAfter = failAfter
      }
    },
  }
}

describe.each(storeCases)('rollback after a lost answer, on $name', ({ skip, create }) => {
  let api: TestApi
  beforeAll(async () => {
    if (skip) return
    const served = await serveRouterOn({ create })
    api = served.api
    return served.close
  })
  afterEach(() => vi.resetModules())

  test.skipIf(skip)(
    `device A's answer lost, device B backs up meanwhile, A rolls back: the server keeps B's record and B's key recovers it${skip ? ` (skipped: ${postgresSkipReason})` : ''}`,
    async () => {
      const clientId = uniqueClient('race')
      const google = createGoogleEmulator()
      const driveFetch: typeof fetch = async (input, init) => {
        const request = new Request(input, init)
        const response = await getResponse(google.handlers, request)
        if (!response) throw new TypeError(`no emulated route for ${request.method} ${request.url}`)
        return response
      }
      const token = google.issueToken({ scope: DRIVE_APPDATA_SCOPE }).access_token
      const params = { getAccessToken: async () => token }
      const backend = createWalletBackend()

      const device = async (network?: ReturnType<typeof deviceNetwork>) => {
        const kit = await loadKit()
        const wallet = createWalletEmulator({ clientId, backend })
        const shareApi = kit.createShareApi({
          axios: axios.create({
            baseURL: api.base,
            headers: { 'X-Client-Id': clientId },
            ...(network ? { adapter: network.adapter } : {}),
          }),
          retry: RETRY,
        })
        const config = {
          wallet: kit.portalAdapter(wallet, { keyCustody: 'kit' }),
          clientId,
          shareApi,
          retry: RETRY,
          fetch: driveFetch,
        }
        return {
          wallet,
          backup: () => kit.backupWallet(config, params),
          recover: () => kit.recoverWallet(config, params),
        }
      }
      const serverRecord = async () => {
        const res = await fetch(`${api.base}/clients/${clientId}/backup?backupMethod=PASSWORD`, {
          headers: { 'x-client-id': clientId },
        })
        return (await res.json()) as { keyVersion: string; cipherText: string }
      }
      const keyVersions = () =>
        google
          .files()
          .map((f) => f.name.match(/\.v([^.]+)\.key$/)?.[1])
          .sort()

      // B makes the wallet and backs it up; A recovers it (and stores its own backup), so both hold the wallet.
      const b = await device()
      await b.backup()
      const networkA = deviceNetwork()
      const a = await device(networkA)
      await a.recover()
      const beforeRace = await serverRecord()

      // A backs up again: its upload is stored, the answer is lost; while A waits, B reads A's record and backs up
      // over it (If-Match), then prunes the older key files. A's retries fail on the network; then A rolls back.
      let bResult: { keyVersion: string } | undefined
      networkA.loseNextPost(async () => {
        bResult = await b.backup()
        // B's pruning runs off its critical path; let it finish, as it would while A's retries wait.
        await vi.waitFor(() => expect(keyVersions()).not.toContain(beforeRace.keyVersion))
      }, RETRY.tries - 1)
      await expect(a.backup()).rejects.toMatchObject({ code: 'SHARE_UPLOAD_FAILED' })

      expect(bResult).toBeDefined()
      const after = await serverRecord()
      expect(after.keyVersion, `A's network: ${networkA.log.join('; ')}`).toBe(bResult!.keyVersion)
      expect(keyVersions()).toContain(bResult!.keyVersion)
      // A third device recovers from what the server holds and what Drive keeps.
      const c = await device()
      await expect(c.recover()).resolves.toMatchObject({ address: b.wallet.address })
    },
    30_000,
  )
})
