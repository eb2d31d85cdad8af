// Browser-mode commands (run in Node, next to Playwright) that put the stand-in of Portal's iframe page at its real
// URL, so the real @portal-hq/web SDK in the test page talks to https://web.portalhq.io as it would in production.
// Every other non-loopback request of the browser context is aborted while they are installed.
import type { BrowserCommand } from 'vitest/node'
import type { BrowserContext, Route } from 'playwright-core'
import { portalIframeStandInHtml } from './portalIframeStandIn.js'

type Ctx = Parameters<BrowserCommand<[]>>[0] & { context?: BrowserContext }

const isLoopback = (url: URL) => ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)

let installed:
  | { context: BrowserContext; abort: (route: Route) => Promise<void>; serve: (route: Route) => Promise<void> }
  | undefined
let hold: { promise: Promise<void>; release: () => void } | undefined
const served: string[] = []
/** "Portal's servers" of the stand-in: one JSON record per API key (the stand-in page reads and writes it). */
const portalServers = new Map<string, string>()
const aborted: string[] = []

function contextOf(ctx: Ctx): BrowserContext {
  if (!ctx.context) throw new Error('portal stand-in commands need the playwright provider')
  return ctx.context
}

const portalIframeRoute = (url: URL) => url.origin === 'https://web.portalhq.io'
const nonLoopback = (url: URL) =>
  !isLoopback(url) &&
  (url.protocol === 'http:' || url.protocol === 'https:' || url.protocol === 'ws:' || url.protocol === 'wss:')

/** Installs the routes: the catch-all first, since Playwright tries the route registered last first. */
export const portalStandInStart: BrowserCommand<[]> = async (ctx) => {
  const context = contextOf(ctx as Ctx)
  if (installed) return
  const abort = async (route: Route) => {
    aborted.push(route.request().url())
    await route.abort('blockedbyclient')
  }
  const serve = async (route: Route) => {
    const request = route.request()
    const url = new URL(request.url())
    if (url.pathname.startsWith('/__standin/server/')) {
      const key = url.pathname.slice('/__standin/server/'.length)
      if (request.method() === 'PUT') portalServers.set(key, request.postData() ?? 'null')
      return route.fulfill({ status: 200, contentType: 'application/json', body: portalServers.get(key) ?? 'null' })
    }
    await hold?.promise
    served.push(url.href)
    if (url.pathname !== '/3.4.1/iframe/index.html') return route.fulfill({ status: 404, body: 'not found' })
    await route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: portalIframeStandInHtml() })
  }
  await context.route(nonLoopback, abort)
  await context.route(portalIframeRoute, serve)
  installed = { context, abort, serve }
}

export const portalStandInStop: BrowserCommand<[]> = async () => {
  if (!installed) return
  hold?.release()
  hold = undefined
  await installed.context.unroute(portalIframeRoute, installed.serve)
  await installed.context.unroute(nonLoopback, installed.abort)
  installed = undefined
}

/** Holds every load of Portal's iframe page until `portalStandInRelease`: the iframe stays `about:blank`. */
export const portalStandInHold: BrowserCommand<[]> = async () => {
  let release!: () => void
  const promise = new Promise<void>((resolve) => (release = resolve))
  hold = { promise, release }
}

export const portalStandInRelease: BrowserCommand<[]> = async () => {
  hold?.release()
  hold = undefined
}

/** The iframe loads served so far and the requests aborted by the catch-all. */
export const portalStandInTraffic: BrowserCommand<[]> = async () => ({ served: [...served], aborted: [...aborted] })

export const portalStandInCommands = {
  portalStandInStart,
  portalStandInStop,
  portalStandInHold,
  portalStandInRelease,
  portalStandInTraffic,
}

declare module 'vitest/browser' {
  interface BrowserCommands {
    portalStandInStart: () => Promise<void>
    portalStandInStop: () => Promise<void>
    portalStandInHold: () => Promise<void>
    portalStandInRelease: () => Promise<void>
    portalStandInTraffic: () => Promise<{ served: string[]; aborted: string[] }>
  }
}
