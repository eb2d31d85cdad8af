import { HttpError } from '../errors/HttpError.js'
import { ServerConfigError } from '../errors/ServerConfigError.js'
import type { BackupRouterOptions } from '../http/BackupRouterOptions.js'
import { createBackupHandler } from '../http/createBackupHandler.js'
import type { BackupHandler } from '../http/createBackupHandler.js'
import { hostErrorResponse } from '../http/responses.js'
import { buildServerRequest } from '../http/buildServerRequest.js'
import type { ServerRequest, ServerResponse } from '../http/ServerRequest.js'
import { stripBasePath } from './stripBasePath.js'

export interface WebHandlerOptions extends BackupRouterOptions {
  /** Where the routes are mounted, e.g. `/api/backup` for `app/api/backup/[...path]/route.ts` (default: the root). */
  basePath?: string
  /**
   * The caller's address: a web `Request` does not carry it (e.g. from your platform's trusted header, or Next's
   * `x-forwarded-for` as set by your own proxy). Required when `webhookAllowlist` is set.
   */
  address?: (request: Request) => string | undefined
}

/** A web-standard handler: Next.js route handlers, React Router resource routes, Hono, Bun.serve, Deno.serve. */
export type WebHandler = ((request: Request) => Promise<Response>) & Pick<BackupHandler, 'ready'>

/**
 * The share server as `(request: Request) => Promise<Response>`. Options are checked when the first request comes,
 * not when the handler is made, so a module that makes it at load (a Next.js route file) never fails `next build`
 * for a secret that only exists at run time; until they pass, every request answers 503 `not_ready` and the reason
 * is logged (a ServerConfigError's fixed message). Paths outside `basePath`, or not the kit's, answer 404
 * `route_not_found`.
 */
export function createWebHandler(options: WebHandlerOptions): WebHandler {
  const below = stripBasePath(options.basePath)
  const logger = options.logger ?? console
  let handle: BackupHandler | undefined

  const ready = (): BackupHandler => {
    if (options.webhookAllowlist && !options.address)
      throw new ServerConfigError(
        'createWebHandler: webhookAllowlist needs the address option (a web Request does not carry the caller address)',
      )
    handle ??= createBackupHandler(options)
    return handle
  }

  const handler = async (webRequest: Request): Promise<Response> => {
    const url = new URL(webRequest.url)
    const target = below(url.pathname)
    const request = webServerRequest(webRequest, target ?? url.pathname, url.search.slice(1), options.address)
    let answer: ServerResponse | undefined
    if (target !== undefined) {
      let core: BackupHandler | undefined
      try {
        core = ready()
      } catch (error) {
        if (!(error instanceof ServerConfigError)) throw error
        logger.error(`[react-mpc-backup] not_ready: ${error.message}`)
        answer = hostErrorResponse(new HttpError(503, 'not_ready'), request)
      }
      if (core) answer = await core(request)
    }
    answer ??= hostErrorResponse(new HttpError(404, 'route_not_found'), request)
    const empty = webRequest.method === 'HEAD' || answer.status === 204 || answer.status === 304
    return new Response(empty ? null : answer.body, {
      status: answer.status,
      headers: answer.headers,
    })
  }
  // Next.js: `await handler.ready()` from `register()` in instrumentation.ts, so a bad setting stops the server start.
  return Object.assign(handler, { ready: async () => ready().ready() })
}

function webServerRequest(
  webRequest: Request,
  path: string,
  search: string,
  addressOf: ((request: Request) => string | undefined) | undefined,
): ServerRequest {
  const headers: Record<string, string> = {}
  webRequest.headers.forEach((value, name) => {
    headers[name] = value
  })
  let complete = webRequest.body === null
  const stream = webRequest.body
  return buildServerRequest({
    method: webRequest.method.toUpperCase(),
    path,
    search,
    headers,
    address: addressOf?.(webRequest),
    body: stream
      ? {
          kind: 'stream',
          chunks: (async function* () {
            for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) yield chunk
            complete = true
          })(),
        }
      : { kind: 'bytes', bytes: new Uint8Array(0) },
    bodyComplete: () => complete,
  })
}
