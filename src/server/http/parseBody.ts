import { HttpError } from '../errors/HttpError.js'

/** The parsed value, or 400 `invalid_body` naming the fields that failed (never their values). */
export function parseBody<T>(
  schema: { safeParse(value: unknown): { success: true; data: T } | { success: false; fields: string[] } },
  value: unknown,
): T {
  const result = schema.safeParse(value)
  if (!result.success) throw new HttpError(400, 'invalid_body', result.fields)
  return result.data
}
