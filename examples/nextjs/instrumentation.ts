// Next.js calls register() once when a server starts, before it serves: the place for the share server's start-up
// check. Node only (this file is also compiled for the edge runtime, which the check's module never reaches).
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME === 'nodejs') await (await import('./lib/startShareServer')).startShareServer()
}
