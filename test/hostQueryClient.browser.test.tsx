// The kit inside an app's own QueryClient whose defaults would break a naive flow (issue 19): the kit's pinned
// options win over `defaultOptions`, and what a caller passes through the hooks on purpose is honoured.
import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { cleanup, render, screen } from '@testing-library/react'
import { Component, type ReactNode } from 'react'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { userEvent } from 'vitest/browser'
import { portalAdapter } from '../src/adapters/portalAdapter.js'
import { BackupButton } from '../src/components/BackupButton.js'
import { BackupStatus } from '../src/components/BackupStatus.js'
import { WalletBackupProvider } from '../src/components/WalletBackupProvider.js'
import type { BackupError } from '../src/core/errors/errors.js'
import { useWalletBackup } from '../src/hooks/useWalletBackup.js'
import { GOOGLE_CLIENT_ID, createBrowserWorld, worker, type BrowserWorld } from './support/browserWorld.js'

beforeAll(() => worker.start({ quiet: true, onUnhandledRequest: 'error' }))
afterAll(() => worker.stop())
afterEach(() => cleanup())

const hostileHost = () =>
  new QueryClient({
    defaultOptions: {
      mutations: { retry: 3, retryDelay: 1, throwOnError: true, networkMode: 'online' },
      queries: { retry: 5, retryDelay: 1, staleTime: 0, gcTime: 0, throwOnError: true },
    },
  })

class Boundary extends Component<{ children: ReactNode }, { error: unknown }> {
  override state = { error: undefined as unknown }
  static getDerivedStateFromError(error: unknown) {
    return { error }
  }
  override render() {
    const { error } = this.state
    return error ? <p role="alert">boundary: {(error as BackupError).code}</p> : this.props.children
  }
}

/** The app's own providers: its QueryClientProvider outside, the kit's provider inside. */
function mountInHost(w: BrowserWorld, host: QueryClient, children: ReactNode) {
  return render(
    <QueryClientProvider client={host}>
      <Boundary>
        <WalletBackupProvider
          wallet={portalAdapter(w.wallet)}
          googleClientId={GOOGLE_CLIENT_ID}
          server={{ baseURL: '/api' }}
          clientId={w.clientId}
          retry={{ tries: 2, baseDelayMs: 1 }}
        >
          {children}
        </WalletBackupProvider>
      </Boundary>
    </QueryClientProvider>,
  )
}

async function clickWhenReady(name: string) {
  const button = await screen.findByRole('button', { name }, { timeout: 5000 })
  await expect.poll(() => (button as HTMLButtonElement).disabled, { timeout: 5000 }).toBe(false)
  await userEvent.click(button)
  return button
}

describe('inside a host QueryClient with hostile defaults', () => {
  test('a failed backup runs once (one share, one false, no second popup) and shows its error on the button, not the boundary', async () => {
    const w = createBrowserWorld()
    w.share.faults.set('share.post', { status: 503 })
    const host = hostileHost()
    mountInHost(w, host, <BackupButton />)
    const button = await clickWhenReady('Back up wallet')
    await expect.element(button).toHaveTextContent('Backup failed. Try again')
    expect(button.getAttribute('data-error-code')).toBe('SHARE_UPLOAD_FAILED')
    expect(screen.queryByRole('alert')).toBeNull()
    // 'error' is the mutation's last state: a mutation TanStack retries stays 'pending' until its retries are spent.
    expect(
      host
        .getMutationCache()
        .getAll()
        .map((m) => m.state.status),
    ).toEqual(['error'])
    expect(w.wallet.notifications).toMatchObject([{ success: false }])
    expect(
      w.share.requests.filter((r) => r.method === 'POST'),
      'the kit retries the request itself: 2 tries, one flow',
    ).toHaveLength(2)
    expect(w.google.calls.filter((c) => c.kind === 'requestAccessToken')).toHaveLength(1)
    expect(host.getMutationCache().getAll()).toHaveLength(1)
    expect(host.getMutationCache().getAll()[0]!.state.failureCount).toBe(1)
  })

  test('the status query retries only retryable errors, once, whatever the host says', async () => {
    const w = createBrowserWorld()
    const host = hostileHost()
    w.share.faults.set('share.get', { status: 403 })
    const view = mountInHost(w, host, <BackupStatus />)
    await expect
      .poll(() => document.querySelector('span[data-state]')?.getAttribute('data-state'), { timeout: 5000 })
      .toBe('error')
    // 'error' comes only once TanStack's retries are spent, and nothing is fetching any more.
    expect(
      host
        .getQueryCache()
        .getAll()
        .map((q) => [q.state.status, q.state.fetchStatus]),
    ).toEqual([['error', 'idle']])
    expect(
      w.share.requests.filter((r) => r.method === 'GET'),
      'a 403 is asked once',
    ).toHaveLength(1)
    view.unmount()

    w.share.faults.set('share.get', { status: 503 })
    const before = w.share.requests.length
    const second = hostileHost()
    mountInHost(w, second, <BackupStatus />)
    await expect
      .poll(() => document.querySelector('span[data-state]')?.getAttribute('data-state'), { timeout: 5000 })
      .toBe('error')
    expect(
      second
        .getQueryCache()
        .getAll()
        .map((q) => [q.state.status, q.state.fetchStatus]),
    ).toEqual([['error', 'idle']])
    // 2 tries per run (the kit's request retry) x 2 runs (one query retry), not 2 x 6.
    expect(w.share.requests.slice(before).filter((r) => r.method === 'GET')).toHaveLength(4)
    expect(screen.queryByRole('alert')).toBeNull()
  })

  test('the status answer is kept and stays fresh although the host says staleTime 0 and gcTime 0', async () => {
    const w = createBrowserWorld()
    const host = hostileHost()
    const view = mountInHost(w, host, <BackupStatus />)
    await expect
      .poll(() => document.querySelector('span[data-state]')?.getAttribute('data-state'), { timeout: 5000 })
      .toBe('none')
    const gets = () => w.share.requests.filter((r) => r.method === 'GET').length
    const after = gets()
    view.rerender(
      <QueryClientProvider client={host}>
        <p>elsewhere</p>
      </QueryClientProvider>,
    )
    // Unobserved for a moment: a host gcTime of 0 would drop the answer now.
    await new Promise((r) => setTimeout(r, 100))
    expect(host.getQueryCache().getAll()).toHaveLength(1)
    mountInHost(w, host, <BackupStatus />)
    await expect
      .poll(() => document.querySelector('span[data-state]')?.getAttribute('data-state'), { timeout: 5000 })
      .toBe('none')
    expect(gets()).toBe(after)
  })
})

describe('TanStack options passed through the hooks on purpose', () => {
  test('mutation.throwOnError sends the typed error to the app boundary; meta and callbacks reach TanStack after the kit', async () => {
    const w = createBrowserWorld()
    w.share.faults.set('share.post', { status: 400 })
    const host = new QueryClient()
    const calls: string[] = []
    function MyBackup() {
      const flow = useWalletBackup({
        onError: () => calls.push('kit onError'),
        mutation: {
          throwOnError: true,
          meta: { screen: 'settings' },
          onError: (error) => void calls.push(`mutation.onError ${error.code}`),
          onSettled: () => void calls.push('mutation.onSettled'),
        },
      })
      return (
        <button type="button" onClick={flow.backup} disabled={!flow.isReady}>
          mine
        </button>
      )
    }
    mountInHost(w, host, <MyBackup />)
    await clickWhenReady('mine')
    await expect
      .element(await screen.findByRole('alert', {}, { timeout: 5000 }))
      .toHaveTextContent('boundary: SHARE_UPLOAD_FAILED')
    expect(calls).toEqual(['kit onError', 'mutation.onError SHARE_UPLOAD_FAILED', 'mutation.onSettled'])
    expect(host.getMutationCache().getAll()[0]!.options.meta).toEqual({ screen: 'settings' })
    expect(w.wallet.notifications).toMatchObject([{ success: false }])
  })
})
