// Conformance with the REAL @portal-hq/web 3.4.1: its `Portal` runs in Chromium and talks by postMessage to
// https://web.portalhq.io, answered by a stand-in page (test/support/portalIframeStandIn.ts) that speaks the protocol
// as the SDK's source defines it, served at that origin by Playwright routing (every other non-loopback request is
// aborted). Google and the app's server are the kit's emulators behind MSW. What the SDK posts is recorded twice:
// as posted (a wrapper on the SDK's own postMessage, noting whether the iframe had loaded) and as received.
import Portal from '@portal-hq/web'
import { QueryClient } from '@tanstack/react-query'
import { cleanup, render, screen } from '@testing-library/react'
import type { ReactNode } from 'react'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { commands, userEvent } from 'vitest/browser'
import { portalAdapter } from '../src/adapters/portalAdapter.js'
import { BackupButton } from '../src/components/BackupButton.js'
import { BackupStatus } from '../src/components/BackupStatus.js'
import { RecoverButton } from '../src/components/RecoverButton.js'
import { WalletBackupProvider } from '../src/components/WalletBackupProvider.js'
import { backupWallet } from '../src/core/actions/backupWallet.js'
import { createShareApi } from '../src/core/clients/createShareApi.js'
import { DRIVE_APPDATA_SCOPE } from '../src/core/clients/driveKeyStore.js'
import { recoverWallet } from '../src/core/actions/recoverWallet.js'
import type { WalletAdapter } from '../src/core/clients/WalletAdapter.js'
import { useWalletBackup } from '../src/hooks/useWalletBackup.js'
import { createGoogleEmulator, createShareServerEmulator } from '../src/testing/index.js'
import { GOOGLE_CLIENT_ID, worker } from './support/browserWorld.js'
import { PORTAL_ORIGIN } from './support/portalIframeStandIn.js'

type Message = {
  type: string
  data: Record<string, unknown> & { backupConfigs?: { passwordStorage?: { password?: string } } }
}
type Posted = Message & { iframeLoaded: boolean }
type Sdk = { portal: Portal; iframe: HTMLIFrameElement; posted: Posted[] }

const retry = { tries: 2, baseDelayMs: 1 }
const rpcConfig = { 'eip155:1': 'http://127.0.0.1:9/rpc' }
const sdks: Sdk[] = []

beforeAll(async () => {
  await commands.portalStandInStart()
  await worker.start({ quiet: true, onUnhandledRequest: 'error' })
})
afterAll(async () => {
  worker.stop()
  await commands.portalStandInStop()
})
afterEach(async () => {
  cleanup()
  await commands.portalStandInRelease()
  for (const sdk of sdks.splice(0)) sdk.iframe.remove()
})

const newApiKey = () => `test-api-key-${crypto.randomUUID()}`

/** A real Portal, as an app makes it; its private iframe post is wrapped only to record what it sends and when. */
function newPortal(apiKey: string): Sdk {
  const portal = new Portal({ apiKey, rpcConfig })
  const mpc = (portal as unknown as { mpc: { iframe: HTMLIFrameElement; postMessage(m: Message): void } }).mpc
  const posted: Posted[] = []
  const iframe = mpc.iframe
  const send = mpc.postMessage.bind(mpc)
  mpc.postMessage = (message) => {
    posted.push({ ...message, iframeLoaded: iframeLoaded(iframe) })
    send(message)
  }
  const sdk = { portal, iframe, posted }
  sdks.push(sdk)
  return sdk
}

/** Until the stand-in has loaded, the frame is about:blank and same-origin; after, reading it throws. */
function iframeLoaded(iframe: HTMLIFrameElement): boolean {
  try {
    return iframe.contentWindow?.location.href !== 'about:blank'
  } catch {
    return true
  }
}

/** Every SDK message the stand-in received, in order. */
function received(sdk: Sdk): Promise<Message[]> {
  return new Promise((resolve) => {
    const onMessage = (event: MessageEvent) => {
      if (
        event.origin !== PORTAL_ORIGIN ||
        event.source !== sdk.iframe.contentWindow ||
        event.data?.type !== 'standin:logResult'
      )
        return
      window.removeEventListener('message', onMessage)
      resolve(event.data.data as Message[])
    }
    window.addEventListener('message', onMessage)
    sdk.iframe.contentWindow!.postMessage({ type: 'standin:log' }, PORTAL_ORIGIN)
  })
}

function controlStandIn(
  sdk: Sdk,
  control: { hang?: string[]; errors?: Record<string, { code: number; message: string }> },
) {
  sdk.iframe.contentWindow!.postMessage({ type: 'standin:control', data: control }, PORTAL_ORIGIN)
}

async function clientIdOf(wallet: WalletAdapter): Promise<string> {
  if (!wallet.getClientId) throw new Error('portalAdapter should read the client id through getClient()')
  return wallet.getClientId()
}

const types = (messages: Message[]) => messages.map((m) => m.type)
const whenReady = (sdk: Sdk) => new Promise<void>((resolve) => sdk.portal.onReady(() => resolve()))

function emulators() {
  const google = createGoogleEmulator({ clientId: GOOGLE_CLIENT_ID })
  const share = createShareServerEmulator({ baseURL: '/api' })
  worker.resetHandlers(...google.handlers, ...share.handlers)
  const keyOf = (version: string | number | undefined) => {
    const file = google.files().find((f) => f.name.endsWith(`.v${version}.key`))
    return file && google.readFile(file.id)!.text
  }
  return { google, share, keyOf }
}

function mount(
  wallet: WalletAdapter,
  children: ReactNode,
  queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } }),
) {
  // No clientId: the adapter reads it through the SDK's getClient() once Portal is ready.
  return render(
    <WalletBackupProvider
      wallet={wallet}
      googleClientId={GOOGLE_CLIENT_ID}
      server={{ baseURL: '/api' }}
      queryClient={queryClient}
      retry={retry}
    >
      {children}
    </WalletBackupProvider>,
  )
}

describe('portalAdapter on the real @portal-hq/web 3.4.1 (iframe protocol answered by a stand-in)', () => {
  test('backup -> recover on a new device -> re-backup, through the core actions: what the SDK posts, and when', async () => {
    const { google, share, keyOf } = emulators()
    const apiKey = newApiKey()
    const first = newPortal(apiKey)
    const wallet = portalAdapter(first.portal)
    await whenReady(first)
    const clientId = await clientIdOf(wallet)
    expect(clientId).toMatch(/^cl_/)
    const config = { wallet, clientId, shareApi: createShareApi({ baseURL: '/api', retry }), retry }
    const token = google.issueToken({ scope: DRIVE_APPDATA_SCOPE }).access_token
    const progress: Array<[string, boolean]> = []

    const made = await backupWallet(config, {
      getAccessToken: async () => token,
      onProgress: (p) => progress.push([p.status, p.done]),
    })

    const [row] = share.rows()
    const key = keyOf(made.keyVersion)
    expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(progress).toEqual([
      ['Generating share', false],
      ['Parsing share', false],
      ['Encrypting share', false],
      ['Storing share', false],
      ['Done', true],
    ])
    const log = await received(first)
    expect(types(log)).toEqual([
      'portal:configure',
      'portal:address',
      'portal:getClient',
      'portal:wasm:backup',
      'portal:api:setBackupStatus',
      // After Portal confirmed it: the id of the backup, kept with the server's record (see the superseded test).
      'portal:getClient',
    ])
    expect(first.posted.every((m) => m.iframeLoaded)).toBe(true)
    const backup = log[3]!
    expect(backup.data).toMatchObject({
      backupMethod: 'PASSWORD',
      backupConfigs: { passwordStorage: { password: key } },
      host: 'web.portalhq.io',
      mpcVersion: 'v6',
    })
    // Success went through the backup's own storageCallback: the two share pairs (one per curve) it made.
    expect(log[4]!.data).toEqual({
      status: 'STORED_CLIENT_BACKUP_SHARE',
      backupIds: [expect.stringMatching(/^bsp_/), expect.stringMatching(/^bsp_/)],
    })
    expect(types(log)).not.toContain('portal:storedClientBackupShare')
    expect(await first.portal.isWalletBackedUp()).toBe(true)
    const address = first.portal.address
    expect(address).toMatch(/^0x[0-9a-f]{40}$/)

    // A new device: the old page's Portal is gone, a new one boots for the same client.
    first.iframe.remove()
    const device = newPortal(apiKey)
    const deviceWallet = portalAdapter(device.portal)
    const recoverProgress: string[] = []
    const recovered = await recoverWallet(
      { ...config, wallet: deviceWallet },
      { getAccessToken: async () => token, onProgress: (p) => recoverProgress.push(p.status) },
    )
    expect(recovered.address).toBe(address)
    expect(recoverProgress).toEqual(
      expect.arrayContaining(['Reading share', 'Decrypting share', 'Recovering signing share', 'Done']),
    )
    const deviceLog = await received(device)
    expect(types(deviceLog)).toEqual([
      'portal:configure',
      'portal:address',
      'portal:wasm:recover',
      'portal:wasm:backup',
      'portal:api:setBackupStatus',
      'portal:getClient',
    ])
    expect(deviceLog[2]!.data).toMatchObject({
      cipherText: row!.cipherText,
      backupMethod: 'PASSWORD',
      backupConfigs: { passwordStorage: { password: key } },
    })
    // The re-backup that recovery makes has its own new key; the server and Drive now name it.
    const newKey = keyOf(recovered.keyVersion)
    expect(newKey).not.toBe(key)
    expect(deviceLog[3]!.data.backupConfigs?.passwordStorage?.password).toBe(newKey)
    expect(share.rows()).toMatchObject([{ clientId, keyVersion: recovered.keyVersion }])
    expect(device.posted.every((m) => m.iframeLoaded)).toBe(true)
    expect(await device.portal.isWalletBackedUp()).toBe(true)
  })

  test('a numeric PortalMpcError code reaches facts.providerCode; "already in progress" is WalletBusy', async () => {
    const { google } = emulators()
    const sdk = newPortal(newApiKey())
    const wallet = portalAdapter(sdk.portal)
    await whenReady(sdk)
    const config = {
      wallet,
      clientId: await clientIdOf(wallet),
      shareApi: createShareApi({ baseURL: '/api', retry }),
      retry,
    }
    const token = google.issueToken({ scope: DRIVE_APPDATA_SCOPE }).access_token
    controlStandIn(sdk, { errors: { 'portal:wasm:backup': { code: 205, message: 'Failed to create websocket' } } })
    const failed = await backupWallet(config, { getAccessToken: async () => token }).catch((e: unknown) => e)
    expect(failed).toMatchObject({
      code: 'WALLET_BACKUP_FAILED',
      facts: { providerCode: 205, message: 'Failed to create websocket' },
    })
    controlStandIn(sdk, {
      errors: { 'portal:wasm:backup': { code: 999, message: '[PortalMpc] Wallet modification already in progress' } },
    })
    const busy = await backupWallet(config, { getAccessToken: async () => token }).catch((e: unknown) => e)
    expect(busy).toMatchObject({ code: 'WALLET_BUSY', facts: { providerCode: 999 } })
    // No share reached the kit either time: Portal hears nothing about storage.
    expect(
      types(await received(sdk)).filter((t) => t.includes('BackupStatus') || t.includes('storedClientBackupShare')),
    ).toEqual([])
    await expect(backupWallet(config, { getAccessToken: async () => token })).resolves.toMatchObject({
      backupMethod: 'PASSWORD',
    })
  })
})

describe('BackupButton, RecoverButton and BackupStatus on the real @portal-hq/web 3.4.1', () => {
  test('kit custody: disabled while the iframe loads (nothing posted into about:blank), then backup, recover on a new device, re-backup', async () => {
    const { share, keyOf } = emulators()
    const apiKey = newApiKey()
    await commands.portalStandInHold()
    const first = newPortal(apiKey)
    mount(
      portalAdapter(first.portal),
      <>
        <BackupStatus />
        <BackupButton />
      </>,
    )
    const button = await screen.findByRole('button')
    // Google's script loads meanwhile (the reason changes when it has); the wallet still is not ready, and the
    // button says so.
    await expect.poll(() => button.getAttribute('data-disabled-reason'), { timeout: 5000 }).toBe('wallet-loading')
    expect(button).toBeDisabled()
    expect(button.textContent).toBe('Loading wallet…')
    expect(screen.getByText('Checking backup…')).toBeTruthy()
    button.click()
    expect(first.posted).toEqual([])

    await commands.portalStandInRelease()
    await expect.poll(() => (button as HTMLButtonElement).disabled, { timeout: 5000 }).toBe(false)
    expect(await screen.findByText('Not backed up', {}, { timeout: 5000 })).toBeTruthy()
    await userEvent.click(button)
    await expect.element(button).toHaveTextContent('Wallet backed up')
    expect(await screen.findByText('Backed up', {}, { timeout: 5000 })).toBeTruthy()
    expect(first.posted.filter((m) => !m.iframeLoaded)).toEqual([])
    const log = await received(first)
    const backup = log.find((m) => m.type === 'portal:wasm:backup')!
    const [row] = share.rows()
    const firstKey = keyOf(row!.keyVersion)
    expect(firstKey).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(backup.data.backupConfigs?.passwordStorage?.password).toBe(firstKey)
    expect(types(log)).toContain('portal:api:setBackupStatus')
    const address = first.portal.address

    cleanup()
    first.iframe.remove()
    const device = newPortal(apiKey)
    let recoveredAddress: string | undefined
    mount(
      portalAdapter(device.portal),
      <>
        <BackupStatus />
        <RecoverButton onSuccess={(d) => (recoveredAddress = d.address)} />
        <BackupButton />
      </>,
    )
    const recover = await screen.findByRole('button', { name: 'Recover wallet' }, { timeout: 5000 })
    await expect.poll(() => (recover as HTMLButtonElement).disabled, { timeout: 5000 }).toBe(false)
    await userEvent.click(recover)
    await expect.element(recover).toHaveTextContent('Wallet recovered')
    expect(recoveredAddress).toBe(address)
    const recoverMessage = (await received(device)).find((m) => m.type === 'portal:wasm:recover')!
    expect(recoverMessage.data).toMatchObject({
      cipherText: row!.cipherText,
      backupMethod: 'PASSWORD',
      backupConfigs: { passwordStorage: { password: firstKey } },
    })

    const again = screen.getByRole('button', { name: 'Back up wallet' })
    await userEvent.click(again)
    await expect.element(again).toHaveTextContent('Wallet backed up')
    expect(await screen.findByText('Backed up', {}, { timeout: 5000 })).toBeTruthy()
    const backups = (await received(device)).filter((m) => m.type === 'portal:wasm:backup')
    // The recovery's fresh backup and the click's: each with the key the server's record named at the time.
    expect(backups).toHaveLength(2)
    expect(backups[1]!.data.backupConfigs?.passwordStorage?.password).toBe(keyOf(share.rows()[0]!.keyVersion))
    expect(device.posted.filter((m) => !m.iframeLoaded)).toEqual([])
  })

  test('kit custody: a PASSWORD backup the app makes through the SDK supersedes the kit backup; a kit backup restores it', async () => {
    const { share } = emulators()
    const sdk = newPortal(newApiKey())
    const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } })
    mount(
      portalAdapter(sdk.portal),
      <>
        <BackupStatus />
        <BackupButton />
      </>,
      queryClient,
    )
    const button = await screen.findByRole('button', { name: 'Back up wallet' }, { timeout: 5000 })
    await expect.poll(() => (button as HTMLButtonElement).disabled, { timeout: 5000 }).toBe(false)
    await userEvent.click(button)
    await expect.element(button).toHaveTextContent('Wallet backed up')
    expect(await screen.findByText('Backed up', {}, { timeout: 5000 })).toBeTruthy()
    // getClient's ClientResponse, the parts read here (the local @portal-hq/web declaration names only its id).
    type Pair = { id: string; backupMethod: string; status: string }
    const client = () =>
      sdk.portal.getClient() as Promise<unknown> as Promise<{ wallets: Array<{ backupSharePairs: Pair[] }> }>
    const pairs = async () => (await client()).wallets.flatMap((w) => w.backupSharePairs)
    const kitPairs = (await pairs())
      .filter((p) => p.backupMethod === 'PASSWORD' && p.status === 'completed')
      .map((p) => p.id)
    expect(kitPairs).toHaveLength(2)
    // The server's record names the provider's backup it describes (read after Portal confirmed it).
    expect(kitPairs).toContain(share.rows()[0]!.walletBackupId)

    // The app (or any tool on this client) makes its own PASSWORD backup, as Portal's guide shows it.
    const made = await sdk.portal.backupWallet('PASSWORD', undefined, {
      passwordStorage: { password: 'a password the user chose' },
    })
    if (typeof made === 'string' || !made.storageCallback)
      throw new Error('3.4.1 resolves { cipherText, storageCallback }')
    await made.storageCallback()
    // Portal keeps one backup per method: the kit's pairs are no longer completed, yet Portal still says backed up.
    expect((await pairs()).filter((p) => kitPairs.includes(p.id)).some((p) => p.status === 'completed')).toBe(false)
    const appPairs = (await pairs()).filter((p) => p.backupMethod === 'PASSWORD' && p.status === 'completed')
    expect(appPairs).toHaveLength(2)
    expect(appPairs.some((p) => kitPairs.includes(p.id))).toBe(false)
    expect(await sdk.portal.isWalletBackedUp()).toBe(true)
    await queryClient.invalidateQueries()
    await expect
      .poll(() => document.querySelector('[data-rmb="backup-status"]')?.getAttribute('data-state'), { timeout: 5000 })
      .toBe('superseded')
    expect(document.querySelector('[data-rmb="backup-status"]')?.textContent).toBe('Replaced by another backup')
    // The button offers a new backup, and one makes the status "Backed up" again.
    await expect.element(button).toHaveTextContent('Back up again')
    await userEvent.click(button)
    await expect.element(button).toHaveTextContent('Wallet backed up')
    await expect
      .poll(() => document.querySelector('[data-rmb="backup-status"]')?.getAttribute('data-state'), { timeout: 5000 })
      .toBe('backedUp')
    expect(screen.getByText('Backed up')).toBeTruthy()
    const newest = (await pairs()).filter((p) => p.backupMethod === 'PASSWORD' && p.status === 'completed')
    expect(newest.map((p) => p.id)).toContain(share.rows()[0]!.walletBackupId)
  })

  test('provider custody: GDRIVE through Portal, no Google on the kit side, recover on a new device', async () => {
    const { google, share } = emulators()
    const apiKey = newApiKey()
    const first = newPortal(apiKey)
    mount(
      portalAdapter(first.portal, { keyCustody: 'provider' }),
      <>
        <BackupStatus />
        <BackupButton />
      </>,
    )
    const button = await screen.findByRole('button', { name: 'Back up wallet' }, { timeout: 5000 })
    await expect.poll(() => (button as HTMLButtonElement).disabled, { timeout: 5000 }).toBe(false)
    await userEvent.click(button)
    await expect.element(button).toHaveTextContent('Wallet backed up')
    expect(await screen.findByText('Backed up', {}, { timeout: 5000 })).toBeTruthy()
    const backup = (await received(first)).find((m) => m.type === 'portal:wasm:backup')!
    expect(backup.data).toMatchObject({ backupMethod: 'GDRIVE', backupConfigs: {} })
    expect(google.calls).toEqual([])
    const [row] = share.rows()
    expect(row).toMatchObject({ backupMethod: 'GDRIVE' })
    const address = first.portal.address

    cleanup()
    first.iframe.remove()
    const device = newPortal(apiKey)
    mount(portalAdapter(device.portal, { keyCustody: 'provider' }), <RecoverButton />)
    const recover = await screen.findByRole('button', { name: 'Recover wallet' }, { timeout: 5000 })
    await expect.poll(() => (recover as HTMLButtonElement).disabled, { timeout: 5000 }).toBe(false)
    await userEvent.click(recover)
    await expect.element(recover).toHaveTextContent('Wallet recovered')
    expect(device.portal.address).toBe(address)
    const recoverMessage = (await received(device)).find((m) => m.type === 'portal:wasm:recover')!
    expect(recoverMessage.data).toMatchObject({
      cipherText: row!.cipherText,
      backupMethod: 'GDRIVE',
      backupConfigs: {},
    })
  })

  test('abort() while the SDK never answers settles Aborted within a second; the button works again after', async () => {
    emulators()
    const sdk = newPortal(newApiKey())
    function Flow() {
      const flow = useWalletBackup()
      return (
        <>
          <button onClick={flow.backup} disabled={!flow.isReady}>
            go
          </button>
          <button onClick={flow.abort}>stop</button>
          <output>{`${flow.step}:${flow.error?.code ?? ''}`}</output>
        </>
      )
    }
    mount(portalAdapter(sdk.portal), <Flow />)
    const go = screen.getByRole('button', { name: 'go' })
    await expect.poll(() => (go as HTMLButtonElement).disabled, { timeout: 5000 }).toBe(false)
    controlStandIn(sdk, { hang: ['portal:wasm:backup'] })
    await userEvent.click(go)
    await expect.poll(async () => types(await received(sdk)), { timeout: 5000 }).toContain('portal:wasm:backup')
    await expect.element(screen.getByRole('status')).toHaveTextContent('generating:')
    await userEvent.click(screen.getByRole('button', { name: 'stop' }))
    // The hanging call can end only through the abort (ABORTED) or the wallet deadline (60 s, WALLET_TIMEOUT, past
    // this wait): the code says the abort settled it, with no elapsed-time bound to miss on a slow machine.
    await expect.poll(() => screen.getByRole('status').textContent, { timeout: 10_000 }).toBe('error:ABORTED')
    // No share reached the kit: Portal hears nothing about storage.
    expect(
      types(await received(sdk)).filter((t) => t.includes('BackupStatus') || t.includes('storedClientBackupShare')),
    ).toEqual([])

    controlStandIn(sdk, { hang: [] })
    await userEvent.click(go)
    await expect.poll(() => screen.getByRole('status').textContent, { timeout: 10_000 }).toBe('success:')
  })
})
