// Emulator mode, in the browser: Google's hosts answered by this app's server (app/emulator/google) through a
// service worker (msw), and a wallet emulator whose provider side is kept on the server (app/emulator/wallet), so
// that another browser is another device of the same wallet. Nothing here ever reaches Google or Portal.
import { http } from 'msw'
import { setupWorker } from 'msw/browser'
import { portalAdapter } from 'react-mpc-backup'
import { createWalletBackend, createWalletEmulator, type WalletEmulator } from 'react-mpc-backup/testing'
import type { PageWallet } from './PageWallet'

// Where the kit (and @react-oauth/google) call Google: the Identity Services script and its token endpoints, Drive.
const GOOGLE = ['https://accounts.google.com', 'https://www.googleapis.com', 'https://oauth2.googleapis.com']

export async function emulatedWallet(clientId: string): Promise<PageWallet> {
  const worker = setupWorker(...GOOGLE.map((origin) => http.all(`${origin}/*`, ({ request }) => toServer(request))))
  // Everything else (the app's pages, /api, /emulator) goes to this server as usual.
  await worker.start({ quiet: true, onUnhandledRequest: 'bypass' })

  const backend = createWalletBackend()
  const answer = await fetch('/emulator/wallet', { cache: 'no-store' })
  if (!answer.ok) throw new Error(`The emulated wallet is unavailable (HTTP ${answer.status})`)
  const { wallet: known } = (await answer.json()) as {
    wallet: Parameters<typeof backend.restore>[1] | null
  }
  if (known) backend.restore(clientId, known)
  // With no wallet on the provider yet, the emulator makes one on this device; otherwise this device has none
  // until it recovers.
  const wallet = createWalletEmulator({ clientId, backend })
  const save = async () => {
    const described = backend.describe(clientId)
    if (!described) return
    const saved = await fetch('/emulator/wallet', {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(described),
    })
    if (!saved.ok) throw new Error(`The emulated wallet was not saved (HTTP ${saved.status})`)
  }
  if (!known) await save()
  // The provider hears about a backup when the kit tells it (storageCallback / storedClientBackupShare): saved on
  // the server before that call resolves, as Portal's servers would have it by then.
  const remembered = async <T>(told: Promise<T>): Promise<T> => {
    const value = await told
    await save()
    return value
  }
  const provider = new Proxy(wallet, {
    get(target, name) {
      if (name === 'backupWallet')
        return async (...args: Parameters<WalletEmulator['backupWallet']>) => {
          const made = await target.backupWallet(...args)
          return { ...made, storageCallback: () => remembered(made.storageCallback()) }
        }
      if (name === 'storedClientBackupShare')
        return (...args: Parameters<WalletEmulator['storedClientBackupShare']>) =>
          remembered(target.storedClientBackupShare(...args))
      const value: unknown = Reflect.get(target, name, target)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
  return { adapter: portalAdapter(provider), address: () => wallet.address }
}

/** A request for Google, sent to the emulator on this server instead: `/emulator/google/<host><path><query>`. */
async function toServer(request: Request): Promise<Response> {
  const url = new URL(request.url)
  const body = request.method === 'GET' || request.method === 'HEAD' ? undefined : await request.arrayBuffer()
  const answer = await fetch(`/emulator/google/${url.host}${url.pathname}${url.search}`, {
    method: request.method,
    headers: request.headers,
    body,
    credentials: 'omit',
  })
  // A new Response of the (already decoded) bytes: a fetched 204 handed back as it is fails in the service worker
  // (the page sees ERR_FAILED), and the bytes no longer match a Content-Encoding or Content-Length.
  const headers = new Headers(answer.headers)
  headers.delete('content-encoding')
  headers.delete('content-length')
  const bytes = answer.status === 204 || answer.status === 304 ? null : await answer.arrayBuffer()
  return new Response(bytes, { status: answer.status, statusText: answer.statusText, headers })
}
