// One emulated world per story: Google (GIS stand-in + Drive, as MSW handlers), the app's share server (MSW),
// and the wallet provider (in page). Built fresh in each story's loader so stories never share state.
import { QueryClient } from '@tanstack/react-query'
import { type ReactNode, useContext } from 'react'
import type { Decorator, StoryContext } from '@storybook/react-vite'
import type { MswApi } from 'msw-storybook-addon/types'
import { http, HttpResponse } from 'msw'
import { portalAdapter } from '../../src/adapters/portalAdapter.js'
import { WalletBackupProvider } from '../../src/components/WalletBackupProvider.js'
import { LocaleContext, locales } from './locale.js'
import { backupWallet } from '../../src/core/actions/backupWallet.js'
import { createShareApi } from '../../src/core/clients/createShareApi.js'
import {
  createGoogleEmulator,
  createShareServerEmulator,
  createWalletBackend,
  createWalletEmulator,
  type GoogleEmulator,
  type ShareServerEmulator,
  type WalletBackend,
  type WalletEmulator,
} from '../../src/testing/index.js'

export const GOOGLE_CLIENT_ID = 'storybook-emulator-client-id'
/** Long enough to look at a held step in the Storybook UI; the play function only needs it to be visible. */
export const HOLD_MS = 10 * 60_000

/**
 * beforeEach of a story that shows Google's script loading: the script request is held until the play function has
 * seen that state and calls the returned release, or until the story is left (the release is also its cleanup), so
 * the check never races a delay. Never left hanging: Chromium shares one in-flight request for the same script URL
 * across loads, so a hung script would hang the next story too.
 */
export function holdGoogleScript(context: Ctx): () => void {
  let release!: () => void
  const until = new Promise<void>((resolve) => (release = resolve))
  worldOf(context).google.faults.set('gis.script', { until }, { times: 1 })
  heldScripts.set(worldOf(context), release)
  return release
}
const heldScripts = new WeakMap<StoryWorld, () => void>()
/** Lets the script held by `holdGoogleScript` load. */
export function releaseGoogleScript(context: Ctx): void {
  heldScripts.get(worldOf(context))?.()
}

export interface StoryWorld {
  clientId: string
  google: GoogleEmulator
  share: ShareServerEmulator
  backend: WalletBackend
  /** The device the wallet was made on (the one BackupButton stories render). */
  wallet: WalletEmulator
  /** A fresh device of the same wallet: no share on it, same provider backend (what RecoverButton stories render). */
  newDevice: WalletEmulator
  queryClient: QueryClient
}

export function createStoryWorld(): StoryWorld {
  const clientId = `story-${Math.random().toString(36).slice(2, 10)}`
  const backend = createWalletBackend()
  return {
    clientId,
    // Play functions click with testing-library's synthetic events, which carry no user activation, so the
    // stand-in would report every popup blocked. The click-inside-a-gesture rule is tested with trusted clicks in
    // test/*.browser.test.tsx; blocked popups here come from `consent.next('popupBlocked')`.
    google: createGoogleEmulator({ clientId: GOOGLE_CLIENT_ID, gis: { requireUserActivation: false } }),
    share: createShareServerEmulator({ baseURL: '/api' }),
    backend,
    wallet: createWalletEmulator({ clientId, backend }),
    newDevice: createWalletEmulator({ clientId, backend, createWallet: false }),
    queryClient: new QueryClient({ defaultOptions: { queries: { retry: false } } }),
  }
}

/** Loader: `context.loaded.world`. */
export const worldLoader = async () => ({ world: createStoryWorld() })

type Ctx = Pick<StoryContext, 'loaded'>

export function worldOf(context: Ctx): StoryWorld {
  const world = (context.loaded as { world?: StoryWorld }).world
  if (!world) throw new Error('story: no world (is worldLoader among the loaders?)')
  return world
}

/** beforeEach: this story's handlers on the addon's worker (the addon's loader reset the previous story's). */
export function registerHandlers(context: Ctx & { msw: MswApi }) {
  const w = worldOf(context)
  context.msw.use(...w.google.handlers, ...w.share.handlers)
}

/** A base URL the app's web server has no route for (a typo'd `baseURL`): it answers a plain HTML 404. */
export const WRONG_BASE_URL = '/wrong-api'
export function registerMissingRoute(context: { msw: MswApi }) {
  context.msw.use(
    http.all(
      `*${WRONG_BASE_URL}/*`,
      ({ request }) =>
        new HttpResponse(`<pre>Cannot ${request.method}</pre>`, {
          status: 404,
          headers: { 'content-type': 'text/html' },
        }),
    ),
  )
}

/** Provider props a story may set through `parameters.provider`. */
export type StoryProviderProps = { baseURL?: string; googleScriptTimeoutMs?: number }

/**
 * The meta parts every story in the emulated world shares, spread into a story file's meta: a fresh world per story
 * (loader), its handlers on the worker (beforeEach), and the app's provider around the story, with the story's
 * `parameters.provider` (StoryProviderProps) if it gives any.
 */
export const inWorld = {
  loaders: [worldLoader],
  beforeEach: (context: Ctx & { msw: MswApi }) => registerHandlers(context),
  decorators: [
    ((Story, context) => (
      <WorldProvider world={worldOf(context)} {...(context.parameters['provider'] as StoryProviderProps | undefined)}>
        <Story />
      </WorldProvider>
    )) satisfies Decorator,
  ],
}

/** A confirmed backup made on the first device (no UI): key in Drive, share on the (emulated) server. */
export async function seedBackup(w: StoryWorld): Promise<void> {
  const token = w.google.issueToken().access_token
  await backupWallet(
    { wallet: portalAdapter(w.wallet), clientId: w.clientId, shareApi: createShareApi({ baseURL: '/api' }) },
    { getAccessToken: async () => token },
  )
}

export function WorldProvider({
  world,
  wallet,
  queryClient,
  children,
  baseURL,
  googleScriptTimeoutMs,
}: StoryProviderProps & {
  world: StoryWorld
  /** Default: the first device. */
  wallet?: WalletEmulator
  /** Default: the world's client (a new device passes its own). */
  queryClient?: QueryClient
  children: ReactNode
}) {
  const locale = useContext(LocaleContext)
  return (
    <WalletBackupProvider
      wallet={portalAdapter(wallet ?? world.wallet)}
      googleClientId={GOOGLE_CLIENT_ID}
      server={{ baseURL: baseURL ?? '/api' }}
      {...(googleScriptTimeoutMs ? { googleScriptTimeoutMs } : {})}
      clientId={world.clientId}
      queryClient={queryClient ?? world.queryClient}
      retry={{ tries: 2, baseDelayMs: 1 }}
      // English is the components' own defaults (no messages), as in an app that passes none.
      messages={locale === 'en' ? undefined : locales[locale].messages}
    >
      {children}
    </WalletBackupProvider>
  )
}
