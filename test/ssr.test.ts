// Server rendering (Next.js pages, Remix, any renderToString): the kit's provider and buttons render in Node with no
// window or document, and the HTML is the not-ready state the client hydrates from. Plain createElement (no JSX): the
// node project picks up `test/**/*.test.ts` only.
import { createElement as h, type ReactNode } from 'react'
import { renderToString } from 'react-dom/server'
import { describe, expect, test } from 'vitest'
import { portalAdapter } from '../src/adapters/portalAdapter.js'
import { QueryClient } from '@tanstack/react-query'
import { BackupButton, defaultBackupLabels } from '../src/components/BackupButton.js'
import { BackupReminder } from '../src/components/BackupReminder.js'
import { BackupStatus } from '../src/components/BackupStatus.js'
import { RecoverButton, defaultRecoverLabels } from '../src/components/RecoverButton.js'
import { WalletBackupProvider } from '../src/components/WalletBackupProvider.js'
import type { KeyCustody, WalletAdapter } from '../src/core/clients/WalletAdapter.js'
import { backupKeys } from '../src/core/query/backupKeys.js'
import { createWalletEmulator } from '../src/testing/index.js'

/** What the globals looked like while React rendered the tree (read during render, not before or after). */
function renderInNode(keyCustody: KeyCustody, options: { withReadiness?: boolean } = {}) {
  const adapter = portalAdapter(createWalletEmulator({ clientId: 'ssr-client' }), { keyCustody })
  // A custom adapter says nothing about readiness (then it is ready); Portal's does, and no SDK is ready on a server.
  const { isReady: _isReady, onReady: _onReady, ...custom } = adapter
  const wallet: WalletAdapter = options.withReadiness ? adapter : custom
  const seen: string[] = []
  const Probe = ({ children }: { children?: ReactNode }) => {
    seen.push(`${typeof window}/${typeof document}`)
    return children
  }
  const html = renderToString(
    h(
      WalletBackupProvider,
      {
        wallet,
        clientId: 'ssr-client',
        googleClientId: 'ssr.apps.googleusercontent.com',
        server: { baseURL: '/api' },
      },
      h(Probe, null, h(BackupButton), h(RecoverButton), h(Probe)),
    ),
  )
  return { html, seen }
}

/** The attributes of each <button> in the HTML, in document order. */
function buttons(html: string) {
  return [...html.matchAll(/<button([^>]*)>([^<]*)<\/button>/g)].map(([, attrs, text]) => ({
    attrs: attrs!,
    text: text!,
  }))
}

describe('server rendering in Node', () => {
  test('kit custody: both buttons render disabled, idle, with the loading label, and nothing reads window', () => {
    expect(typeof window).toBe('undefined')
    const { html, seen } = renderInNode('kit')
    expect(seen).toEqual(['undefined/undefined', 'undefined/undefined'])
    expect(typeof window).toBe('undefined')

    const [backup, recover] = buttons(html)
    expect(buttons(html)).toHaveLength(2)
    for (const b of [backup!, recover!]) {
      expect(b.attrs).toContain('disabled=""')
      expect(b.attrs).toContain('data-state="idle"')
      expect(b.attrs).toContain('data-disabled-reason="google-loading"')
      expect(b.attrs).not.toContain('aria-busy')
    }
    expect(backup!.text).toBe(defaultBackupLabels.loading)
    expect(recover!.text).toBe(defaultRecoverLabels.loading)
    // The live regions announce the same state.
    expect(html.match(/role="status"[^>]*>([^<]*)</g)?.length).toBe(2)
  })

  test('provider custody needs no Google script: the buttons render enabled and idle on the server', () => {
    const { html } = renderInNode('provider')
    const [backup, recover] = buttons(html)
    expect(backup!.attrs).not.toContain('disabled')
    expect(backup!.attrs).toContain('data-state="idle"')
    expect(backup!.text).toBe(defaultBackupLabels.idle)
    expect(recover!.text).toBe(defaultRecoverLabels.idle)
  })

  test('a wallet with readiness (Portal) renders wallet-loading on the server, the same on both sides of hydration', () => {
    for (const keyCustody of ['kit', 'provider'] as const) {
      const { html } = renderInNode(keyCustody, { withReadiness: true })
      for (const b of buttons(html)) {
        expect(b.attrs).toContain('disabled=""')
        expect(b.attrs).toContain('data-disabled-reason="wallet-loading"')
        expect(b.text).toBe(defaultBackupLabels.walletLoading)
      }
    }
  })

  test('BackupReminder renders nothing on the server, even with the status known to be "none" (storage is read after mount)', () => {
    const queryClient = new QueryClient()
    queryClient.setQueryData(backupKeys.status('ssr-client'), {
      state: 'none',
      server: false,
      drive: undefined,
      wallet: undefined,
      storedAt: undefined,
    })
    const html = renderToString(
      h(
        WalletBackupProvider,
        {
          wallet: portalAdapter(createWalletEmulator({ clientId: 'ssr-client' }), { keyCustody: 'provider' }),
          clientId: 'ssr-client',
          googleClientId: 'ssr.apps.googleusercontent.com',
          server: { baseURL: '/api' },
          queryClient,
        },
        h(BackupStatus),
        h(BackupReminder),
      ),
    )
    // The status is there (so the reminder had what it needed), and no reminder: the browser's first render agrees.
    expect(html).toContain('data-state="none"')
    expect(html).not.toContain('backup-reminder')
  })
})
