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
  // Made again from its reason by this copy's fixed list: a refusal made by another copy of the kit (or any object
  // carrying its mark) cannot bring words of its own into the header.
  const { error, description } = new AuthenticationRefused(refusal.reason)
  const parts = [`Bearer realm="${REALM}"`]
  if (error !== undefined) parts.push(`error="${error}"`)
  if (error !== undefined && description !== undefined) parts.push(`error_description="${description}"`)
  return parts.join(', ')
}
