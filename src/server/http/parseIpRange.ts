import { isIP } from 'node:net'
import { ServerConfigError } from '../errors/ServerConfigError.js'

interface IpRange {
  address: string
  /** Absent for a single address. */
  prefix?: number
  type: 'ipv4' | 'ipv6'
}

/**
 * `a.b.c.d`, `a.b.c.d/n`, an IPv6 address or `addr/n`, nothing else: a stray slash, space, empty or out-of-range
 * prefix is refused (a lenient reading turned `10.1.2.3/` into `/0`, which lets every address through).
 */
export function parseIpRange(entry: string, what: string): IpRange {
  const match = /^([^/\s]+)(?:\/(0|[1-9]\d{0,2}))?$/.exec(entry)
  const address = match?.[1] ?? ''
  const family = isIP(address)
  const max = family === 6 ? 128 : 32
  const prefix = match?.[2] === undefined ? undefined : Number(match[2])
  if (!match || family === 0 || (prefix !== undefined && prefix > max)) {
    throw new ServerConfigError(
      `${what}: "${entry}" is not an IP address or CIDR range (a.b.c.d, a.b.c.d/0-32, IPv6, IPv6/0-128)`,
    )
  }
  const type = family === 6 ? 'ipv6' : 'ipv4'
  return prefix === undefined ? { address, type } : { address, prefix, type }
}
