import { BlockList, isIP } from 'node:net'
import { parseIpRange } from './parseIpRange.js'

/** A test for `req.ip` against the webhook's allowed IPs and CIDR ranges. */
export function buildAllowlist(entries: readonly string[]): (ip: string) => boolean {
  const list = new BlockList()
  for (const entry of entries) {
    const { address, prefix, type } = parseIpRange(entry, 'webhookAllowlist')
    if (prefix === undefined) list.addAddress(address, type)
    else list.addSubnet(address, prefix, type)
  }
  return (ip) => {
    // Dual-stack sockets report IPv4 peers as ::ffff:a.b.c.d.
    const plain = ip.startsWith('::ffff:') && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip
    const family = isIP(plain)
    if (family === 0) return false
    return list.check(plain, family === 6 ? 'ipv6' : 'ipv4')
  }
}
