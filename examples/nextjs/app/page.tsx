import Link from 'next/link'
import { emulatorsOn } from '../lib/emulators'
import { signedIn } from '../lib/signedIn'

export default async function Home() {
  const { clientId, problem } = await signedIn()
  return (
    <main>
      <h1>react-mpc-backup on Next.js</h1>
      {problem ? (
        <p role="alert">Not configured: {problem}</p>
      ) : clientId ? (
        <p>
          Signed in as <code>{clientId}</code>: <Link href="/settings">wallet backup settings</Link>
        </p>
      ) : emulatorsOn() ? (
        // The dev login of emulator mode (app/session/route.ts): a real app has its own sign-in here.
        <form method="post" action="/session">
          <label>
            Wallet client id <input name="clientId" required maxLength={200} />
          </label>{' '}
          <button type="submit">Sign in (dev)</button>
        </form>
      ) : (
        <p>Sign in with your app&apos;s own login; it must set the session that lib/session.ts reads.</p>
      )}
    </main>
  )
}
