import type { ServerErrorCode } from '../../core/errors/serverErrorCodes.js'

/** Thrown inside the core to answer with a stable error code; only the code and field names reach the client. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: ServerErrorCode,
    readonly fields?: string[],
    /** Headers the answer carries (e.g. `Retry-After`), fixed text only: never a value from the request. */
    readonly headers?: Readonly<Record<string, string>>,
  ) {
    super(code)
  }
}
