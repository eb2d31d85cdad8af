export type ShareServerCheckErrorCode =
  /** `baseUrl` is not an absolute http(s) URL. */
  | 'invalid_base_url'
  /** A size, time or cap option is not a positive number. */
  | 'invalid_option'

/**
 * What `checkShareServer` throws before it sends anything: its options cannot run. The message is fixed text (it never
 * quotes the base URL, which may hold credentials), meant to be printed as is.
 */
export class ShareServerCheckError extends Error {
  override readonly name = 'ShareServerCheckError'
  readonly code: ShareServerCheckErrorCode

  constructor(code: ShareServerCheckErrorCode, message: string) {
    super(message)
    this.code = code
  }
}
