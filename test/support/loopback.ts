// Loopback helpers for the end-to-end tests: a free port to start a server on, and the check that a browser request
// stays on this machine.
import { createServer } from 'node:net'

/** A TCP port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer()
    server.once('error', fail)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => done(port))
    })
  })
}

/** Whether a request's URL stays on this machine (a loopback host, or a data: / blob: URL that needs no network). */
export function isLoopbackUrl(url: string): boolean {
  const { protocol, hostname } = new URL(url)
  if (protocol === 'data:' || protocol === 'blob:') return true
  return ['127.0.0.1', 'localhost', '[::1]'].includes(hostname)
}
