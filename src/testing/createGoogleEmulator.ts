import { http, HttpResponse, type HttpHandler } from 'msw'
import { applyLatency, type LatencyOptions } from './applyLatency.js'
import { createFaultSwitch, type FaultSwitch } from './createFaultSwitch.js'
import {
  gisEmulatorGlobal,
  gisEmulatorTokenUrl,
  gisRevokeUrl,
  gisStandInScript,
  gisStandInUrl,
  type GisStandInOptions,
} from './gisStandInScript.js'
import { googleErrorBody, type GoogleErrorReason } from './googleErrorBody.js'
import { parseDriveQuery, type DriveQueryFile } from './parseDriveQuery.js'
import { parseMultipart } from './parseMultipart.js'
import { md5Hex } from './md5.js'
import { projectFields, type FieldSchema } from './projectFields.js'
import { respondWithFault, type HttpFault } from './respondWithFault.js'

export const DRIVE_APPDATA_SCOPE = 'https://www.googleapis.com/auth/drive.appdata'
const DRIVE_FILE_SCOPE = 'https://www.googleapis.com/auth/drive.file'
const DRIVE_SCOPE = 'https://www.googleapis.com/auth/drive'
const API = 'https://www.googleapis.com'

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
}

export interface GisOtherCall {
  kind: 'initCodeClient' | 'requestCode' | 'revoke' | 'id.initialize'
  at: number
  clientId?: string
  config?: Record<string, unknown>
}

export type GisCall = GisInitTokenClientCall | GisRequestAccessTokenCall | GisOtherCall

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
  // Realism switches: off by default, so the default emulator stays fast and deterministic.
  /**
   * Eventual consistency of Drive's search: `files.list` queries that test `name` miss files created or renamed in
   * the last N ms (`files.get` by id sees them at once, as at Google). Default 0.
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
  readonly accounts: readonly string[]
  readonly clientId: string
  addAccount(email: string): void
  issueToken(options?: IssueTokenOptions): GoogleTokenResponse
  revoke(token: string): void
  expire(token: string): void
  tokenInfo(token: string): TokenInfo | undefined
  /** Files of one account, or of all accounts. Metadata only. */
  files(account?: string): DriveFileInfo[]
  readFile(id: string): { bytes: Uint8Array; text: string } | undefined
  /** Seeds a file (e.g. a key written by an earlier session). */
  putFile(input: PutFileInput): DriveFileInfo
  /** Enables or disables the Drive API in the emulated Cloud project (disabled: every Drive call answers 403 accessNotConfigured). */
  setDriveApiEnabled(enabled: boolean): void
  /** Drops files, tokens, grants, calls, queued consent and faults; keeps accounts. */
  reset(): void
}

interface StoredFile {
  id: string
  name: string
  mimeType: string
  content: Uint8Array<ArrayBuffer>
  createdTime: string
  modifiedTime: string
  space: 'appDataFolder' | 'drive'
  account: string
  clientId: string
  version: number
  /** Drive's appProperties: private to the OAuth client (app) that set them, so kept per client id. */
  appProperties: Map<string, Record<string, string>>
  /** When the name was set (create or rename): name queries lag behind it with `nameQueryLagMs`. */
  nameChangedAt: number
  /** Changes with every content write, as Drive's head revision does. */
  headRevisionId: string
  md5?: string
}

interface StoredToken {
  account: string
  clientId: string
  scopes: Set<string>
  expiresAt: number
  revoked: boolean
}

interface PageHook {
  owner: string
  calls: GisCall[]
  takeConsent(): ConsentStep | undefined
}

const cors = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Expose-Headers': 'Content-Type, Retry-After, WWW-Authenticate',
}

// Drive v3 File resource field names (developers.google.com/drive/api/reference/rest/v3/files): a `fields` naming
// anything else is a 400 at Google.
const fileSchema: FieldSchema = Object.fromEntries(
  (
    'kind driveId fileExtension copyRequiresWriterPermission md5Checksum contentHints writersCanShare viewedByMe mimeType ' +
    'exportLinks parents thumbnailLink iconLink shared lastModifyingUser owners headRevisionId sharingUser webViewLink ' +
    'webContentLink size viewersCanCopyContent permissions hasThumbnail spaces folderColorRgb id name description starred ' +
    'trashed explicitlyTrashed createdTime modifiedTime modifiedByMeTime viewedByMeTime sharedWithMeTime quotaBytesUsed ' +
    'version originalFilename ownedByMe fullFileExtension properties appProperties isAppAuthorized teamDriveId ' +
    'capabilities hasAugmentedPermissions trashingUser thumbnailVersion trashedTime modifiedByMe permissionIds ' +
    'imageMediaMetadata videoMediaMetadata shortcutDetails contentRestrictions resourceKey linkShareMetadata labelInfo ' +
    'sha1Checksum sha256Checksum inheritedPermissionsDisabled downloadRestrictions'
  )
    .split(' ')
    .map((name) => [name, true as const]),
)
// Drive v3 About resource (developers.google.com/drive/api/reference/rest/v3/about).
const aboutSchema: FieldSchema = Object.fromEntries([
  ...(
    'kind storageQuota importFormats exportFormats maxImportSizes maxUploadSize appInstalled folderColorPalette ' +
    'driveThemes canCreateDrives canCreateTeamDrives teamDriveThemes'
  )
    .split(' ')
    .map((name) => [name, true as const]),
  ['user', { kind: true, displayName: true, photoLink: true, me: true, permissionId: true, emailAddress: true }],
])
const fileListSchema: FieldSchema = { kind: true, nextPageToken: true, incompleteSearch: true, files: fileSchema }
// Read-only (or settable only through other parameters, like addParents/removeParents) in files.update: 403.
const notWritableOnUpdate = new Set([
  'parents',
  'id',
  'kind',
  'size',
  'md5Checksum',
  'sha1Checksum',
  'sha256Checksum',
  'headRevisionId',
  'version',
  'spaces',
  'owners',
  'capabilities',
  'quotaBytesUsed',
  'webContentLink',
  'webViewLink',
  'iconLink',
  'thumbnailLink',
  'fileExtension',
  'fullFileExtension',
  'ownedByMe',
  'shared',
  'trashedTime',
  'trashingUser',
  'driveId',
  'teamDriveId',
])

function randomId(length: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
  const bytes = crypto.getRandomValues(new Uint8Array(length))
  let out = ''
  for (const b of bytes) out += alphabet.charAt(b & 63)
  return out
}

function toBytes(content: string | Uint8Array): Uint8Array<ArrayBuffer> {
  if (typeof content === 'string') return new TextEncoder().encode(content)
  const copy = new Uint8Array(content.length)
  copy.set(content)
  return copy
}

function splitScopes(scope: string | null | undefined): string[] {
  return (scope ?? '').split(/\s+/).filter(Boolean)
}

// Google answers 'email'/'profile' with both the short and the userinfo URL forms.
function expandScopes(scopes: string[]): string[] {
  const out = new Set(scopes)
  if (out.has('email')) out.add('https://www.googleapis.com/auth/userinfo.email')
  if (out.has('profile')) out.add('https://www.googleapis.com/auth/userinfo.profile')
  return [...out]
}

function isKnownScope(scope: string): boolean {
  return ['openid', 'email', 'profile'].includes(scope) || /^https:\/\/www\.googleapis\.com\/auth\/[a-z.]+$/.test(scope)
}

/**
 * Drive's appProperties rules: string values; a key set to null is removed; each key plus value at most 124 bytes
 * of UTF-8; at most 30 private properties per app per file. Returns the merged map (undefined when empty), or the 400.
 */
function mergeAppProperties(
  current: Record<string, string> | undefined,
  update: unknown,
): Record<string, string> | undefined | Response {
  if (update === undefined) return current
  if (update === null || typeof update !== 'object' || Array.isArray(update))
    return googleJson(400, 'badRequest', 'Invalid Value')
  const merged: Record<string, string> = { ...current }
  for (const [key, value] of Object.entries(update as Record<string, unknown>)) {
    if (value === null) {
      delete merged[key]
      continue
    }
    if (typeof value !== 'string') return googleJson(400, 'badRequest', 'Invalid Value')
    if (new TextEncoder().encode(key + value).length > 124)
      return googleJson(
        400,
        'badRequest',
        'Properties and app properties are limited to 124 bytes in size, including both key and value.',
      )
    merged[key] = value
  }
  if (Object.keys(merged).length > 30)
    return googleJson(400, 'badRequest', 'A file may have at most 30 private properties per app.')
  return Object.keys(merged).length ? merged : undefined
}

function googleJson(
  status: number,
  reason?: GoogleErrorReason,
  message?: string,
  headers: Record<string, string> = {},
) {
  return HttpResponse.json(googleErrorBody(status, reason, message), { status, headers: { ...cors, ...headers } })
}

const EMULATED_PROJECT = '123456789012'

/** Google's answer when the Drive API is not enabled in the OAuth client's Cloud project (newer bodies add details). */
function accessNotConfigured(): Response {
  const activationUrl = `https://console.developers.google.com/apis/api/drive.googleapis.com/overview?project=${EMULATED_PROJECT}`
  const message = `Google Drive API has not been used in project ${EMULATED_PROJECT} before or it is disabled. Enable it by visiting ${activationUrl} then retry. If you enabled this API recently, wait a few minutes for the action to propagate to our systems and retry.`
  const body = googleErrorBody(403, 'accessNotConfigured', message)
  body.error.errors[0]!.extendedHelp = activationUrl
  body.error.details = [
    {
      '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
      reason: 'SERVICE_DISABLED',
      domain: 'googleapis.com',
      metadata: {
        consumer: `projects/${EMULATED_PROJECT}`,
        service: 'drive.googleapis.com',
        activationUrl,
        serviceTitle: 'Google Drive API',
        containerInfo: EMULATED_PROJECT,
      },
    },
    { '@type': 'type.googleapis.com/google.rpc.LocalizedMessage', locale: 'en-US', message },
    {
      '@type': 'type.googleapis.com/google.rpc.Help',
      links: [{ description: 'Google developers console API activation', url: activationUrl }],
    },
  ]
  return HttpResponse.json(body, { status: 403, headers: cors })
}

type PageToken = { offset: number; full: boolean }
const encodePageToken = (t: PageToken) => btoa(`rmb-page:${t.offset}:${t.full ? 1 : 0}`).replace(/=+$/, '')
function decodePageToken(token: string): PageToken | undefined {
  let text: string
  try {
    text = atob(token)
  } catch {
    return undefined
  }
  const m = /^rmb-page:(\d{1,9}):([01])$/.exec(text)
  return m ? { offset: Number(m[1]), full: m[2] === '1' } : undefined
}

export function createGoogleEmulator(options: GoogleEmulatorOptions = {}): GoogleEmulator {
  const accounts: string[] = [...(options.accounts ?? ['user@example.com'])]
  const defaultClientId = options.clientId ?? 'emulator-client-id'
  const lifetime = options.tokenLifetimeSeconds ?? 3599
  const latency = options.latency
  const nameLag = options.nameQueryLagMs ?? 0
  let driveApiEnabled = options.driveApiDisabled !== true
  const files = new Map<string, StoredFile>()
  const tokens = new Map<string, StoredToken>()
  const grants = new Map<string, Set<string>>()
  const folderIds = new Map<string, { appData: string; root: string }>()
  const consentQueue: ConsentStep[] = []
  const calls: GisCall[] = []
  const faults = createFaultSwitch<GoogleEndpoint, HttpFault>()
  let lastStamp = 0
  let lastConsentDelay = 0

  // Strictly increasing times, so `orderBy=modifiedTime desc` is deterministic even within one millisecond.
  const stamp = (): string => {
    lastStamp = Math.max(Date.now(), lastStamp + 1)
    return new Date(lastStamp).toISOString()
  }
  const folders = (account: string) => {
    let ids = folderIds.get(account)
    if (!ids) {
      ids = { appData: `0A${randomId(17)}Uk9PVA`, root: `0A${randomId(17)}Uk9PVB` }
      folderIds.set(account, ids)
    }
    return ids
  }
  const defaultAccount = (): string => {
    const first = accounts[0]
    if (first === undefined) throw new Error('google emulator: no accounts')
    return first
  }
  const parentsOf = (f: StoredFile): string[] => [
    f.space === 'appDataFolder' ? folders(f.account).appData : folders(f.account).root,
  ]
  const info = (f: StoredFile): DriveFileInfo => ({
    id: f.id,
    name: f.name,
    mimeType: f.mimeType,
    size: f.content.length,
    createdTime: f.createdTime,
    modifiedTime: f.modifiedTime,
    parents: parentsOf(f),
    space: f.space,
    account: f.account,
    clientId: f.clientId,
    version: f.version,
  })
  const resource = (f: StoredFile, t?: StoredToken): Record<string, unknown> => ({
    // Only the app that set them sees its appProperties (Drive omits the field when there are none).
    ...(t && f.appProperties.get(t.clientId) ? { appProperties: { ...f.appProperties.get(t.clientId) } } : {}),
    kind: 'drive#file',
    id: f.id,
    name: f.name,
    mimeType: f.mimeType,
    parents: parentsOf(f),
    spaces: [f.space],
    createdTime: f.createdTime,
    modifiedTime: f.modifiedTime,
    size: String(f.content.length),
    version: String(f.version),
    trashed: false,
    md5Checksum: md5Of(f),
    headRevisionId: f.headRevisionId,
  })
  function md5Of(f: StoredFile): string {
    f.md5 ??= md5Hex(f.content)
    return f.md5
  }
  const brief = (f: StoredFile) => ({ kind: 'drive#file', mimeType: f.mimeType, id: f.id, name: f.name })
  const usedBytes = (account: string): number =>
    [...files.values()].filter((f) => f.account === account).reduce((n, f) => n + f.content.length, 0)

  const issue = (account: string, scopes: string[], clientId: string, expiresIn: number): string => {
    const token = `ya29.emu.${randomId(40)}`
    tokens.set(token, {
      account,
      clientId,
      scopes: new Set(scopes),
      expiresAt: Date.now() + expiresIn * 1000,
      revoked: false,
    })
    return token
  }

  type Auth = { token: StoredToken } | { response: Response }
  const authenticate = (request: Request): Auth => {
    const header = request.headers.get('authorization')
    const bearer = header ? /^Bearer\s+(.+)$/i.exec(header)?.[1] : undefined
    if (!header)
      return {
        response: googleJson(401, 'required', undefined, {
          'WWW-Authenticate': 'Bearer realm="https://accounts.google.com/"',
        }),
      }
    const token = bearer ? tokens.get(bearer.trim()) : undefined
    if (!token || token.revoked || token.expiresAt <= Date.now()) {
      return {
        response: googleJson(401, 'authError', undefined, {
          'WWW-Authenticate': 'Bearer realm="https://accounts.google.com/", error="invalid_token"',
        }),
      }
    }
    if (!driveApiEnabled) return { response: accessNotConfigured() }
    const scopes = token.scopes
    if (!scopes.has(DRIVE_APPDATA_SCOPE) && !scopes.has(DRIVE_FILE_SCOPE) && !scopes.has(DRIVE_SCOPE)) {
      return { response: insufficientScope() }
    }
    return { token }
  }
  const insufficientScope = () =>
    googleJson(403, 'insufficientPermissions', undefined, {
      'WWW-Authenticate': `Bearer realm="https://accounts.google.com/", error="insufficient_scope", scope="${DRIVE_APPDATA_SCOPE}"`,
    })
  // A token with some Drive scope, but none that reaches the app data folder (drive.file only), as Google words it.
  const appDataScopes = (message: string) => googleJson(403, 'insufficientScopes', message)
  const canAppData = (t: StoredToken) => t.scopes.has(DRIVE_APPDATA_SCOPE) || t.scopes.has(DRIVE_SCOPE)
  const canDrive = (t: StoredToken) => t.scopes.has(DRIVE_FILE_SCOPE) || t.scopes.has(DRIVE_SCOPE)
  // appDataFolder files are private to the OAuth client that wrote them; drive.file sees only its own files too.
  const visible = (t: StoredToken, f: StoredFile): boolean =>
    f.account === t.account &&
    (f.space === 'appDataFolder'
      ? canAppData(t) && f.clientId === t.clientId
      : t.scopes.has(DRIVE_SCOPE) || (canDrive(t) && f.clientId === t.clientId))
  const notFound = (id: string) =>
    HttpResponse.json(
      googleErrorBody(404, 'notFound', `File not found: ${id}.`, { location: 'fileId', locationType: 'parameter' }),
      { status: 404, headers: cors },
    )
  const invalid = (message: string, location: string) =>
    HttpResponse.json(googleErrorBody(400, 'invalid', message, { location, locationType: 'parameter' }), {
      status: 400,
      headers: cors,
    })

  const badFields = (error: unknown) =>
    HttpResponse.json(
      googleErrorBody(
        400,
        'invalidParameter',
        error instanceof Error && error.name === 'UnknownFieldError' ? error.message : 'Invalid field selection',
        {
          location: 'fields',
          locationType: 'parameter',
        },
      ),
      { status: 400, headers: cors },
    )

  // Fault first (as the network would), then latency, then the real work.
  const gate = async (endpoint: GoogleEndpoint): Promise<Response | undefined> => {
    const faulty = await respondWithFault(
      faults.take(endpoint),
      (status, reason, message) => googleErrorBody(status, reason, message),
      cors,
    )
    if (faulty) return faulty
    await applyLatency(latency, endpoint)
    return undefined
  }

  const quotaExceeded = (account: string, extra: number): boolean =>
    options.storageQuotaBytes !== undefined && usedBytes(account) + extra > options.storageQuotaBytes

  const createFile = (
    t: StoredToken,
    metadata: Record<string, unknown>,
    content: Uint8Array<ArrayBuffer>,
    contentType: string | undefined,
  ): StoredFile | Response => {
    const props = mergeAppProperties(undefined, metadata['appProperties'])
    if (props instanceof Response) return props
    const parents = Array.isArray(metadata['parents']) ? metadata['parents'].map(String) : []
    const ids = folders(t.account)
    let space: 'appDataFolder' | 'drive' = 'drive'
    for (const p of parents) {
      if (p === 'appDataFolder' || p === ids.appData) space = 'appDataFolder'
      else if (p !== 'root' && p !== ids.root) return notFound(p)
    }
    if (space === 'appDataFolder' && !canAppData(t))
      return appDataScopes('The granted scopes do not allow use of the Application Data folder.')
    if (space === 'drive' && !canDrive(t)) return insufficientScope()
    if (quotaExceeded(t.account, content.length)) return googleJson(403, 'storageQuotaExceeded')
    const now = stamp()
    const mimeType =
      typeof metadata['mimeType'] === 'string' ? metadata['mimeType'] : (contentType ?? 'application/octet-stream')
    const file: StoredFile = {
      id: `1${randomId(32)}`,
      name: typeof metadata['name'] === 'string' ? metadata['name'] : 'Untitled',
      mimeType,
      content,
      createdTime: now,
      modifiedTime: now,
      space,
      account: t.account,
      clientId: t.clientId,
      version: 1,
      appProperties: new Map(props ? [[t.clientId, props]] : []),
      nameChangedAt: Date.now(),
      headRevisionId: `0B${randomId(40)}`,
    }
    files.set(file.id, file)
    return file
  }

  const readJson = async (request: Request): Promise<Record<string, unknown> | undefined> => {
    try {
      const value: unknown = JSON.parse(await request.text())
      return value !== null && typeof value === 'object' && !Array.isArray(value)
        ? (value as Record<string, unknown>)
        : undefined
    } catch {
      return undefined
    }
  }

  type Upload = {
    metadata: Record<string, unknown>
    content: Uint8Array<ArrayBuffer> | undefined
    contentType: string | undefined
  }
  const readUpload = async (request: Request, url: URL, mediaOnly: boolean): Promise<Upload | Response> => {
    const uploadType = url.searchParams.get('uploadType')
    const contentType = request.headers.get('content-type')
    const bytes = new Uint8Array(await request.arrayBuffer())
    if (mediaOnly || uploadType === 'media') {
      return { metadata: {}, content: bytes, contentType: contentType?.split(';')[0]?.trim() }
    }
    if (uploadType !== 'multipart')
      return invalid(`Invalid value for uploadType: ${uploadType ?? '(missing)'}`, 'uploadType')
    const parts = parseMultipart(bytes, contentType)
    const [meta, media] = parts ?? []
    if (!meta) return googleJson(400, 'badRequest', 'Malformed multipart body.')
    let metadata: unknown
    try {
      metadata = JSON.parse(new TextDecoder().decode(meta.body))
    } catch {
      return googleJson(400, 'badRequest', 'Malformed multipart body: metadata is not JSON.')
    }
    if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) {
      return googleJson(400, 'badRequest', 'Malformed multipart body: metadata is not a JSON object.')
    }
    const content = media ? toBytes(media.body) : new Uint8Array(0)
    return { metadata: metadata as Record<string, unknown>, content, contentType: media?.headers['content-type'] }
  }

  const fileAnswer = (f: StoredFile, url: URL, t: StoredToken): Response => {
    try {
      const fields = url.searchParams.get('fields')
      return HttpResponse.json(fields ? projectFields(resource(f, t), fields, fileSchema) : brief(f), { headers: cors })
    } catch (error) {
      return badFields(error)
    }
  }

  const orderComparator = (orderBy: string | null): ((a: StoredFile, b: StoredFile) => number) | undefined => {
    if (!orderBy) return (a, b) => a.createdTime.localeCompare(b.createdTime)
    const keys: Array<{ key: 'name' | 'createdTime' | 'modifiedTime'; desc: boolean }> = []
    for (const part of orderBy.split(',')) {
      const [key, dir, ...rest] = part.trim().split(/\s+/)
      if (rest.length > 0 || (dir !== undefined && dir !== 'desc' && dir !== 'asc')) return undefined
      const mapped =
        key === 'modifiedTime' || key === 'createdTime' || key === 'name'
          ? key
          : key === 'name_natural'
            ? 'name'
            : undefined
      if (!mapped) return undefined
      keys.push({ key: mapped, desc: dir === 'desc' })
    }
    return (a, b) => {
      for (const { key, desc } of keys) {
        const c = a[key].localeCompare(b[key])
        if (c !== 0) return desc ? -c : c
      }
      return 0
    }
  }

  // Drive's permission ids are long digit strings, stable per account.
  const permissionIdOf = (account: string) => {
    const hex = md5Hex(new TextEncoder().encode(`permission:${account}`))
    return BigInt(`0x${hex.slice(0, 16)}`)
      .toString()
      .padStart(20, '0')
      .slice(0, 20)
  }

  const handlers: HttpHandler[] = [
    // about.get: every Drive scope may read `user` (drive.appdata included); `fields` is required.
    http.get(`${API}/drive/v3/about`, async ({ request }) => {
      const gated = await gate('drive.about')
      if (gated) return gated
      const auth = authenticate(request)
      if ('response' in auth) return auth.response
      const fields = new URL(request.url).searchParams.get('fields')
      if (!fields?.trim())
        return HttpResponse.json(
          googleErrorBody(400, 'required', "The 'fields' parameter is required for this method.", {
            location: 'fields',
            locationType: 'parameter',
          }),
          { status: 400, headers: cors },
        )
      const account = auth.token.account
      const about = {
        kind: 'drive#about',
        user: {
          kind: 'drive#user',
          displayName: account.split('@')[0] ?? account,
          me: true,
          permissionId: permissionIdOf(account),
          emailAddress: account,
        },
        storageQuota: {
          usage: String(usedBytes(account)),
          usageInDrive: String(usedBytes(account)),
          usageInDriveTrash: '0',
        },
        appInstalled: false,
        canCreateDrives: true,
        maxUploadSize: '5242880000000',
      }
      try {
        return HttpResponse.json(projectFields(about, fields, aboutSchema), { headers: cors })
      } catch (error) {
        return badFields(error)
      }
    }),
    http.get(`${API}/drive/v3/files`, async ({ request }) => {
      const gated = await gate('drive.list')
      if (gated) return gated
      const auth = authenticate(request)
      if ('response' in auth) return auth.response
      const t = auth.token
      const url = new URL(request.url)
      const spaces = (url.searchParams.get('spaces') ?? 'drive').split(',').map((s) => s.trim())
      for (const s of spaces) {
        if (s !== 'appDataFolder' && s !== 'drive') return invalid(`Invalid Value: spaces=${s}`, 'spaces')
      }
      if (spaces.includes('appDataFolder') && !canAppData(t))
        return appDataScopes('The granted scopes do not give access to all of the requested spaces.')
      if (spaces.includes('drive') && !canDrive(t)) return googleJson(403, 'insufficientScopes')
      let predicate: (f: DriveQueryFile) => boolean
      const q = url.searchParams.get('q') ?? ''
      try {
        predicate = parseDriveQuery(q)
      } catch {
        return invalid('Invalid Value', 'q')
      }
      // Drive's search index lags behind writes; a term on `name` (outside quoted strings) is served by it.
      const lagged = nameLag > 0 && /\bname\b/.test(q.replace(/'(?:\\.|[^'\\])*'/g, "''"))
      const now = Date.now()
      const compare = orderComparator(url.searchParams.get('orderBy'))
      if (!compare) return invalid('Invalid Value', 'orderBy')
      const pageSize = Number(url.searchParams.get('pageSize') ?? '100')
      if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000) return invalid('Invalid Value', 'pageSize')
      const pageToken = url.searchParams.get('pageToken')
      const position = pageToken === null ? { offset: 0, full: !options.shortPages } : decodePageToken(pageToken)
      if (!position) return invalid('Invalid Value', 'pageToken')
      const { offset } = position
      const ids = folders(t.account)
      const matching = [...files.values()]
        .filter((f) => visible(t, f) && spaces.includes(f.space))
        .filter((f) => !lagged || now - f.nameChangedAt >= nameLag)
        .filter((f) =>
          predicate({
            name: f.name,
            mimeType: f.mimeType,
            // Queries may name the folder by its alias or its real id.
            parents: f.space === 'appDataFolder' ? [ids.appData, 'appDataFolder'] : [ids.root, 'root'],
            trashed: false,
            createdTime: f.createdTime,
            modifiedTime: f.modifiedTime,
          }),
        )
        .sort(compare)
      // Short pages: an empty page, then one file, and so on, always with a token while files remain.
      const size = options.shortPages ? (position.full ? 1 : 0) : pageSize
      const page = matching.slice(offset, offset + size)
      const next =
        offset + size < matching.length
          ? encodePageToken({ offset: offset + size, full: options.shortPages ? !position.full : true })
          : undefined
      const fields = url.searchParams.get('fields')
      const full: Record<string, unknown> = {
        kind: 'drive#fileList',
        ...(next ? { nextPageToken: next } : {}),
        incompleteSearch: false,
        files: page.map((f) => resource(f, t)),
      }
      try {
        const body = fields ? projectFields(full, fields, fileListSchema) : { ...full, files: page.map(brief) }
        return HttpResponse.json(body, { headers: cors })
      } catch (error) {
        return badFields(error)
      }
    }),

    http.post(`${API}/upload/drive/v3/files`, async ({ request }) => {
      const gated = await gate('drive.create')
      if (gated) return gated
      const auth = authenticate(request)
      if ('response' in auth) return auth.response
      const url = new URL(request.url)
      const upload = await readUpload(request, url, false)
      if (upload instanceof Response) return upload
      const made = createFile(auth.token, upload.metadata, upload.content ?? new Uint8Array(0), upload.contentType)
      return made instanceof Response ? made : fileAnswer(made, url, auth.token)
    }),

    http.post(`${API}/drive/v3/files`, async ({ request }) => {
      const gated = await gate('drive.create')
      if (gated) return gated
      const auth = authenticate(request)
      if ('response' in auth) return auth.response
      const metadata = (await readJson(request)) ?? {}
      const made = createFile(auth.token, metadata, new Uint8Array(0), undefined)
      return made instanceof Response ? made : fileAnswer(made, new URL(request.url), auth.token)
    }),

    ...(['upload', 'metadata'] as const).map((kind) =>
      http.patch(`${API}${kind === 'upload' ? '/upload' : ''}/drive/v3/files/:id`, async ({ request, params }) => {
        const gated = await gate('drive.update')
        if (gated) return gated
        const auth = authenticate(request)
        if ('response' in auth) return auth.response
        const id = String(params['id'])
        const file = files.get(id)
        if (!file || !visible(auth.token, file)) return notFound(id)
        const url = new URL(request.url)
        let metadata: Record<string, unknown> = {}
        let content: Uint8Array<ArrayBuffer> | undefined
        if (kind === 'upload') {
          const upload = await readUpload(request, url, false)
          if (upload instanceof Response) return upload
          metadata = upload.metadata
          content = upload.content
        } else {
          metadata = (await readJson(request)) ?? {}
        }
        if (Object.keys(metadata).some((k) => notWritableOnUpdate.has(k))) return googleJson(403, 'fieldNotWritable')
        if (content && quotaExceeded(file.account, content.length - file.content.length))
          return googleJson(403, 'storageQuotaExceeded')
        const props = mergeAppProperties(file.appProperties.get(auth.token.clientId), metadata['appProperties'])
        if (props instanceof Response) return props
        if (props) file.appProperties.set(auth.token.clientId, props)
        else file.appProperties.delete(auth.token.clientId)
        if (typeof metadata['name'] === 'string' && metadata['name'] !== file.name) {
          file.name = metadata['name']
          file.nameChangedAt = Date.now()
        }
        if (typeof metadata['mimeType'] === 'string') file.mimeType = metadata['mimeType']
        if (content) {
          file.content = content
          file.headRevisionId = `0B${randomId(40)}`
          delete file.md5
        }
        file.modifiedTime = stamp()
        file.version += 1
        return fileAnswer(file, url, auth.token)
      }),
    ),

    http.get(`${API}/drive/v3/files/:id`, async ({ request, params }) => {
      const gated = await gate('drive.get')
      if (gated) return gated
      const auth = authenticate(request)
      if ('response' in auth) return auth.response
      const id = String(params['id'])
      const file = files.get(id)
      if (!file || !visible(auth.token, file)) return notFound(id)
      const url = new URL(request.url)
      if (url.searchParams.get('alt') === 'media') {
        return new HttpResponse(file.content.slice(), {
          headers: { ...cors, 'Content-Type': file.mimeType, 'Content-Length': String(file.content.length) },
        })
      }
      return fileAnswer(file, url, auth.token)
    }),

    http.delete(`${API}/drive/v3/files/:id`, async ({ request, params }) => {
      const gated = await gate('drive.delete')
      if (gated) return gated
      const auth = authenticate(request)
      if ('response' in auth) return auth.response
      const id = String(params['id'])
      const file = files.get(id)
      if (!file || !visible(auth.token, file)) return notFound(id)
      files.delete(id)
      return new HttpResponse(null, { status: 204, headers: cors })
    }),

    http.get(gisStandInUrl, async () => {
      const faulty = await respondWithFault(faults.take('gis.script'), (status) => `/* HTTP ${status} */`)
      if (faulty) return faulty
      await applyLatency(latency, 'gis.script')
      return new HttpResponse(
        gisStandInScript({ tokenUrl: gisEmulatorTokenUrl, revokeUrl: gisRevokeUrl, ...options.gis }),
        {
          headers: { 'Content-Type': 'text/javascript; charset=utf-8', ...cors },
        },
      )
    }),

    http.post(options.gis?.tokenUrl ?? gisEmulatorTokenUrl, async ({ request }) => {
      const gated = await gate('gis.token')
      if (gated) return gated
      const body = await readJson(request)
      if (!body) return HttpResponse.json({ error: 'invalid_request' }, { status: 400, headers: cors })
      const answer = consentAnswer(body)
      if (lastConsentDelay > 0) await new Promise((r) => setTimeout(r, lastConsentDelay))
      return HttpResponse.json(answer, { headers: cors })
    }),

    http.post(options.gis?.revokeUrl ?? gisRevokeUrl, async ({ request }) => {
      const gated = await gate('gis.revoke')
      if (gated) return gated
      const url = new URL(request.url)
      const form = new URLSearchParams(await request.text())
      const token = form.get('token') ?? url.searchParams.get('token') ?? ''
      const stored = tokens.get(token)
      if (!stored || stored.revoked || stored.expiresAt <= Date.now()) {
        return HttpResponse.json(
          { error: 'invalid_token', error_description: 'Token expired or revoked' },
          { status: 400, headers: cors },
        )
      }
      stored.revoked = true
      return HttpResponse.json({}, { headers: cors })
    }),
  ]

  const consentAnswer = (body: Record<string, unknown>) => {
    const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined)
    const clientId = str(body['client_id']) ?? defaultClientId
    const scope = str(body['scope']) ?? ''
    const prompt = str(body['prompt']) ?? 'select_account'
    const state = str(body['state'])
    const hint = str(body['login_hint'])
    const given = body['consent']
    let step: ConsentStep =
      given !== null && typeof given === 'object' && typeof (given as ConsentStep).behaviour === 'string'
        ? (given as ConsentStep)
        : (consentQueue.shift() ?? { behaviour: 'approve' })
    lastConsentDelay = step.afterMs ?? 0
    // Google checks the client and the origin before anything else, and shows its error inside the popup.
    const origin = str(body['origin'])
    if (options.clientIds && !options.clientIds.includes(clientId)) step = { behaviour: 'invalidClient' }
    else if (options.authorizedOrigins && origin !== undefined && !options.authorizedOrigins.includes(origin))
      step = { behaviour: 'originMismatch' }
    const call =
      body['call'] !== null && typeof body['call'] === 'object' ? (body['call'] as Record<string, unknown>) : undefined
    if (call?.['recordedInPage'] !== true) {
      calls.push({
        kind: 'requestAccessToken',
        at: typeof call?.['at'] === 'number' ? call['at'] : Date.now(),
        clientId,
        scope,
        prompt,
        overrides: {},
        inUserEvent: call?.['inUserEvent'] === true,
        eventType: str(call?.['eventType']) ?? null,
        eventTrusted: typeof call?.['eventTrusted'] === 'boolean' ? call['eventTrusted'] : null,
        userActivation: typeof call?.['userActivation'] === 'boolean' ? call['userActivation'] : null,
        outcome: step.behaviour,
      })
    }
    const withState = <T extends object>(o: T): T & { state?: string } => (state !== undefined ? { ...o, state } : o)
    const requested = splitScopes(scope)
    const bad = requested.filter((s) => !isKnownScope(s))
    if (step.behaviour === 'invalidScope' || bad.length > 0 || requested.length === 0) {
      return {
        outcome: 'invalidScope',
        callback: withState<GoogleOAuthErrorResponse>({
          error: 'invalid_scope',
          error_description: `Some requested scopes were invalid. {valid=[${requested.filter(isKnownScope).join(', ')}], invalid=[${(bad.length ? bad : requested).join(', ')}]}`,
          error_uri:
            'https://developers.google.com/identity/protocols/oauth2/web-server#authorization-errors-invalid-scope',
        }),
      }
    }
    switch (step.behaviour) {
      case 'deny':
        return {
          outcome: 'deny',
          callback: withState<GoogleOAuthErrorResponse>({
            error: 'access_denied',
            error_description: 'The user denied the request.',
            error_uri:
              'https://developers.google.com/identity/protocols/oauth2/web-server#authorization-errors-access-denied',
          }),
        }
      case 'noAnswer':
        return { outcome: 'noAnswer', silent: true }
      case 'nullError':
        return { outcome: 'nullError', errorCallback: null }
      case 'throw':
        // Thrown by the stand-in in the page; reached here only when the emulator runs outside the page.
        return { outcome: 'throw', silent: true }
      case 'close':
      case 'closeImmediately':
      case 'originMismatch':
      case 'invalidClient':
        return {
          outcome: step.behaviour,
          errorCallback: { type: 'popup_closed', message: 'Popup window closed' } satisfies GoogleNonOAuthError,
        }
      case 'popupBlocked':
        return {
          outcome: 'popupBlocked',
          errorCallback: {
            type: 'popup_failed_to_open',
            message: 'Failed to open popup window',
          } satisfies GoogleNonOAuthError,
        }
      case 'approve':
      case 'dropScope': {
        const chooser = prompt === 'select_account' || accounts.length > 1
        // The test is the user at the chooser: its pick wins over the hint, which only pre-selects a row.
        const account =
          step.account ?? (hint !== undefined && accounts.includes(hint) ? hint : undefined) ?? defaultAccount()
        if (!accounts.includes(account)) accounts.push(account)
        const key = `${account}\u0000${clientId}`
        const previous = body['include_granted_scopes'] === false ? [] : [...(grants.get(key) ?? [])]
        let granted = expandScopes([...new Set([...previous, ...requested])])
        // An unticked scope is also withdrawn from earlier grants: the user said no to it just now.
        if (step.behaviour === 'dropScope') {
          const drop = new Set(step.drop ?? [DRIVE_APPDATA_SCOPE])
          granted = granted.filter((s) => !drop.has(s))
        }
        grants.set(key, new Set(granted))
        const token = issue(account, granted, clientId, lifetime)
        return {
          outcome: step.behaviour,
          chooser,
          account,
          callback: withState<GoogleTokenResponse>({
            access_token: token,
            token_type: 'Bearer',
            expires_in: lifetime,
            scope: granted.join(' '),
            prompt,
            authuser: String(accounts.indexOf(account)),
          }),
        }
      }
    }
  }

  if (options.pageHook !== false && typeof window !== 'undefined') {
    const hook: PageHook = { owner: 'react-mpc-backup/testing', calls, takeConsent: () => consentQueue.shift() }
    ;(window as unknown as Record<string, unknown>)[gisEmulatorGlobal] = hook
  }

  const mustToken = (token: string): StoredToken => {
    const t = tokens.get(token)
    if (!t) throw new Error('google emulator: unknown token')
    return t
  }

  return {
    handlers,
    faults,
    consent: {
      next(behaviour, opts) {
        consentQueue.push({ behaviour, ...opts })
      },
      pending: () => consentQueue.map((s) => ({ ...s })),
      clear() {
        consentQueue.length = 0
      },
    },
    calls,
    get accounts() {
      return [...accounts]
    },
    clientId: defaultClientId,
    addAccount(email) {
      if (!accounts.includes(email)) accounts.push(email)
    },
    issueToken(opts = {}) {
      const account = opts.account ?? defaultAccount()
      if (!accounts.includes(account)) accounts.push(account)
      const scopes = splitScopes(opts.scope ?? DRIVE_APPDATA_SCOPE)
      const expiresIn = opts.expiresIn ?? lifetime
      const token = issue(account, scopes, opts.clientId ?? defaultClientId, expiresIn)
      return {
        access_token: token,
        token_type: 'Bearer',
        expires_in: expiresIn,
        scope: scopes.join(' '),
        prompt: '',
        authuser: String(accounts.indexOf(account)),
      }
    },
    revoke(token) {
      mustToken(token).revoked = true
    },
    expire(token) {
      mustToken(token).expiresAt = Date.now() - 1
    },
    tokenInfo(token) {
      const t = tokens.get(token)
      return (
        t && {
          account: t.account,
          clientId: t.clientId,
          scope: [...t.scopes].join(' '),
          expiresAt: t.expiresAt,
          revoked: t.revoked,
        }
      )
    },
    files(account) {
      return [...files.values()].filter((f) => account === undefined || f.account === account).map(info)
    },
    readFile(id) {
      const f = files.get(id)
      return f && { bytes: f.content.slice(), text: new TextDecoder().decode(f.content) }
    },
    putFile(input) {
      const account = input.account ?? defaultAccount()
      if (!accounts.includes(account)) accounts.push(account)
      const now = stamp()
      const file: StoredFile = {
        id: `1${randomId(32)}`,
        name: input.name,
        mimeType: input.mimeType ?? (typeof input.content === 'string' ? 'text/plain' : 'application/octet-stream'),
        content: toBytes(input.content),
        createdTime: now,
        modifiedTime: now,
        space: input.space ?? 'appDataFolder',
        appProperties: new Map(
          input.appProperties ? [[input.clientId ?? defaultClientId, { ...input.appProperties }]] : [],
        ),
        account,
        clientId: input.clientId ?? defaultClientId,
        version: 1,
        nameChangedAt: Date.now(),
        headRevisionId: `0B${randomId(40)}`,
      }
      files.set(file.id, file)
      return info(file)
    },
    setDriveApiEnabled(enabled) {
      driveApiEnabled = enabled
    },
    reset() {
      files.clear()
      tokens.clear()
      grants.clear()
      calls.length = 0
      consentQueue.length = 0
      faults.clear()
    },
  }
}
