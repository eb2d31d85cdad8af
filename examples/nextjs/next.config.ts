import { fileURLToPath } from 'node:url'
import type { NextConfig } from 'next'

const nextConfig: NextConfig = {
  // Nothing for the kit. This folder sits inside the kit's repository, whose own lockfile would otherwise make Next
  // take the repository as the project root (and warn); copied out on its own, this line changes nothing.
  turbopack: { root: fileURLToPath(new URL('.', import.meta.url)) },
  async headers() {
    // Google's sign-in popup must reach its opener: `same-origin-allow-popups` (or no COOP header), never
    // `same-origin`, which makes Google report the popup closed.
    return [{ source: '/:path*', headers: [{ key: 'Cross-Origin-Opener-Policy', value: 'same-origin-allow-popups' }] }]
  },
}

export default nextConfig
