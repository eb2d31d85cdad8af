// Emulator mode (USE_EMULATORS=1): Google (Identity Services and Drive) and the wallet provider are the kit's
// testing emulators instead of the real services, so the example runs with no account and no network. Their state
// lives in this server process's memory, so a second browser (a new device) sees the same Drive and the same
// provider-side wallet: restarting the server forgets both (the share server's rows, in SQLite, stay).
import { createGoogleEmulator, type GoogleEmulator } from 'react-mpc-backup/testing'

/** Read at each request, so the same build runs with or without the emulators. */
export function emulatorsOn(): boolean {
  return process.env.USE_EMULATORS === '1'
}

/** The emulated Google OAuth client id the page uses in emulator mode. */
export const EMULATED_GOOGLE_CLIENT_ID = 'example-emulated.apps.googleusercontent.com'

/** What the wallet emulator's provider side says about one client's wallet (public facts, never a share or key). */
export interface WalletDescription {
  address: string
  backups: Array<{ generation: number; method: string; status: 'pending' | 'completed' | 'discarded' | 'retired' }>
}

interface EmulatorState {
  google: GoogleEmulator
  wallets: Map<string, WalletDescription>
}

// One state per process, whichever route bundle asks first (each route file is bundled on its own).
const slot = Symbol.for('react-mpc-backup.example-nextjs.emulators')

export function emulatorState(): EmulatorState {
  const holder = globalThis as typeof globalThis & { [slot]?: EmulatorState }
  holder[slot] ??= { google: createGoogleEmulator({ clientId: EMULATED_GOOGLE_CLIENT_ID }), wallets: new Map() }
  return holder[slot]
}
