'use client'
import { QueryClient, QueryClientContext, QueryClientProvider } from '@tanstack/react-query'
import { GoogleOAuthProvider, useGoogleLogin, useGoogleOAuth } from '@react-oauth/google'
import {
  useCallback,
  useContext,
  useEffect,
  useInsertionEffect,
  useMemo,
  useRef,
  useState,
  useSyncExternalStore,
  type ReactNode,
} from 'react'
import { isWalletReady } from '../core/clients/callWallet.js'
import { createShareApi, type ShareApiConfig } from '../core/clients/createShareApi.js'
import { createTokenBroker, type TokenBroker } from '../core/clients/createTokenBroker.js'
import { DRIVE_APPDATA_SCOPE } from '../core/clients/driveKeyStore.js'
import { BackupConfigError, GoogleScriptUnavailable } from '../core/errors/errors.js'
import { readClientId } from '../core/flow/readClientId.js'
import type { WalletAdapter } from '../core/clients/WalletAdapter.js'
import type { RetryOptions } from '../core/utils/withRetry.js'
import { WalletBackupContext, type WalletBackupConfig } from '../hooks/WalletBackupContext.js'
import type { PartialMessages } from './messages.js'

export type WalletBackupProviderProps = {
  /** The wallet, e.g. `portalAdapter(portal)`. */
  wallet: WalletAdapter
  /**
   * The wallet's client id: names the server record and the Drive key file. Optional when the wallet can tell it
   * (`portalAdapter` reads it through Portal's `getClient()` once the SDK is ready).
   */
  clientId?: string
  /**
   * The app's share endpoint: `{ baseURL: '/api' }` or `{ axios: instance }` (its interceptors add auth), and
   * `getToken` to send `Authorization: Bearer <token>` with every request (see "Sign-in" in docs/server.md).
   */
  server: ShareApiConfig
  /** The Google OAuth web client id. Not needed when the app renders its own GoogleOAuthProvider. */
  googleClientId?: string
  /** Used instead of the app's QueryClientProvider (or a new client when there is none). */
  queryClient?: QueryClient
  /** Retries of Drive and server calls (429, 5xx, network): default 3 tries with exponential backoff and jitter. */
  retry?: RetryOptions
  /** Per-request timeout for Drive and the server, in ms. Default 20 000. */
  timeoutMs?: number
  /** Per wallet call (backup, notify, recover, status), the wait for the wallet to be ready included. Default 60 000. */
  walletTimeoutMs?: number
  /**
   * How long Google's sign-in script may take to load before the buttons show `GoogleScriptUnavailable` (with a
   * retry) instead of waiting forever. Default 15 000 ms.
   */
  googleScriptTimeoutMs?: number
  /**
   * How long Google's sign-in popup may stay without an answer before the flow ends with `GoogleSignInTimeout`
   * (a popup that never calls back would otherwise hold the flow until reload). Default 300 000 ms (5 minutes).
   */
  googleSignInTimeoutMs?: number
  /**
   * The components' texts, by component (`backupButton`, `recoverButton`, `backupStatus`, `backupReminder`) and
   * `errors` by code: a locale pack (`import { es } from 'react-mpc-backup/locales/es'`), or any part of one; what is
   * missing stays English, and a component's `labels` prop wins over it. The hooks do not read it.
   */
  messages?: PartialMessages | undefined
  children?: ReactNode
}

/**
 * Supplies the kit's configuration. Works inside an app's own QueryClientProvider and GoogleOAuthProvider, or
 * creates them when absent. Bad props fail here, at render, not mid-flow.
 */
export function WalletBackupProvider(props: WalletBackupProviderProps) {
  const outerQueryClient = useContext(QueryClientContext)
  const outerGoogle = useOptionalGoogleOAuth()
  validate(props, outerGoogle)
  const [ownQueryClient] = useState(() => (props.queryClient || outerQueryClient ? undefined : new QueryClient()))
  const [broker] = useState(() =>
    createTokenBroker(
      props.googleSignInTimeoutMs !== undefined ? { requestTimeoutMs: props.googleSignInTimeoutMs } : {},
    ),
  )
  const { server } = props
  // The latest render's getToken, read at each request: an inline function (new every render) must not make a new
  // share API, and so a new config, on every render. Set in an insertion effect, before any effect can send.
  const getToken = useRef(server.getToken)
  useInsertionEffect(() => {
    getToken.current = server.getToken
  })
  const withToken = server.getToken !== undefined
  // biome-ignore lint/correctness/useExhaustiveDependencies: keyed on the endpoint's fields, not the object (see below)
  const shareApi = useMemo(
    () =>
      createShareApi({
        ...server,
        retry: server.retry ?? props.retry,
        timeoutMs: server.timeoutMs ?? props.timeoutMs,
        getToken: withToken ? () => getToken.current!() : undefined,
      }),
    // The axios instance or base URL identifies the endpoint; a new object literal each render must not matter.
    [server.axios, server.baseURL, server.path, server.treat404AsNoBackup, withToken, props.retry, props.timeoutMs],
  )
  const { wallet, walletTimeoutMs } = props
  const subscribe = useCallback((listener: () => void) => wallet.onReady?.(listener) ?? (() => {}), [wallet])
  const walletIsReady = useSyncExternalStore(
    subscribe,
    () => isWalletReady(wallet),
    () => !wallet.isReady,
  )
  const given = props.clientId
  const [clientId, learn] = useClientId(wallet, given, walletIsReady, walletTimeoutMs)
  // Google access belongs to one app user: another client id drops the previous one's token, hint and late answer.
  useEffect(() => {
    if (clientId) broker.bind(clientId)
  }, [broker, clientId])
  const config = useMemo<WalletBackupConfig>(
    () => ({
      wallet,
      clientId: clientId ?? '',
      shareApi,
      broker,
      retry: props.retry,
      timeoutMs: props.timeoutMs,
      walletTimeoutMs,
      walletReady: walletIsReady && clientId !== undefined,
      // The app's own clientId is current by definition; one the wallet tells is read again when a flow starts.
      readClientId: given ? undefined : (signal) => readClientId(wallet, { signal, timeoutMs: walletTimeoutMs }),
      // The wallet's client changed under the same adapter: status, keys and the next click follow it.
      learnClientId: given ? undefined : (id) => learn(wallet, id),
      messages: props.messages,
    }),
    [
      wallet,
      clientId,
      given,
      learn,
      shareApi,
      broker,
      props.retry,
      props.timeoutMs,
      walletTimeoutMs,
      walletIsReady,
      props.messages,
    ],
  )

  const needsGoogle = props.wallet.keyCustody === 'kit'
  // Known only for the provider we render; under an app's own provider the timeout alone tells.
  const [scriptFailed, setScriptFailed] = useState(false)
  let tree = (
    <WalletBackupContext.Provider value={config}>
      {needsGoogle ? (
        <GoogleScriptGate
          broker={broker}
          timeoutMs={props.googleScriptTimeoutMs ?? 15_000}
          firstLoadFailed={scriptFailed}
        />
      ) : null}
      {props.children}
    </WalletBackupContext.Provider>
  )
  if (needsGoogle && !outerGoogle)
    tree = (
      <GoogleOAuthProvider clientId={props.googleClientId!} onScriptLoadError={() => setScriptFailed(true)}>
        {tree}
      </GoogleOAuthProvider>
    )
  const queryClient = props.queryClient ?? ownQueryClient
  if (queryClient) tree = <QueryClientProvider client={queryClient}>{tree}</QueryClientProvider>
  return tree
}

/**
 * The app's clientId, or the one the wallet tells once it is ready (and the way to learn a newer one a flow read).
 * A wallet that cannot tell it fails at render.
 */
function useClientId(
  wallet: WalletAdapter,
  given: string | undefined,
  ready: boolean,
  timeoutMs: number | undefined,
): [string | undefined, (wallet: WalletAdapter, id: string) => void] {
  const [told, setTold] = useState<{ wallet: WalletAdapter; id?: string; error?: unknown }>()
  const learn = useCallback(
    (from: WalletAdapter, id: string) => setTold((t) => (t?.wallet === from && t.id === id ? t : { wallet: from, id })),
    [],
  )
  const ask = !given && ready && typeof wallet.getClientId === 'function'
  useEffect(() => {
    if (!ask) return
    let live = true
    readClientId(wallet, { timeoutMs }).then(
      (id) => live && setTold({ wallet, id }),
      (error: unknown) => live && setTold({ wallet, error }),
    )
    return () => {
      live = false
    }
  }, [ask, wallet, timeoutMs])
  if (given) return [given, learn]
  if (told?.wallet !== wallet) return [undefined, learn]
  if (told.error !== undefined)
    throw new BackupConfigError(`<WalletBackupProvider> could not read the client id: pass "clientId" (${portalId}).`, {
      step: 'config',
      cause: told.error,
    })
  return [told.id, learn]
}

function useOptionalGoogleOAuth(): boolean {
  // @react-oauth/google exports no context, only a hook that throws outside its provider.
  try {
    // biome-ignore lint/correctness/useHookAtTopLevel: called on every render; the try only catches its throw
    useGoogleOAuth()
    return true
  } catch {
    return false
  }
}

/**
 * Turns a script that fails or never loads (offline, ad blocker, Content-Security-Policy) into a typed error with a
 * retry. A retry loads the script again through a GoogleOAuthProvider of its own around the token bridge only, so
 * the app's tree under the outer provider is not remounted.
 */
function GoogleScriptGate({
  broker,
  timeoutMs,
  firstLoadFailed,
}: {
  broker: TokenBroker
  timeoutMs: number
  firstLoadFailed: boolean
}) {
  const { clientId } = useGoogleOAuth()
  const [attempt, setAttempt] = useState(0)
  const [retryFailed, setRetryFailed] = useState(false)
  const failed = attempt === 0 ? firstLoadFailed : retryFailed
  const retry = useCallback(() => {
    setRetryFailed(false)
    setAttempt((a) => a + 1)
  }, [])
  const bridge = <GoogleTokenBridge broker={broker} timeoutMs={timeoutMs} failed={failed} retry={retry} />
  if (attempt === 0) return bridge
  return (
    <GoogleOAuthProvider key={attempt} clientId={clientId} onScriptLoadError={() => setRetryFailed(true)}>
      {bridge}
    </GoogleOAuthProvider>
  )
}

/** Owns the one GIS token client of the tree and routes its callbacks to whichever flow asked for a token. */
function GoogleTokenBridge({
  broker,
  timeoutMs,
  failed,
  retry,
}: {
  broker: TokenBroker
  timeoutMs: number
  failed: boolean
  retry: () => void
}) {
  const { scriptLoadedSuccessfully } = useGoogleOAuth()
  const login = useGoogleLogin({
    flow: 'implicit',
    scope: DRIVE_APPDATA_SCOPE,
    // Without it the library adds `openid profile email` and Google shows drive.appdata as an optional checkbox.
    overrideScope: true,
    onSuccess: broker.accept,
    onError: broker.accept,
    onNonOAuthError: broker.reject,
  })
  // The token client is created in useGoogleLogin's own effect, which runs before this one.
  useEffect(() => {
    broker.attach(scriptLoadedSuccessfully ? (overrides) => login(overrides) : undefined)
    return () => broker.attach(undefined)
  }, [broker, login, scriptLoadedSuccessfully])
  useEffect(() => {
    if (scriptLoadedSuccessfully) return broker.reportScriptError(undefined)
    const unavailable = (reason: string) =>
      broker.reportScriptError(
        new GoogleScriptUnavailable('Google sign-in did not load.', {
          step: 'authorize',
          facts: { reason },
          details:
            'Check the connection, blockers and Content-Security-Policy (https://accounts.google.com/gsi/client).',
        }),
        retry,
      )
    if (failed) return unavailable('script_error')
    const timer = setTimeout(() => unavailable('timeout'), timeoutMs)
    return () => clearTimeout(timer)
  }, [broker, scriptLoadedSuccessfully, failed, timeoutMs, retry])
  return null
}

/** Where a Portal app finds the client id. */
const portalId = 'Portal: the "id" of await portal.getClient()'

function validate(props: WalletBackupProviderProps, outerGoogle: boolean) {
  const fail = (prop: string, what: string) => {
    throw new BackupConfigError(`<WalletBackupProvider> needs "${prop}": ${what}.`, { step: 'config' })
  }
  const w = props.wallet as Partial<WalletAdapter> | undefined
  if (!w || typeof w.backup !== 'function' || typeof w.notifyStored !== 'function')
    fail('wallet', 'a wallet adapter, e.g. portalAdapter(portal)')
  if (
    props.clientId !== undefined
      ? typeof props.clientId !== 'string' || !props.clientId.trim()
      : typeof w?.getClientId !== 'function'
  )
    fail('clientId', `the wallet's client id (${portalId}; portalAdapter reads it itself)`)
  if (!props.server || (!props.server.baseURL && !props.server.axios && props.server.baseURL !== ''))
    fail('server', '{ baseURL } or { axios }')
  if (props.server.getToken !== undefined && typeof props.server.getToken !== 'function')
    fail('server', 'getToken as a function')
  if (
    props.wallet.keyCustody === 'kit' &&
    !outerGoogle &&
    (typeof props.googleClientId !== 'string' || !props.googleClientId)
  )
    fail('googleClientId', 'a Google OAuth client id, or an outer GoogleOAuthProvider')
}
