import { accessNotConfigured } from './accessNotConfigured.js'
import type { GoogleState, StoredFile, StoredToken } from '../createGoogleState.js'
import { driveErrors } from './driveErrors.js'
import type { GoogleEndpoint } from '../googleEmulatorTypes.js'
import { googleJson } from '../googleJson.js'
import { DRIVE_APPDATA_SCOPE, DRIVE_FILE_SCOPE, DRIVE_SCOPE } from '../googleScopes.js'

/** A Drive call let in (with the caller's token), or the answer that turns it away. */
type DriveAdmission = { token: StoredToken } | { response: Response }

/**
 * Who may do what on the emulated Drive, checked in Google's order: an armed fault, the bearer token (missing,
 * unknown, revoked, expired: 401), the Drive API enabled in the project (403), a Drive scope (403); then which
 * files the token sees: app data files only with drive.appdata (or drive) and only the OAuth client's own,
 * drive.file only its own files.
 */
export function createDriveAccess(state: GoogleState) {
  const { tokens, files, gate } = state
  const { notFound, insufficientScope } = driveErrors

  const authenticate = (request: Request): DriveAdmission => {
    const header = request.headers.get('authorization')
    const bearer = header ? /^Bearer\s+(.+)$/i.exec(header)?.[1] : undefined
    if (!header)
      return {
        response: googleJson(401, 'required', undefined, {
          'WWW-Authenticate': 'Bearer realm="https://accounts.google.com/"',
        }),
      }
    const token = bearer ? tokens.get(bearer.trim()) : undefined
    if (!token || token.revoked || token.expiresAt <= state.now()) {
      return {
        response: googleJson(401, 'authError', undefined, {
          'WWW-Authenticate': 'Bearer realm="https://accounts.google.com/", error="invalid_token"',
        }),
      }
    }
    if (!state.driveApiEnabled) return { response: accessNotConfigured() }
    const scopes = token.scopes
    if (!scopes.has(DRIVE_APPDATA_SCOPE) && !scopes.has(DRIVE_FILE_SCOPE) && !scopes.has(DRIVE_SCOPE)) {
      return { response: insufficientScope() }
    }
    return { token }
  }
  const canAppData = (t: StoredToken) => t.scopes.has(DRIVE_APPDATA_SCOPE) || t.scopes.has(DRIVE_SCOPE)
  const canDrive = (t: StoredToken) => t.scopes.has(DRIVE_FILE_SCOPE) || t.scopes.has(DRIVE_SCOPE)
  // appDataFolder files are private to the OAuth client that wrote them; drive.file sees only its own files too.
  const visible = (t: StoredToken, f: StoredFile): boolean =>
    f.account === t.account &&
    (f.space === 'appDataFolder'
      ? canAppData(t) && f.clientId === t.clientId
      : t.scopes.has(DRIVE_SCOPE) || (canDrive(t) && f.clientId === t.clientId))
  // Every Drive call: an armed fault first (as the network would), then the token, as Google checks it.
  const admit = async (endpoint: GoogleEndpoint, request: Request): Promise<DriveAdmission> => {
    const gated = await gate(endpoint)
    return gated ? { response: gated } : authenticate(request)
  }
  // A call on one file: the id must name a file this token may see (else 404: Drive does not tell them apart).
  const admitFile = async (
    endpoint: GoogleEndpoint,
    request: Request,
    params: Record<string, unknown>,
  ): Promise<{ token: StoredToken; file: StoredFile } | { response: Response }> => {
    const auth = await admit(endpoint, request)
    if ('response' in auth) return auth
    const id = String(params['id'])
    const file = files.get(id)
    return file && visible(auth.token, file) ? { token: auth.token, file } : { response: notFound(id) }
  }

  return { admit, admitFile, canAppData, canDrive, visible }
}
