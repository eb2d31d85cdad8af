import { googleJson } from '../googleJson.js'
import { DRIVE_APPDATA_SCOPE } from '../googleScopes.js'

// Google names the parameter at fault in a 400/404's `location`.
const param = (location: string) => ({ location, locationType: 'parameter' })

/** Drive v3's error answers, worded and located as Google's are. */
export const driveErrors = {
  param,
  notFound: (id: string) => googleJson(404, 'notFound', `File not found: ${id}.`, {}, param('fileId')),
  invalid: (message: string, location: string) => googleJson(400, 'invalid', message, {}, param(location)),
  badFields: (error: unknown) =>
    googleJson(
      400,
      'invalidParameter',
      error instanceof Error && error.name === 'UnknownFieldError' ? error.message : 'Invalid field selection',
      {},
      param('fields'),
    ),
  /** A token with no Drive scope at all. */
  insufficientScope: () =>
    googleJson(403, 'insufficientPermissions', undefined, {
      'WWW-Authenticate': `Bearer realm="https://accounts.google.com/", error="insufficient_scope", scope="${DRIVE_APPDATA_SCOPE}"`,
    }),
  /** A token with some Drive scope, but none that reaches the app data folder (drive.file only), as Google words it. */
  appDataScopes: (message: string) => googleJson(403, 'insufficientScopes', message),
}
