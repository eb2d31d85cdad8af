import { AuthenticationRefused } from './AuthenticationRefused.js'

/** The realm every challenge names (RFC 6750 §3): one protection space, the kit's client routes. */
const REALM = 'react-mpc-backup'

/**
 * The `WWW-Authenticate` value of a 401 for what `authenticate` threw: `Bearer realm="react-mpc-backup"`, plus
 * `error` and `error_description` when a token was sent (RFC 6750 §3). Undefined for anything that is not an
 * `AuthenticationRefused` (an app's own authenticate that throws or answers no one): those 401s carry no challenge.
 * Every part comes from a fixed list, so the token is never echoed.
 */
export function bearerChallenge(refusal: unknown): string | undefined {
  if (!(refusal instanceof AuthenticationRefused)) return undefined
  const parts = [`Bearer realm="${REALM}"`]
  if (refusal.error !== undefined) parts.push(`error="${refusal.error}"`)
  if (refusal.error !== undefined && refusal.description !== undefined)
    parts.push(`error_description="${refusal.description}"`)
  return parts.join(', ')
}
