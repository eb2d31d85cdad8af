import type { ServerErrorCode } from '../../core/errors/serverErrorCodes.js'

/** Thrown inside the router to answer with a stable error code; only the code and field names reach the client. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: ServerErrorCode,
    readonly fields?: string[],
  ) {
    super(code)
  }
}
