import type { ServerResponse } from './ServerRequest.js'

/** A JSON answer from an already serialised body. */
export function jsonResponse(status: number, body: string, headers: Record<string, string> = {}): ServerResponse {
  return { status, headers: { 'Content-Type': 'application/json; charset=utf-8', ...headers }, body }
}
