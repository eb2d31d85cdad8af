// The share server on this app's own origin: the kit's web-standard handler answers every request under /api
// (`POST` / `GET /api/clients/:clientId/backup` from the buttons, Portal's custodian webhook under /api/webhook/...).
import { shareServer } from '../../../lib/shareServer'

// better-sqlite3 and pg are native / Node drivers: the Node runtime, never the edge.
export const runtime = 'nodejs'

function handle(request: Request): Promise<Response> {
  return shareServer()(request)
}

export { handle as GET, handle as POST }
