// The provider's `server.getToken` in Chromium (issue #27): every request to the app's server carries the app's token
// (the latest render's getToken, asked per request), no request to Google does, and the token reaches no cache,
// storage, URL or console line. A getToken that fails ends the backup with SHARE_TOKEN_FAILED, the wallet told false.
import { cleanup, render } from '@testing-library/react'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { userEvent } from 'vitest/browser'
import { portalAdapter } from '../src/adapters/portalAdapter.js'
import { BackupButton } from '../src/components/BackupButton.js'
import { BackupStatus } from '../src/components/BackupStatus.js'
import { WalletBackupProvider } from '../src/components/WalletBackupProvider.js'
import {
  captureConsole,
  createBrowserWorld,
  enabledButton,
  exposedSurfaces,
  GOOGLE_CLIENT_ID,
  worker,
  type BrowserWorld,
} from './support/browserWorld.js'

beforeAll(() => worker.start({ quiet: true, onUnhandledRequest: 'error' }))
afterAll(() => worker.stop())
afterEach(() => cleanup())

/** Every request the page made, with the Authorization it carried. */
function recordRequests() {
  const requests: Array<{ url: string; authorization: string | null }> = []
  const listener = ({ request }: { request: Request }) => {
    requests.push({ url: request.url, authorization: request.headers.get('authorization') })
  }
  worker.events.on('request:start', listener)
  return { requests, stop: () => worker.events.removeListener('request:start', listener) }
}

function app(w: BrowserWorld, getToken: () => string | Promise<string>) {
  const wallet = portalAdapter(w.wallet)
  // One object for every render: a new retry object would make a new share API anyway, and the test would not
  // see whether a new getToken alone reaches it.
  const retry = { tries: 2, baseDelayMs: 1 }
  return (token: () => string | Promise<string> = getToken) => (
    <WalletBackupProvider
      wallet={wallet}
      googleClientId={GOOGLE_CLIENT_ID}
      // A new object and a new function at every render, as apps write it.
      server={{ baseURL: '/api', getToken: () => token() }}
      clientId={w.clientId}
      queryClient={w.queryClient}
      retry={retry}
    >
      <BackupStatus />
      <BackupButton />
    </WalletBackupProvider>
  )
}

const random = () => crypto.getRandomValues(new Uint32Array(4)).join('')

describe("WalletBackupProvider's server.getToken", () => {
  test("signs every request to the app's server with the latest render's token, none to Google, and keeps it nowhere", async () => {
    const w = createBrowserWorld()
    const recorded = recordRequests()
    const console_ = captureConsole()
    try {
      const issued: string[] = []
      const mint = (label: string) => async () => {
        const token = `${label}.${random()}`
        issued.push(token)
        return token
      }
      const view = app(w, mint('first'))
      const { rerender } = render(view())
      // The status read on mount carries a first token.
      await expect.poll(() => w.share.requests.length).toBeGreaterThan(0)
      // The app renders again with another getToken: the next requests use it.
      rerender(view(mint('second')))
      const before = w.share.requests.length
      const button = await enabledButton('Back up wallet')
      await userEvent.click(button)
      await expect.element(button).toHaveAttribute('data-state', 'success')
      expect(w.wallet.notifications.map((n) => n.success)).toEqual([true])

      const toApp = recorded.requests.filter((r) => new URL(r.url).pathname.startsWith('/api/'))
      const elsewhere = recorded.requests.filter((r) => !new URL(r.url).pathname.startsWith('/api/'))
      // One token asked per request to the app's server, each sent as it was issued.
      expect(toApp.map((r) => r.authorization)).toEqual(issued.map((t) => `Bearer ${t}`))
      expect(w.share.requests.slice(before).length).toBeGreaterThan(0)
      expect(new Set(toApp.slice(before).map((r) => r.authorization?.split('.')[0]))).toEqual(
        new Set(['Bearer second']),
      )
      // Google's calls carry Google's token, never the app's (and the app's server never gets Google's).
      expect(elsewhere.length).toBeGreaterThan(0)
      expect(issued.length).toBeGreaterThan(0)
      for (const r of elsewhere) for (const token of issued) expect(r.authorization ?? '').not.toContain(token)

      const surfaces = { ...exposedSurfaces(w), console: console_.lines.join('\n') }
      for (const [where, text] of Object.entries(surfaces))
        for (const token of issued) expect(text.includes(token), `the app's token leaked into ${where}`).toBe(false)
    } finally {
      console_.restore()
      recorded.stop()
    }
  })

  test('a getToken that fails: the backup ends with SHARE_TOKEN_FAILED, the wallet hears false, the server hears nothing', async () => {
    const w = createBrowserWorld()
    render(
      app(w, async () => {
        throw new Error('signed out')
      })(),
    )
    const button = await enabledButton('Back up wallet')
    await userEvent.click(button)
    await expect.element(button).toHaveAttribute('data-state', 'error')
    expect(button.getAttribute('data-error-code')).toBe('SHARE_TOKEN_FAILED')
    expect(w.wallet.notifications.map((n) => n.success)).toEqual([false])
    expect(w.share.requests).toEqual([])
  })
})
