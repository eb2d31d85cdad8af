import type { Request, Response } from 'express'
import { HttpError } from '../errors/HttpError.js'
import { sendError } from './sendError.js'

/** Answers 503 `timeout` if nothing was sent within `ms`; the handler checks `res.headersSent` after each await. */
export function armDeadline(req: Request, res: Response, ms: number): void {
  const timer = setTimeout(() => {
    if (!res.headersSent) sendError(req, res, new HttpError(503, 'timeout'))
  }, ms)
  timer.unref()
  const clear = () => clearTimeout(timer)
  res.once('close', clear)
  res.once('finish', clear)
}
