import { cookies } from 'next/headers'
import { ServerConfigError } from 'react-mpc-backup/server'
import { readSession, SESSION_COOKIE } from './session'

/**
 * The signed-in clientId of the request being rendered (pages, route handlers), or why there cannot be one: a
 * missing SESSION_SECRET is said on the page instead of failing it.
 */
export async function signedIn(): Promise<{ clientId?: string; problem?: string }> {
  try {
    return { clientId: readSession((await cookies()).get(SESSION_COOKIE)?.value) }
  } catch (error) {
    if (error instanceof ServerConfigError) return { problem: error.message }
    throw error
  }
}
