// The demo's entry. Offline (default): Google Identity Services and Drive are emulated in this page by an MSW
// worker, the wallet provider by the wallet emulator; the share API is the real server (SQLite) behind /api.
// With VITE_GOOGLE_CLIENT_ID set, the real Google script and Drive are used instead (see demo/README.md).
import { setupWorker } from 'msw/browser'
// The kit's optional stylesheet, imported as an app would: `import 'react-mpc-backup/styles.css'`.
import '../src/styles.css'
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { createGoogleEmulator, type GoogleEmulator } from '../src/testing/index.js'
import { App } from './App.js'

const EMULATOR_CLIENT_ID = 'demo-emulator-client-id'

async function main() {
  const realClientId = import.meta.env.VITE_GOOGLE_CLIENT_ID
  let google: GoogleEmulator | undefined
  if (!realClientId) {
    google = createGoogleEmulator({ clientId: EMULATOR_CLIENT_ID })
    // Only Google is mocked; everything else (Vite's modules, the app's /api) goes to the dev server.
    const worker = setupWorker(...google.handlers)
    await worker.start({ quiet: true, onUnhandledRequest: 'bypass' })
  }
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <App google={google} googleClientId={realClientId || EMULATOR_CLIENT_ID} />
    </StrictMode>,
  )
}

void main()
