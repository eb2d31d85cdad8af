import type { IncomingMessage } from 'node:http'
import { buildAllowlist } from '../http/buildAllowlist.js'

/** Which proxies in front are trusted: a hop count, their addresses (CIDR, `loopback`, `linklocal`, `uniquelocal`), or all. */
export type TrustProxy = boolean | number | string | readonly string[]

const NAMED: Record<string, readonly string[]> = {
  loopback: ['127.0.0.0/8', '::1/128'],
  linklocal: ['169.254.0.0/16', 'fe80::/10'],
  uniquelocal: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
}

/**
 * The caller's address of a `node:http` request, the way express's `trust proxy` computes `req.ip`: the socket's
 * peer, then each `X-Forwarded-For` entry from the nearest hop back, for as long as the hop reporting it is trusted.
 * Without `trust`, the socket's peer (X-Forwarded-For is ignored).
 */
export function forwardedAddress(trust: TrustProxy | undefined): (req: IncomingMessage) => string | undefined {
  if (trust === undefined || trust === false || trust === 0) return (req) => req.socket.remoteAddress
  let trusted: (address: string, hop: number) => boolean
  if (trust === true) trusted = () => true
  else if (typeof trust === 'number') trusted = (_address, hop) => hop < trust
  else {
    const entries = (typeof trust === 'string' ? trust.split(',') : [...trust]).map((e) => e.trim())
    const test = buildAllowlist(entries.flatMap((e) => NAMED[e] ?? [e]))
    trusted = (address) => test(address)
  }
  return (req) => {
    const peer = req.socket.remoteAddress
    const header = req.headers['x-forwarded-for']
    if (peer === undefined || header === undefined) return peer
    const hops = (Array.isArray(header) ? header.join(',') : header)
      .split(',')
      .map((entry) => entry.trim())
      .filter((entry) => entry !== '')
      .reverse()
    let address = peer
    for (let hop = 0; hop < hops.length; hop++) {
      if (!trusted(address, hop)) break
      address = hops[hop]!
    }
    return address
  }
}
