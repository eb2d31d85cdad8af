/** Reasons Google's APIs put in `error.errors[0].reason` that the emulators produce. */
export type GoogleErrorReason =
  | 'authError'
  | 'required'
  | 'insufficientPermissions'
  | 'insufficientScopes'
  | 'invalidParameter'
  | 'fieldNotWritable'
  | 'accessNotConfigured'
  | 'storageQuotaExceeded'
  | 'rateLimitExceeded'
  | 'userRateLimitExceeded'
  | 'notFound'
  | 'invalid'
  | 'badRequest'
  | 'forbidden'
  | 'backendError'

/** The JSON error body of Google's REST APIs (Drive v3 included). */
export interface GoogleErrorBody {
  error: {
    code: number
    message: string
    status: string
    errors: Array<{
      domain: string
      reason: string
      message: string
      location?: string
      locationType?: string
      extendedHelp?: string
    }>
    /** google.rpc details (e.g. ErrorInfo with reason SERVICE_DISABLED), on the errors that carry them. */
    details?: Array<Record<string, unknown>>
  }
}

const statusByCode: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  413: 'INVALID_ARGUMENT',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  502: 'UNAVAILABLE',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
}

const defaultReasonByCode: Record<number, GoogleErrorReason> = {
  400: 'badRequest',
  401: 'authError',
  403: 'forbidden',
  404: 'notFound',
  429: 'rateLimitExceeded',
  500: 'backendError',
  502: 'backendError',
  503: 'backendError',
  504: 'backendError',
}

// Messages as Google words them, so that logs of the code under test look like production logs.
const messageByReason: Record<GoogleErrorReason, string> = {
  authError: 'Invalid Credentials',
  required: 'Login Required.',
  insufficientPermissions: 'Insufficient Permission',
  insufficientScopes: 'The granted scopes do not give access to all of the requested spaces.',
  invalidParameter: 'Invalid Value',
  fieldNotWritable: 'The resource body includes fields which are not directly writable.',
  accessNotConfigured: 'Access Not Configured.',
  storageQuotaExceeded: "The user's Drive storage quota has been exceeded.",
  rateLimitExceeded: 'Rate Limit Exceeded',
  userRateLimitExceeded: 'User Rate Limit Exceeded',
  notFound: 'File not found.',
  invalid: 'Invalid Value',
  badRequest: 'Bad Request',
  forbidden: 'Forbidden',
  backendError: 'Backend Error',
}

// Quota-type reasons live in the `usageLimits` domain in Google's answers; the rest in `global`.
const usageLimitReasons = new Set<string>([
  'rateLimitExceeded',
  'userRateLimitExceeded',
  'storageQuotaExceeded',
  'accessNotConfigured',
])

export function googleErrorBody(
  code: number,
  reason?: GoogleErrorReason,
  message?: string,
  location?: { location: string; locationType: string },
): GoogleErrorBody {
  const why = reason ?? defaultReasonByCode[code] ?? 'backendError'
  const detail = message ?? messageByReason[why]
  const topMessage =
    code === 401 && why === 'required'
      ? 'Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.'
      : code === 401
        ? 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.'
        : why === 'insufficientPermissions'
          ? 'Request had insufficient authentication scopes.'
          : detail
  return {
    error: {
      code,
      message: topMessage,
      status: statusByCode[code] ?? 'UNKNOWN',
      errors: [
        {
          domain: usageLimitReasons.has(why) ? 'usageLimits' : 'global',
          reason: why,
          message: detail,
          // Google names the header on every 401.
          ...(location ?? (code === 401 ? { location: 'Authorization', locationType: 'header' } : {})),
        },
      ],
    },
  }
}
