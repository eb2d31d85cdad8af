import type { z } from 'zod'

export function fieldsOf(error: z.ZodError): string[] {
  // Field paths only: values (which may be shares) never go back to the caller.
  return [...new Set(error.issues.map((issue) => issue.path.map(String).join('.') || '(root)'))].slice(0, 10)
}
