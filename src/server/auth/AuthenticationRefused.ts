import { recognizedAcrossCopies } from '../errors/recognizedAcrossCopies.js'

/** Why a bearer token was refused. A fixed list: the answer's description is chosen by it, never built from input. */
export type AuthenticationRefusalReason =
  | 'no_token'
  | 'malformed_request'
  | 'malformed'
  | 'bad_signature'
  | 'unsupported_algorithm'
  | 'no_expiry'
  | 'expired'
  | 'lifetime_too_long'
  | 'not_yet_valid'
  | 'wrong_issuer'
  | 'wrong_audience'
  | 'no_subject'

/** RFC 6750 §3.1 error codes of a 401 (`insufficient_scope` is a 403's, which this kit never answers). */
export type BearerErrorCode = 'invalid_token' | 'invalid_request'

// RFC 6750 §3: no error code when the request carried no token (or used another scheme); `invalid_request` for a
// malformed Authorization header; `invalid_token` for a token that is expired, malformed or invalid otherwise. The
// descriptions hold only the characters RFC 6750 allows there (no `"` or `\`).
const REFUSALS: Record<AuthenticationRefusalReason, [BearerErrorCode | undefined, string]> = {
  no_token: [undefined, 'No bearer token was sent'],
  malformed_request: ['invalid_request', 'The Authorization header is not a valid bearer token'],
  malformed: ['invalid_token', 'The access token is malformed'],
  bad_signature: ['invalid_token', 'The access token signature is invalid'],
  unsupported_algorithm: ['invalid_token', 'The access token is not signed with HS256'],
  no_expiry: ['invalid_token', 'The access token has no expiry'],
  expired: ['invalid_token', 'The access token expired'],
  lifetime_too_long: ['invalid_token', 'The access token lifetime is too long'],
  not_yet_valid: ['invalid_token', 'The access token is not valid yet'],
  wrong_issuer: ['invalid_token', 'The access token issuer is not accepted'],
  wrong_audience: ['invalid_token', 'The access token audience is not accepted'],
  no_subject: ['invalid_token', 'The access token names no client'],
}

/**
 * Thrown by `jwtAuthenticate` (or a bearer `authenticate` of your own) to refuse a request and say why: the router
 * answers 401 `unauthorized` with `WWW-Authenticate: Bearer realm="react-mpc-backup"`, plus `error` and
 * `error_description` unless no token was sent (RFC 6750 §3). The message and description come from a fixed list;
 * nothing of the request, the token least of all, is in them.
 */
export class AuthenticationRefused extends Error {
  override readonly name = 'AuthenticationRefused'
  readonly code = 'unauthorized' as const
  readonly reason: AuthenticationRefusalReason
  /** RFC 6750's error code; undefined when the request carried no bearer token. */
  readonly error: BearerErrorCode | undefined
  /** A fixed, human-readable sentence (RFC 6750's `error_description`); undefined when no token was sent. */
  readonly description: string | undefined

  constructor(reason: AuthenticationRefusalReason) {
    // A reason outside the list (from untyped code) is a malformed token: the answer still says only fixed words.
    const known = Object.hasOwn(REFUSALS, reason) ? reason : 'malformed'
    const [error, description] = REFUSALS[known]
    super(description)
    this.reason = known
    this.error = error
    this.description = error === undefined ? undefined : description
  }
}

recognizedAcrossCopies(AuthenticationRefused, 'AuthenticationRefused')
