import { HttpResponse } from 'msw'
import { googleErrorBody, type GoogleErrorReason } from './googleErrorBody.js'

/** CORS headers of Google's APIs as a page sees them (the kit reads Retry-After and WWW-Authenticate). */
export const googleCors = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Expose-Headers': 'Content-Type, Retry-After, WWW-Authenticate',
}

/** A Google REST error answer: the JSON error body, the status, CORS and any extra headers. */
export function googleJson(
  status: number,
  reason?: GoogleErrorReason,
  message?: string,
  headers: Record<string, string> = {},
  extra?: { location: string; locationType: string },
): Response {
  return HttpResponse.json(googleErrorBody(status, reason, message, extra), {
    status,
    headers: { ...googleCors, ...headers },
  })
}

/** The request's body as a JSON object, or `undefined` when it is not one (not JSON, an array, null). */
export async function readJsonObject(request: Request): Promise<Record<string, unknown> | undefined> {
  try {
    const value: unknown = JSON.parse(await request.text())
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined
  } catch {
    return undefined
  }
}
