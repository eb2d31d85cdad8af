import { ServerConfigError } from '../errors/ServerConfigError.js'
import { errorCodeOf, knownErrorMessage } from '../errors/knownErrorMessage.js'

/**
 * Why a store could not start, as a ServerConfigError the operator can act on: the known failures in fixed words
 * (driver missing, connection refused, table exists...), anything else by its class and code only.
 */
export function startupError(store: string, error: unknown): ServerConfigError {
  if (error instanceof ServerConfigError) return error
  const known = knownErrorMessage(error)
  const code = errorCodeOf(error)
  const name = error instanceof Error ? error.name : typeof error
  const what = known ?? `${name}${code ? ` (${code})` : ''}`
  return new ServerConfigError(`${store} is not ready: ${what}`)
}
