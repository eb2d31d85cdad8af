// The public signatures of `react-mpc-backup/testing` (Vitest typecheck, project `types`): the emulator factories,
// the handles they return, and that the wallet emulator fits the kit's own wallet types. A wrong use is a type error
// (the `@ts-expect-error` lines), so a signature that loosens fails here.
import type { HttpHandler } from 'msw'
import { type LegacyPortalLike, type PortalLike, portalAdapter, type WalletAdapter } from 'react-mpc-backup'
import {
  type CheckShareServerOptions,
  checkShareServer,
  createGoogleEmulator,
  createShareServerEmulator,
  createWalletBackend,
  createWalletEmulator,
  type DriveFileInfo,
  type FaultSwitch,
  formatShareServerReport,
  type GisTokenResponse,
  type GoogleEmulator,
  type GoogleEmulatorOptions,
  type GoogleEndpoint,
  type HttpFault,
  type LegacyWalletEmulator,
  type ShareEndpoint,
  type ShareRow,
  type ShareServerEmulator,
  type ShareServerEmulatorOptions,
  type ShareServerReport,
  type WalletBackend,
  type WalletEmulator,
  type WalletEmulatorOptions,
  type WalletFaults,
} from 'react-mpc-backup/testing'
import { describe, expectTypeOf, test } from 'vitest'

describe('createWalletEmulator', () => {
  test("returns the current (3.x) Portal shape by default and the legacy one for api: 'legacy'", () => {
    expectTypeOf(createWalletEmulator()).toEqualTypeOf<WalletEmulator>()
    expectTypeOf(createWalletEmulator({ api: 'current' })).toEqualTypeOf<WalletEmulator>()
    expectTypeOf(createWalletEmulator({ api: 'legacy' })).toEqualTypeOf<LegacyWalletEmulator>()
    expectTypeOf(createWalletEmulator().api).toEqualTypeOf<'current'>()
    expectTypeOf<WalletEmulator['backupWallet']>().returns.toEqualTypeOf<
      Promise<{ cipherText: string; storageCallback: () => Promise<void> }>
    >()
    expectTypeOf<LegacyWalletEmulator['backupWallet']>().returns.toEqualTypeOf<Promise<string>>()
    // @ts-expect-error the api is 'current' or 'legacy'
    createWalletEmulator({ api: 'v2' })
    // @ts-expect-error clientId is a string
    createWalletEmulator({ clientId: 1 })
  })

  test('fits the kit: portalAdapter takes either shape and gives a WalletAdapter', () => {
    expectTypeOf<WalletEmulator>().toExtend<PortalLike>()
    expectTypeOf<LegacyWalletEmulator>().toExtend<LegacyPortalLike>()
    expectTypeOf(portalAdapter(createWalletEmulator())).toEqualTypeOf<WalletAdapter>()
    expectTypeOf(portalAdapter(createWalletEmulator({ api: 'legacy' }))).toEqualTypeOf<WalletAdapter>()
  })

  test('options and faults: a shared backend, one fault per operation', () => {
    expectTypeOf<WalletEmulatorOptions['backend']>().toEqualTypeOf<WalletBackend | undefined>()
    expectTypeOf(createWalletBackend).returns.toEqualTypeOf<WalletBackend>()
    expectTypeOf<WalletEmulator['faults']>().toEqualTypeOf<WalletFaults>()
    expectTypeOf<keyof WalletFaults>().toEqualTypeOf<'backup' | 'notify' | 'recover'>()
    const wallet = createWalletEmulator({ backend: createWalletBackend(), realistic: true, bootDelayMs: 'manual' })
    wallet.faults.backup = { error: { code: 'BUSY' }, times: 1 }
    wallet.faults.recover = { hang: true }
    // @ts-expect-error no such operation
    wallet.faults.sign = { hang: true }
    // @ts-expect-error an error fault needs its code
    wallet.faults.notify = { error: { message: 'x' } }
    // @ts-expect-error bootDelayMs is ms or 'manual'
    createWalletEmulator({ bootDelayMs: 'later' })
  })
})

describe('createGoogleEmulator', () => {
  test('returns its handle: MSW handlers, faults by endpoint, tokens, Drive files', () => {
    expectTypeOf(createGoogleEmulator).parameters.toEqualTypeOf<[options?: GoogleEmulatorOptions | undefined]>()
    expectTypeOf(createGoogleEmulator()).toEqualTypeOf<GoogleEmulator>()
    expectTypeOf<GoogleEmulator['handlers']>().toEqualTypeOf<HttpHandler[]>()
    expectTypeOf<GoogleEmulator['faults']>().toEqualTypeOf<FaultSwitch<GoogleEndpoint, HttpFault>>()
    expectTypeOf<GoogleEmulator['issueToken']>().returns.toEqualTypeOf<GisTokenResponse>()
    expectTypeOf<GoogleEmulator['files']>().toEqualTypeOf<(account?: string) => DriveFileInfo[]>()
    const google = createGoogleEmulator({ accounts: ['a@example.com'], now: () => 0 })
    google.faults.set('drive.create', { status: 503 }, { times: 1 })
    google.faults.set('drive.list', { networkError: true })
    // @ts-expect-error no such endpoint
    google.faults.set('drive.rename', { status: 503 })
    // @ts-expect-error a status fault's status is one the emulator answers
    google.faults.set('drive.create', { status: 200 })
    // @ts-expect-error the emulator's internal `take` is not part of the handle
    google.faults.take('drive.create')
    // @ts-expect-error accounts is a list
    createGoogleEmulator({ accounts: 'a@example.com' })
  })
})

describe('createShareServerEmulator', () => {
  test('needs a baseURL and returns its handle: handlers, faults, requests, rows', () => {
    expectTypeOf(createShareServerEmulator).parameters.toEqualTypeOf<[options: ShareServerEmulatorOptions]>()
    expectTypeOf(createShareServerEmulator({ baseURL: '/api' })).toEqualTypeOf<ShareServerEmulator>()
    expectTypeOf<ShareServerEmulator['faults']>().toEqualTypeOf<FaultSwitch<ShareEndpoint, HttpFault>>()
    expectTypeOf<ShareServerEmulator['rows']>().toEqualTypeOf<() => ShareRow[]>()
    const shares = createShareServerEmulator({ baseURL: '/api', authorize: ({ authorization }) => !!authorization })
    shares.faults.set('share.post', { status: 500 })
    // @ts-expect-error no such endpoint
    shares.faults.set('share.put', { status: 500 })
    // @ts-expect-error baseURL is required
    createShareServerEmulator({})
    // @ts-expect-error a row's storedAt is set by the emulator when omitted, cipherText is not
    shares.putRow({ clientId: 'c', backupMethod: 'PASSWORD' })
  })
})

describe('checkShareServer', () => {
  test('checks a running server and reports; the report formats to text', () => {
    expectTypeOf(checkShareServer).parameters.toEqualTypeOf<[options: CheckShareServerOptions]>()
    expectTypeOf(checkShareServer).returns.toEqualTypeOf<Promise<ShareServerReport>>()
    expectTypeOf(formatShareServerReport).toEqualTypeOf<(report: ShareServerReport) => string>()
    // @ts-expect-error two test clients are needed (the second one's backup is erased)
    void checkShareServer({ baseUrl: 'http://x/api', clients: [{ clientId: 'a' }], webhookSecret: 's' })
  })
})
