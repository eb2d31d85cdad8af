import type { Request, Response } from 'express'
import type { HttpError } from '../errors/HttpError.js'
import { sendJsonText } from './sendJsonText.js'

/** The error body every route answers with: `{ error: { code, fields? } }`. */
export function sendError(req: Request, res: Response, error: HttpError): void {
  // A body we did not read to its end (too large, refused early, or still trickling in at a deadline) is not
  // worth reading now: close the connection after the answer instead.
  if (!req.complete) res.setHeader('Connection', 'close')
  const body =
    error.fields && error.fields.length > 0 ? { code: error.code, fields: error.fields } : { code: error.code }
  sendJsonText(res, error.status, JSON.stringify({ error: body }))
}
