import { redirect } from 'next/navigation'
import { EMULATED_GOOGLE_CLIENT_ID, emulatorsOn } from '../../lib/emulators'
import { signedIn } from '../../lib/signedIn'
import { WalletBackup } from './WalletBackup'

// A Server Component: it reads the session and the mode at request time and renders the client part with them.
export default async function SettingsPage() {
  const { clientId } = await signedIn()
  if (!clientId) redirect('/')
  const emulated = emulatorsOn()
  return (
    <main>
      <h1>Wallet backup</h1>
      <p>
        Signed in as <code data-testid="client-id">{clientId}</code>
        {emulated ? ' (emulated Google and wallet: nothing leaves this machine)' : ''}
      </p>
      <WalletBackup
        clientId={clientId}
        emulated={emulated}
        googleClientId={emulated ? EMULATED_GOOGLE_CLIENT_ID : (process.env.GOOGLE_CLIENT_ID ?? '')}
      />
      {emulated ? (
        // The dev login's sign-out (app/session/route.ts); a real app signs out its own way.
        <form method="post" action="/session">
          <button type="submit" name="signOut" value="1">
            Sign out
          </button>
        </form>
      ) : null}
    </main>
  )
}
