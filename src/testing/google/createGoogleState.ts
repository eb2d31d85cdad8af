import { applyLatency } from '../faults/applyLatency.js'
import { createFaultSwitch, type FaultSwitchInternal } from '../faults/createFaultSwitch.js'
import type {
  ConsentStep,
  GisCall,
  GisRevocation,
  GoogleEmulatorOptions,
  GoogleEndpoint,
} from './googleEmulatorTypes.js'
import { googleErrorBody } from './googleErrorBody.js'
import { googleCors } from './googleJson.js'
import { randomId } from './randomId.js'
import { respondWithFault, type HttpFault } from '../faults/respondWithFault.js'

export interface StoredFile {
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

export interface StoredToken {
  account: string
  clientId: string
  scopes: Set<string>
  expiresAt: number
  revoked: boolean
}

/** What a new file is made of; the rest (id, times, version, revision) the state sets. */
interface NewFile {
  name: string
  mimeType: string
  content: Uint8Array<ArrayBuffer>
  space: 'appDataFolder' | 'drive'
  account: string
  clientId: string
  appProperties?: Record<string, string> | undefined
}

/**
 * What the Drive and GIS halves of the Google emulator share: Google accounts, the tokens issued to them and the
 * scopes each account granted each OAuth client, Drive's files, the GIS calls and queued consent, armed faults.
 */
export interface GoogleState {
  readonly options: GoogleEmulatorOptions
  readonly accounts: string[]
  readonly defaultClientId: string
  /** Token lifetime in seconds. */
  readonly lifetime: number
  readonly files: Map<string, StoredFile>
  readonly tokens: Map<string, StoredToken>
  /** Scopes granted, by account and OAuth client (`account\0clientId`). */
  readonly grants: Map<string, Set<string>>
  readonly consentQueue: ConsentStep[]
  readonly calls: GisCall[]
  /** Grants revoked through Google's revoke endpoint (`google.accounts.oauth2.revoke`), oldest first. */
  readonly revocations: GisRevocation[]
  readonly faults: FaultSwitchInternal<GoogleEndpoint, HttpFault>
  driveApiEnabled: boolean
  /** The emulator's clock (ms since the epoch): `options.now`, else `Date.now()`. */
  now(): number
  /** The first account: where the user lands unless told otherwise. */
  defaultAccount(): string
  /** Signs the account in (a no-op when it is already). */
  addAccount(account: string): void
  /** An ISO time strictly after the previous one. */
  stamp(): string
  /** The account's real app data and root folder ids (made on first use, stable after). */
  folders(account: string): { appData: string; root: string }
  /** Real folder ids, as Drive returns them (not the 'appDataFolder' alias). */
  parentsOf(file: StoredFile): string[]
  usedBytes(account: string): number
  /** A new access token for the account, OAuth client and scopes. */
  issue(account: string, scopes: string[], clientId: string, expiresIn: number): string
  storeFile(file: NewFile): StoredFile
  /**
   * Revokes the grant the token belongs to, as Google does: every token of that account and OAuth client stops
   * working, and the account's next token request shows the consent screen again.
   */
  revokeGrant(token: StoredToken): void
  /** An armed fault's answer for the endpoint (else `undefined`, after any latency): call it first in a handler. */
  gate(endpoint: GoogleEndpoint): Promise<Response | undefined>
  /** Drops files, tokens, grants, calls, revocations, queued consent and faults; keeps accounts. */
  reset(): void
}

export function createGoogleState(options: GoogleEmulatorOptions): GoogleState {
  const accounts: string[] = [...(options.accounts ?? ['user@example.com'])]
  const files = new Map<string, StoredFile>()
  const tokens = new Map<string, StoredToken>()
  const grants = new Map<string, Set<string>>()
  const folderIds = new Map<string, { appData: string; root: string }>()
  const consentQueue: ConsentStep[] = []
  const calls: GisCall[] = []
  const revocations: GisRevocation[] = []
  const faults = createFaultSwitch<GoogleEndpoint, HttpFault>()
  let lastStamp = 0
  // Date.now read at each call (not captured once), so fake timers installed after creation still move it.
  const now = options.now ?? (() => Date.now())

  const folders = (account: string) => {
    let ids = folderIds.get(account)
    if (!ids) {
      ids = { appData: `0A${randomId(17)}Uk9PVA`, root: `0A${randomId(17)}Uk9PVB` }
      folderIds.set(account, ids)
    }
    return ids
  }

  const state: GoogleState = {
    options,
    accounts,
    defaultClientId: options.clientId ?? 'emulator-client-id',
    lifetime: options.tokenLifetimeSeconds ?? 3599,
    files,
    tokens,
    grants,
    consentQueue,
    calls,
    revocations,
    faults,
    driveApiEnabled: options.driveApiDisabled !== true,
    now,
    defaultAccount() {
      const first = accounts[0]
      if (first === undefined) throw new Error('google emulator: no accounts')
      return first
    },
    addAccount(account) {
      if (!accounts.includes(account)) accounts.push(account)
    },
    // Strictly increasing times, so `orderBy=modifiedTime desc` is deterministic even within one millisecond.
    stamp() {
      lastStamp = Math.max(now(), lastStamp + 1)
      return new Date(lastStamp).toISOString()
    },
    folders,
    parentsOf: (f) => [f.space === 'appDataFolder' ? folders(f.account).appData : folders(f.account).root],
    usedBytes: (account) =>
      [...files.values()].filter((f) => f.account === account).reduce((n, f) => n + f.content.length, 0),
    issue(account, scopes, clientId, expiresIn) {
      const token = `ya29.emu.${randomId(40)}`
      tokens.set(token, {
        account,
        clientId,
        scopes: new Set(scopes),
        expiresAt: now() + expiresIn * 1000,
        revoked: false,
      })
      return token
    },
    storeFile({ appProperties, ...fields }) {
      const stamp = state.stamp()
      const file: StoredFile = {
        ...fields,
        id: `1${randomId(32)}`,
        createdTime: stamp,
        modifiedTime: stamp,
        version: 1,
        appProperties: new Map(appProperties ? [[fields.clientId, appProperties]] : []),
        nameChangedAt: now(),
        headRevisionId: `0B${randomId(40)}`,
      }
      files.set(file.id, file)
      return file
    },
    revokeGrant({ account, clientId }) {
      for (const t of tokens.values()) if (t.account === account && t.clientId === clientId) t.revoked = true
      grants.delete(`${account}\u0000${clientId}`)
      revocations.push({ account, clientId, at: Date.now() })
    },
    // Fault first (as the network would), then latency, then the real work.
    async gate(endpoint) {
      const faulty = await respondWithFault(
        faults.take(endpoint),
        (status, reason, message) => googleErrorBody(status, reason, message),
        googleCors,
      )
      if (faulty) return faulty
      await applyLatency(options.latency, endpoint)
      return undefined
    },
    reset() {
      files.clear()
      tokens.clear()
      grants.clear()
      calls.length = 0
      revocations.length = 0
      consentQueue.length = 0
      faults.clear()
    },
  }
  return state
}
