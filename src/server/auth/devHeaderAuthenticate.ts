import type { ServerRequest } from '../http/ServerRequest.js'
import type { Authenticate } from '../http/BackupRouterOptions.js'

/**
 * Development only: trusts whatever clientId the caller names in a header (default `X-Client-Id`).
 * Anyone can claim any id with it, so never use it where real shares are stored.
 */
export function devHeaderAuthenticate(headerName = 'x-client-id'): Authenticate {
  return (req: ServerRequest) => req.get(headerName)?.trim() || undefined
}
