import type { z } from 'zod'
import { fieldsOf } from './fieldsOf.js'
import { HttpError } from '../errors/HttpError.js'

/** The parsed value, or 400 `invalid_body` naming the fields that failed. */
export function parseBody<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value)
  if (!result.success) throw new HttpError(400, 'invalid_body', fieldsOf(result.error))
  return result.data
}
