// A backup world in real Chromium: the MSW worker serves the GIS stand-in and emulates Drive and the app's server;
// the real @react-oauth/google loads the stand-in; the wallet emulator encrypts for real.
import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query'
import { render, screen } from '@testing-library/react'
import { setupWorker } from 'msw/browser'
import type { ReactNode } from 'react'
import { expect, inject } from 'vitest'
import { portalAdapter } from '../../src/adapters/portalAdapter.js'
import type { PartialMessages } from '../../src/components/messages.js'
import { WalletBackupProvider } from '../../src/components/WalletBackupProvider.js'
import {
  createGoogleEmulator,
  createShareServerEmulator,
  createWalletBackend,
  createWalletEmulator,
} from '../../src/testing/index.js'

export const worker = setupWorker()
export const GOOGLE_CLIENT_ID = 'emulator-client-id'

/** Every request the page made, with its Authorization header, to find tokens and to scan URLs. */
export const seen: { urls: string[]; authorizations: string[]; secrets: string[] } = {
  urls: [],
  authorizations: [],
  secrets: [],
}
worker.events.on('request:start', ({ request }) => {
  seen.urls.push(request.url)
  const auth = request.headers.get('authorization')
  if (auth) seen.authorizations.push(auth.replace(/^Bearer /, ''))
  // Every share and key that ever went over the wire, also those a rollback later removed.
  if (request.method === 'POST' || request.method === 'PATCH')
    void request
      .clone()
      .text()
      .then((body) => {
        for (const m of body.matchAll(/"cipherText":"([^"]+)"/g)) seen.secrets.push(m[1]!)
        if (request.url.includes('/upload/drive/'))
          for (const m of body.matchAll(/(?<![\w-])[A-Za-z0-9_-]{43}(?![\w-])/g)) seen.secrets.push(m[0])
      })
})

export function createBrowserWorld(
  options: {
    clientId?: string
    backend?: ReturnType<typeof createWalletBackend>
    /** The wallet emulator's realistic mode (as the real SDK: late boot, dropped early calls, numeric codes). */
    wallet?: { realistic?: boolean; bootDelayMs?: number | 'manual' }
  } = {},
) {
  const clientId = options.clientId ?? `client-${Math.random().toString(36).slice(2, 8)}`
  const google = createGoogleEmulator({ clientId: GOOGLE_CLIENT_ID })
  const share = createShareServerEmulator({ baseURL: '/api' })
  worker.resetHandlers(...google.handlers, ...share.handlers)
  seen.urls.length = 0
  seen.authorizations.length = 0
  seen.secrets.length = 0
  hostHandlerLog.length = 0
  const backend = options.backend ?? createWalletBackend()
  const wallet = createWalletEmulator({ clientId, backend, ...options.wallet })
  const queryClient = hostQueryClient()
  const adapter = portalAdapter(wallet)
  const mount = (
    children: ReactNode,
    extra: {
      wallet?: typeof wallet
      timeoutMs?: number
      googleScriptTimeoutMs?: number
      googleSignInTimeoutMs?: number
      baseURL?: string
      walletTimeoutMs?: number
      /** The components' texts (a locale pack, or part of one). */
      messages?: PartialMessages
    } = {},
  ) =>
    render(
      <WalletBackupProvider
        wallet={extra.wallet ? portalAdapter(extra.wallet) : adapter}
        {...(extra.timeoutMs ? { timeoutMs: extra.timeoutMs } : {})}
        {...(extra.walletTimeoutMs ? { walletTimeoutMs: extra.walletTimeoutMs } : {})}
        {...(extra.googleScriptTimeoutMs ? { googleScriptTimeoutMs: extra.googleScriptTimeoutMs } : {})}
        {...(extra.googleSignInTimeoutMs ? { googleSignInTimeoutMs: extra.googleSignInTimeoutMs } : {})}
        googleClientId={GOOGLE_CLIENT_ID}
        messages={extra.messages}
        server={{ baseURL: extra.baseURL ?? '/api' }}
        clientId={clientId}
        queryClient={queryClient}
        retry={{ tries: 2, baseDelayMs: 1 }}
      >
        {children}
      </WalletBackupProvider>,
    )
  /** Device B: a fresh wallet instance (same provider backend), a new QueryClient, the same Google and server. */
  const mountOnNewDevice = (children: ReactNode) => {
    const device = createWalletEmulator({ clientId, backend })
    const deviceQueryClient = new QueryClient()
    const view = render(
      <WalletBackupProvider
        wallet={portalAdapter(device)}
        googleClientId={GOOGLE_CLIENT_ID}
        server={{ baseURL: '/api' }}
        clientId={clientId}
        queryClient={deviceQueryClient}
      >
        {children}
      </WalletBackupProvider>,
    )
    return { device, queryClient: deviceQueryClient, view }
  }
  return { clientId, google, share, backend, wallet, queryClient, mount, mountOnNewDevice }
}

/** The button with this accessible name, once it is enabled (the Google script has loaded). */
export async function enabledButton(name: string | RegExp): Promise<HTMLButtonElement> {
  const button = await screen.findByRole('button', { name }, { timeout: 5000 })
  await expect.poll(() => (button as HTMLButtonElement).disabled, { timeout: 5000 }).toBe(false)
  return button as HTMLButtonElement
}

export type BrowserWorld = ReturnType<typeof createBrowserWorld>

/**
 * The `browser-hostile` project runs the same tests inside a host QueryClient whose defaults would break a naive
 * flow (issue 19): mutations retried 3 times and thrown to error boundaries, queries retried 5 times, never fresh,
 * collected at once, and global cache handlers that see every error. What those handlers saw is scanned for
 * secrets like every other surface.
 */
declare module 'vitest' {
  export interface ProvidedContext {
    hostQueryClient: 'default' | 'hostile'
  }
}

export const hostile = inject('hostQueryClient') === 'hostile'
export const hostHandlerLog: string[] = []

function hostQueryClient(): QueryClient {
  if (!hostile) return new QueryClient({ defaultOptions: { queries: { retry: false } } })
  // The first two arguments: (error | data, variables) for mutations, (error | data, query) for queries.
  const record = (where: string) => (first: unknown, second: unknown) => {
    hostHandlerLog.push(
      `${where}: ${deepJson(first)} ${deepJson(second instanceof Object && 'queryKey' in second ? (second as unknown as { state: unknown }).state : second)}`,
    )
  }
  return new QueryClient({
    defaultOptions: {
      mutations: { retry: 3, retryDelay: 1, throwOnError: true },
      queries: { retry: 5, retryDelay: 1, staleTime: 0, gcTime: 0, throwOnError: true },
    },
    mutationCache: new MutationCache({
      onError: record('mutationCache.onError'),
      onSuccess: record('mutationCache.onSuccess'),
    }),
    queryCache: new QueryCache({ onError: record('queryCache.onError'), onSuccess: record('queryCache.onSuccess') }),
  })
}

/** The secrets of this world: every cipherText the server saw, every key file's content, every access token. */
export function secretsOf(w: BrowserWorld): string[] {
  const cipherTexts = w.share.rows().map((r) => r.cipherText)
  const keys = w.google.files().map((f) => w.google.readFile(f.id)?.text ?? '')
  return [...new Set([...cipherTexts, ...keys, ...seen.secrets, ...seen.authorizations])].filter((s) => s.length >= 16)
}

/** Everything a secret must never reach: the query and mutation caches (state, variables, errors), web storage. */
export function exposedSurfaces(w: BrowserWorld): Record<string, string> {
  const errorText = (e: unknown): unknown =>
    e instanceof Error ? { name: e.name, message: e.message, cause: errorText(e.cause), own: { ...e } } : e
  const queries = w.queryClient
    .getQueryCache()
    .getAll()
    .map((q) => ({ key: q.queryKey, state: { ...q.state, error: errorText(q.state.error) } }))
  const mutations = w.queryClient
    .getMutationCache()
    .getAll()
    .map((m) => ({
      key: m.options.mutationKey,
      state: { ...m.state, error: errorText(m.state.error) },
    }))
  const storage = (s: Storage) => JSON.stringify(Object.entries({ ...s }))
  return {
    queryCache: JSON.stringify(queries),
    mutationCache: JSON.stringify(mutations),
    localStorage: storage(localStorage),
    sessionStorage: storage(sessionStorage),
    requestUrls: seen.urls.join('\n'),
    hostCacheHandlers: hostHandlerLog.join('\n'),
  }
}

/** Captures console output (all levels) while a test runs. */
export function captureConsole() {
  const lines: string[] = []
  const levels = ['log', 'info', 'warn', 'error', 'debug'] as const
  const originals = levels.map((l) => console[l])
  levels.forEach((l, i) => {
    console[l] = (...args: unknown[]) => {
      lines.push(args.map((a) => (typeof a === 'string' ? a : safeJson(a))).join(' '))
      originals[i]!.apply(console, args)
    }
  })
  return {
    lines,
    restore: () => levels.forEach((l, i) => (console[l] = originals[i]!)),
  }
}

/** Errors with their own fields and causes, cycles cut: what a host's logger or error tracker would keep. */
function deepJson(v: unknown): string {
  const seenObjects = new WeakSet<object>()
  return (
    JSON.stringify(v, (_k, value: unknown) => {
      if (value instanceof Error) return { ...value, name: value.name, message: value.message, cause: value.cause }
      if (value && typeof value === 'object') {
        if (seenObjects.has(value)) return '[cycle]'
        seenObjects.add(value)
      }
      return value
    }) ?? String(v)
  )
}

function safeJson(v: unknown): string {
  try {
    return v instanceof Error ? `${v.name}: ${v.message}` : JSON.stringify(v)
  } catch {
    return String(v)
  }
}
