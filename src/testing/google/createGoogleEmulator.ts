// The Google emulator's public entry: shared state, Drive handlers and GIS handlers, composed, with inspectors.

import { createDriveHandlers } from './drive/createDriveHandlers.js'
import { createGisHandlers } from './gis/createGisHandlers.js'
import { createGoogleState, type StoredFile, type StoredToken } from './createGoogleState.js'
import { gisEmulatorGlobal } from './gis/gisStandInScript.js'
import type {
  ConsentStep,
  DriveFileInfo,
  GisCall,
  GoogleEmulator,
  GoogleEmulatorOptions,
} from './googleEmulatorTypes.js'
import { DRIVE_APPDATA_SCOPE, splitScopes } from './googleScopes.js'
import { toBytes } from './toBytes.js'

export type * from './googleEmulatorTypes.js'

/** What the stand-in GIS script finds on `window` to record its calls into and take queued consent from. */
interface PageHook {
  owner: string
  calls: GisCall[]
  takeConsent(): ConsentStep | undefined
}

/**
 * An emulated Google for tests: Google Identity Services (the script `@react-oauth/google` loads, its token client
 * and consent popup) and Drive v3's app data folder, as MSW handlers over one shared state, with inspectors to seed
 * and read that state and switches for faults, latency and Google's documented quirks.
 */
export function createGoogleEmulator(options: GoogleEmulatorOptions = {}): GoogleEmulator {
  const state = createGoogleState(options)
  const { accounts, calls, consentQueue, defaultClientId, lifetime, files, tokens, defaultAccount, issue } = state
  const handlers = [...createDriveHandlers(state), ...createGisHandlers(state)]

  if (options.pageHook !== false && typeof window !== 'undefined') {
    const hook: PageHook = { owner: 'react-mpc-backup/testing', calls, takeConsent: () => consentQueue.shift() }
    ;(window as unknown as Record<string, unknown>)[gisEmulatorGlobal] = hook
  }

  const info = (f: StoredFile): DriveFileInfo => ({
    id: f.id,
    name: f.name,
    mimeType: f.mimeType,
    size: f.content.length,
    createdTime: f.createdTime,
    modifiedTime: f.modifiedTime,
    parents: state.parentsOf(f),
    space: f.space,
    account: f.account,
    clientId: f.clientId,
    version: f.version,
  })
  const mustToken = (token: string): StoredToken => {
    const t = tokens.get(token)
    if (!t) throw new Error('google emulator: unknown token')
    return t
  }

  return {
    handlers,
    faults: state.faults,
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
    revocations: state.revocations,
    get accounts() {
      return [...accounts]
    },
    clientId: defaultClientId,
    addAccount: state.addAccount,
    issueToken(opts = {}) {
      const account = opts.account ?? defaultAccount()
      state.addAccount(account)
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
      mustToken(token).expiresAt = state.now() - 1
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
      if (input.id !== undefined && files.has(input.id))
        throw new Error(`google emulator: a file with id ${input.id} exists`)
      const account = input.account ?? defaultAccount()
      state.addAccount(account)
      const file = state.storeFile({
        name: input.name,
        mimeType: input.mimeType ?? (typeof input.content === 'string' ? 'text/plain' : 'application/octet-stream'),
        content: toBytes(input.content),
        space: input.space ?? 'appDataFolder',
        account,
        clientId: input.clientId ?? defaultClientId,
        appProperties: input.appProperties && { ...input.appProperties },
      })
      // A seeded file keeps the id and times it had where it came from (a fixture, an earlier session).
      if (input.id !== undefined) {
        files.delete(file.id)
        file.id = input.id
        files.set(file.id, file)
      }
      if (input.createdTime !== undefined) file.createdTime = input.createdTime
      if (input.modifiedTime !== undefined) file.modifiedTime = input.modifiedTime
      return info(file)
    },
    setDriveApiEnabled(enabled) {
      state.driveApiEnabled = enabled
    },
    reset: state.reset,
  }
}
