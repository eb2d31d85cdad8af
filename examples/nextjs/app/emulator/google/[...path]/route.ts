// Emulator mode: Google's endpoints, answered by the kit's Google emulator on this server. The page's service worker
// (app/settings/emulatedServices.ts) sends every request for Google's hosts here instead of to Google:
// `https://www.googleapis.com/drive/v3/files?...` arrives as `/emulator/google/www.googleapis.com/drive/v3/files?...`.
import { getResponse } from 'msw'
import { emulatorsOn, emulatorState } from '../../../../lib/emulators'

export const runtime = 'nodejs'

const PREFIX = '/emulator/google/'
const HOSTS = new Set(['accounts.google.com', 'www.googleapis.com', 'oauth2.googleapis.com'])

async function handle(request: Request): Promise<Response> {
  const url = new URL(request.url)
  if (!emulatorsOn() || !url.pathname.startsWith(PREFIX)) return new Response(null, { status: 404 })
  const [host = '', ...rest] = url.pathname.slice(PREFIX.length).split('/')
  if (!HOSTS.has(host)) return new Response(null, { status: 404 })
  const hasBody = request.method !== 'GET' && request.method !== 'HEAD'
  const google = new Request(`https://${host}/${rest.join('/')}${url.search}`, {
    method: request.method,
    headers: request.headers,
    body: hasBody ? await request.arrayBuffer() : null,
  })
  const answer = await getResponse(emulatorState().google.handlers, google)
  return answer ?? Response.json({ error: { code: 404, message: 'Not emulated' } }, { status: 404 })
}

export { handle as DELETE, handle as GET, handle as PATCH, handle as POST, handle as PUT }
