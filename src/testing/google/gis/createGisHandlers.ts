import { http, HttpResponse, type HttpHandler } from 'msw'
import { applyLatency } from '../../faults/applyLatency.js'
import type { GoogleState } from '../createGoogleState.js'
import { gisEmulatorTokenUrl, gisRevokeUrl, gisStandInScript, gisStandInUrl } from './gisStandInScript.js'
import type {
  ConsentStep,
  GoogleNonOAuthError,
  GoogleOAuthErrorResponse,
  GoogleTokenResponse,
} from '../googleEmulatorTypes.js'
import { googleCors as cors, readJsonObject } from '../googleJson.js'
import { DRIVE_APPDATA_SCOPE, expandScopes, isKnownScope, splitScopes } from '../googleScopes.js'
import { respondWithFault } from '../../faults/respondWithFault.js'

/**
 * MSW handlers of Google Identity Services: the stand-in script (served where the real `@react-oauth/google` loads
 * GIS from), the consent endpoint the stand-in's popup asks (it plays the user from the consent queue and issues
 * tokens as Google would) and token revocation.
 */
export function createGisHandlers(state: GoogleState): HttpHandler[] {
  const { options, accounts, calls, consentQueue, grants, tokens, gate, lifetime, defaultClientId } = state
  const { defaultAccount, issue, now } = state
  // How long the user of the last consent took: the token endpoint answers after it.
  let lastConsentDelay = 0

  return [
    http.get(gisStandInUrl, async () => {
      const faulty = await respondWithFault(state.faults.take('gis.script'), (status) => `/* HTTP ${status} */`)
      if (faulty) return faulty
      await applyLatency(options.latency, 'gis.script')
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
      const body = await readJsonObject(request)
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
      if (!stored || stored.revoked || stored.expiresAt <= now()) {
        return HttpResponse.json(
          { error: 'invalid_token', error_description: 'Token expired or revoked' },
          { status: 400, headers: cors },
        )
      }
      state.revokeGrant(stored)
      return HttpResponse.json({}, { headers: cors })
    }),
  ]

  /** What the popup answers for one consent request of the stand-in (the user is the consent queue's head). */
  function consentAnswer(body: Record<string, unknown>) {
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
        at: typeof call?.['at'] === 'number' ? call['at'] : now(),
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
        const had = grants.get(key)
        // Google shows its consent screen for scopes this account has not granted this client (again after a
        // revoke), or always with prompt 'consent'.
        const consent = prompt === 'consent' || !requested.every((s) => had?.has(s))
        const previous = body['include_granted_scopes'] === false ? [] : [...(had ?? [])]
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
          consent,
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
}
