import type { HttpHandler } from 'msw'
import type { LatencyOptions } from '../faults/applyLatency.js'
import type { FaultSwitch } from '../faults/createFaultSwitch.js'
import type { GisStandInOptions } from './gis/gisStandInScript.js'
import type { HttpFault } from '../faults/respondWithFault.js'

// The Google emulator's public types: its options, what it records and what its inspectors return.

/** Endpoints that faults and latency can target. */
export type GoogleEndpoint =
  | 'drive.list'
  | 'drive.create'
  | 'drive.update'
  | 'drive.get'
  | 'drive.delete'
  | 'drive.about'
  | 'gis.script'
  | 'gis.token'
  | 'gis.revoke'

/**
 * What the emulated user does in the next consent popup. `originMismatch` / `invalidClient`: Google shows its error
 * page (the page origin is not among the OAuth client's authorized JavaScript origins / the client id is unknown)
 * inside the popup; the page hears nothing until the user closes it, then `popup_closed`, as with GIS.
 * Stranding cases reported at real Google: `noAnswer` (the popup never calls back: a COOP header, an old GIS),
 * `closeImmediately` (`popup_closed` right after opening, as a `Cross-Origin-Opener-Policy: same-origin` page hears
 * it), `throw` (`requestAccessToken` throws synchronously), `nullError` (`error_callback(null)`).
 */
export type ConsentBehaviour =
  | 'approve'
  | 'deny'
  | 'close'
  | 'popupBlocked'
  | 'dropScope'
  | 'invalidScope'
  | 'originMismatch'
  | 'invalidClient'
  | 'noAnswer'
  | 'closeImmediately'
  | 'throw'
  | 'nullError'

export interface ConsentOptions {
  /**
   * Account the user picks in the chooser (default: the `login_hint` if it is a known account, else the first
   * account, as if the user clicked the top row). The chooser shows with `prompt: 'select_account'` (GIS's default)
   * or when several accounts are signed in; the call records it (`chooser`, `account`).
   */
  account?: string
  /** How long the popup stays open before the user acts, ms (a person closes a window in seconds). Default 0. */
  afterMs?: number
  /** Scopes the user unticks with `dropScope` (default: drive.appdata). */
  drop?: string[]
}

export interface ConsentStep extends ConsentOptions {
  behaviour: ConsentBehaviour
}

/** Success answer of GIS's token client (the `callback` argument). */
export interface GoogleTokenResponse {
  access_token: string
  expires_in: number
  scope: string
  token_type: 'Bearer'
  prompt: string
  authuser: string
  state?: string
}

/** OAuth error answer of GIS's token client (also passed to `callback`). */
export interface GoogleOAuthErrorResponse {
  error: string
  error_description: string
  error_uri: string
  state?: string
}

/** Non-OAuth error (passed to `error_callback`). */
export interface GoogleNonOAuthError {
  type: 'popup_failed_to_open' | 'popup_closed' | 'unknown'
  message: string
}

export type GisCallOutcome = 'pending' | ConsentBehaviour | 'error'

export interface GisInitTokenClientCall {
  kind: 'initTokenClient'
  at: number
  clientId: string
  scope: string
  /** The config given, functions left out. */
  config: Record<string, unknown>
  hasCallback: boolean
  hasErrorCallback: boolean
}

export interface GisRequestAccessTokenCall {
  kind: 'requestAccessToken'
  at: number
  clientId: string
  scope: string
  prompt: string
  overrides: Record<string, unknown>
  /** `window.event` was a trusted user gesture (click, keydown, pointerup...) at call time. */
  inUserEvent: boolean
  eventType: string | null
  eventTrusted: boolean | null
  /** `navigator.userActivation.isActive` at call time (`null` where the browser lacks the API). */
  userActivation: boolean | null
  outcome: GisCallOutcome
  /** Whether the account chooser was shown, and the account picked (set when the popup answers). */
  chooser?: boolean
  account?: string
  /**
   * Whether Google showed its consent screen (set when the popup answers with a token): the account had not granted
   * the OAuth client these scopes yet (or revoked the grant since), or the call asked `prompt: 'consent'`.
   */
  consent?: boolean
}

export interface GisOtherCall {
  kind: 'initCodeClient' | 'requestCode' | 'revoke' | 'id.initialize'
  at: number
  clientId?: string
  config?: Record<string, unknown>
}

export type GisCall = GisInitTokenClientCall | GisRequestAccessTokenCall | GisOtherCall

/** A grant revoked through `google.accounts.oauth2.revoke` (Google's revoke endpoint): the account and OAuth client. */
export interface GisRevocation {
  account: string
  clientId: string
  at: number
}

export interface IssueTokenOptions {
  /** Default: the first account. */
  account?: string
  /** Space-separated scopes; default drive.appdata. */
  scope?: string
  /** Seconds; default `tokenLifetimeSeconds` (3599). */
  expiresIn?: number
  /** OAuth client the token belongs to; default the emulator's `clientId`. */
  clientId?: string
}

/** A file as seen by inspectors (content through `readFile`). */
export interface DriveFileInfo {
  id: string
  name: string
  mimeType: string
  size: number
  createdTime: string
  modifiedTime: string
  /** Real folder ids, as Drive returns them (not the 'appDataFolder' alias). */
  parents: string[]
  space: 'appDataFolder' | 'drive'
  account: string
  clientId: string
  version: number
}

export interface TokenInfo {
  account: string
  clientId: string
  scope: string
  expiresAt: number
  revoked: boolean
}

export interface PutFileInput {
  name: string
  content: string | Uint8Array
  account?: string
  mimeType?: string
  clientId?: string
  space?: 'appDataFolder' | 'drive'
  /** Set as if by the file's app (`clientId`): private to it, as Drive keeps them. */
  appProperties?: Record<string, string>
  /**
   * The file's id, to seed a file that something else already names (a server record's key file id, say).
   * Default: a new id. An id already in use throws.
   */
  id?: string
  /** ISO times of a file written by an earlier session. Default: now. */
  createdTime?: string
  modifiedTime?: string
}

export interface GoogleEmulatorOptions {
  /** Default `['user@example.com']`; the first is the default account. */
  accounts?: string[]
  /** OAuth client id used by `issueToken`/`putFile` when none is given; default 'emulator-client-id'. */
  clientId?: string
  tokenLifetimeSeconds?: number
  /** Per-account Drive quota in bytes; a write beyond it answers 403 storageQuotaExceeded. Default unlimited. */
  storageQuotaBytes?: number
  latency?: LatencyOptions<GoogleEndpoint>
  /** Options of the stand-in script served at `gisStandInUrl` (its token URL defaults to the handlers'). */
  gis?: GisStandInOptions
  /** In a browser, publish `window.__gisEmulator` so the stand-in records into `calls` (default true). */
  pageHook?: boolean
  /**
   * The emulator's clock, ms since the epoch (default `Date.now()`, read at each call, so Vitest's fake timers move
   * it too). Everything the emulator decides by comparing times reads it: token expiry (`expiresAt`, `expire()`,
   * revocation of an expired token), `nameQueryLagMs`, `createdTime` / `modifiedTime` stamps and the `at` of calls
   * recorded by the consent endpoint. Give a clock your test advances (`let t = 0; now: () => t`) to make those
   * outcomes independent of the machine's speed. Delays (`latency`, `{ delayMs }` faults, consent `afterMs`) are
   * real timers, not read from this clock.
   */
  now?: () => number
  // Realism switches: off by default, so the default emulator stays fast and deterministic.
  /**
   * Eventual consistency of Drive's search: `files.list` queries that test `name` miss files created or renamed in
   * the last N ms of the emulator's clock (`now`) (`files.get` by id sees them at once, as at Google). Default 0.
   */
  nameQueryLagMs?: number
  /**
   * Short pages, which Google documents as possible before the end of a listing: the first page is empty, then
   * pages alternate between one file and none, each with a `nextPageToken` while more remain. Default false.
   */
  shortPages?: boolean
  /** The Drive API starts disabled in the OAuth client's Cloud project (403 accessNotConfigured). Default false. */
  driveApiDisabled?: boolean
  /**
   * The OAuth client's Authorized JavaScript origins. A popup from another origin shows `origin_mismatch` inside
   * the popup, and the page hears only `popup_closed`, as with GIS. Default: any origin.
   */
  authorizedOrigins?: string[]
  /** OAuth client ids that exist; another id shows `invalid_client` inside the popup (page: `popup_closed`). Default: any. */
  clientIds?: string[]
}

export interface GoogleEmulator {
  /** MSW handlers: Drive v3 (www.googleapis.com), the GIS script, the consent endpoint and token revocation. */
  readonly handlers: HttpHandler[]
  readonly faults: FaultSwitch<GoogleEndpoint, HttpFault>
  readonly consent: {
    /** Queue what the user does in the next popup (FIFO; approve when the queue is empty). */
    next(behaviour: ConsentBehaviour, options?: ConsentOptions): void
    pending(): ConsentStep[]
    clear(): void
  }
  /** GIS calls, recorded by the stand-in (page) or by the consent endpoint (when the emulator is elsewhere). */
  readonly calls: GisCall[]
  /**
   * Grants revoked through Google's revoke endpoint (what `google.accounts.oauth2.revoke` calls), oldest first.
   * Afterwards every token of that account and OAuth client answers 401 on Drive, and the account's next token
   * request shows the consent screen again (`consent: true` on its call).
   */
  readonly revocations: readonly GisRevocation[]
  readonly accounts: readonly string[]
  readonly clientId: string
  addAccount(email: string): void
  issueToken(options?: IssueTokenOptions): GoogleTokenResponse
  /** Marks one token revoked (as if revoked elsewhere); not recorded in `revocations`, the grant stays. */
  revoke(token: string): void
  /** Makes the token expired now (its `expiresAt` one ms before the emulator's clock). */
  expire(token: string): void
  tokenInfo(token: string): TokenInfo | undefined
  /** Files of one account, or of all accounts. Metadata only. */
  files(account?: string): DriveFileInfo[]
  readFile(id: string): { bytes: Uint8Array; text: string } | undefined
  /** Seeds a file (e.g. a key written by an earlier session). */
  putFile(input: PutFileInput): DriveFileInfo
  /** Enables or disables the Drive API in the emulated Cloud project (disabled: every Drive call answers 403 accessNotConfigured). */
  setDriveApiEnabled(enabled: boolean): void
  /** Drops files, tokens, grants, calls, revocations, queued consent and faults; keeps accounts. */
  reset(): void
}
