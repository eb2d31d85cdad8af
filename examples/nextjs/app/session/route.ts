// The DEV login: whoever posts a clientId is signed in as it (a form on the home page). It exists only in emulator
// mode, where every wallet is emulated. A real app signs its users in its own way and puts the user's Portal
// clientId in its own session (see lib/session.ts); delete this route then.
import { ServerConfigError } from 'react-mpc-backup/server'
import { emulatorsOn } from '../../lib/emulators'
import {
  isClientId,
  SESSION_COOKIE,
  SESSION_MAX_AGE,
  sessionCookieAttributes,
  sessionCookieValue,
} from '../../lib/session'

export const runtime = 'nodejs'

/** `POST /session` (form: `clientId`) signs in and goes to /settings; `POST /session` (form: `signOut`) signs out. */
export async function POST(request: Request): Promise<Response> {
  if (!emulatorsOn()) return new Response(null, { status: 404 })
  const form = await request.formData().catch(() => undefined)
  if (form?.has('signOut')) return redirect('/', `${SESSION_COOKIE}=; ${sessionCookieAttributes(request.url, 0)}`)
  const clientId = form?.get('clientId')
  if (!isClientId(clientId)) return new Response('clientId: 1-200 of A-Z a-z 0-9 . _ : @ | -', { status: 400 })
  let value: string
  try {
    value = sessionCookieValue(clientId)
  } catch (error) {
    if (!(error instanceof ServerConfigError)) throw error
    console.error(`[example] not_ready: ${error.message}`)
    return new Response('Not configured: see the server log', { status: 503 })
  }
  return redirect('/settings', `${SESSION_COOKIE}=${value}; ${sessionCookieAttributes(request.url, SESSION_MAX_AGE)}`)
}

function redirect(path: string, cookie: string): Response {
  return new Response(null, { status: 303, headers: { Location: path, 'Set-Cookie': cookie } })
}
