import type { Response } from 'express'

// res.send would hash every body for an ETag; these answers are no-store, so the hash is wasted work.
export function sendJsonText(res: Response, status: number, body: string): void {
  res.statusCode = status
  res.setHeader('Content-Type', 'application/json; charset=utf-8')
  res.setHeader('Content-Length', Buffer.byteLength(body))
  res.end(body)
}
