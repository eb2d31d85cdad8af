import { shareServer } from './shareServer'

/**
 * Checks the share server before the app serves (from instrumentation.ts): its options, the store (driver, database,
 * migrations) and that the encryption key opens the stored rows. On a failure it stops the process, naming the fix:
 * thrown from register(), Next.js 16 would log it and go on answering every request, pages too, with a 500.
 */
export async function startShareServer(): Promise<void> {
  try {
    await shareServer().ready()
  } catch (error) {
    // The kit's setting errors carry fixed messages, safe to print; of any other error only its name and code.
    const { name = 'Error', message = '', code } = error as { name?: string; message?: string; code?: unknown }
    const reason = name === 'ServerConfigError' ? message : `${name}${typeof code === 'string' ? ` (${code})` : ''}`
    console.error(`[example] the share server cannot start: ${reason}`)
    process.exit(1)
  }
}
