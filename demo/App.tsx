// The kit used as an app would use it: the drop-in button and a custom hook UI side by side, the status, the backup
// reminder, a recovery "as a new device", each step as it happens, and an inspector of what Drive and the server hold (never a secret).
import { QueryClient } from '@tanstack/react-query'
import axios from 'axios'
import { useCallback, useEffect, useMemo, useState } from 'react'
import {
  BackupButton,
  BackupReminder,
  BackupStatus,
  portalAdapter,
  RecoverButton,
  useWalletBackup,
  WalletBackupProvider,
  type BackupError,
} from '../src/index.js'
import { ar } from '../src/locales/ar.js'
import { de } from '../src/locales/de.js'
import { es } from '../src/locales/es.js'
import { fr } from '../src/locales/fr.js'
import { ja } from '../src/locales/ja.js'
import { ptBR } from '../src/locales/pt-BR.js'
import {
  createWalletBackend,
  createWalletEmulator,
  type DriveFileInfo,
  type GoogleEmulator,
  type WalletEmulator,
} from '../src/testing/index.js'

/** The language switch: each locale pack (`react-mpc-backup/locales/<lang>`), English being the kit's own defaults. */
const languages = {
  en: { name: 'English', messages: undefined },
  es: { name: 'Español', messages: es },
  de: { name: 'Deutsch', messages: de },
  fr: { name: 'Français', messages: fr },
  ja: { name: '日本語', messages: ja },
  'pt-BR': { name: 'Português (Brasil)', messages: ptBR },
  ar: { name: 'العربية', messages: ar },
} as const
type Language = keyof typeof languages

type LogEntry = { id: number; at: string; device: number; who: string; text: string }
type Log = (who: string, text: string) => void

/** What `GET /api/dev/rows` answers: metadata of the server's rows, never the share. */
type ServerRow = {
  kind: string
  clientId: string
  backupMethod: string
  keyVersion: string | number | null
  storedAt: string
  bytes: number
}

interface Device {
  n: number
  wallet: WalletEmulator
  queryClient: QueryClient
}

const errorText = (e: BackupError) => `failed: ${e.code} (${e.shortMessage})`

export function App({ google, googleClientId }: { google: GoogleEmulator | undefined; googleClientId: string }) {
  // One wallet (one clientId) whose provider-side state lives in `backend`; each device is a wallet emulator
  // instance on it. The first device makes the wallet; a new device starts with nothing on it.
  const [world] = useState(() => {
    const clientId = `demo-${crypto.getRandomValues(new Uint32Array(1))[0]!.toString(36)}`
    const backend = createWalletBackend()
    // The dev server authenticates with this header (devHeaderAuthenticate); a real app's interceptor adds its JWT.
    const api = axios.create({ baseURL: '/api', headers: { 'X-Client-Id': clientId } })
    return { clientId, backend, api }
  })
  const [device, setDevice] = useState<Device>(() => ({
    n: 1,
    wallet: createWalletEmulator({ clientId: world.clientId, backend: world.backend }),
    queryClient: new QueryClient(),
  }))
  const [firstAddress] = useState(() => device.wallet.address)
  const [log, setLog] = useState<LogEntry[]>([])
  const [, rerender] = useState(0)
  const [language, setLanguage] = useState<Language>('en')

  const add = useCallback<Log>(
    (who, text) =>
      setLog((entries) => [
        ...entries,
        { id: entries.length + 1, at: new Date().toLocaleTimeString(), device: device.n, who, text },
      ]),
    [device.n],
  )
  const adapter = useMemo(() => portalAdapter(device.wallet), [device.wallet])
  const server = useMemo(() => ({ axios: world.api }), [world.api])

  const newDevice = () => {
    const n = device.n + 1
    // A fresh wallet instance on the same provider backend, a fresh QueryClient, a fresh provider (and so a fresh
    // Google token): nothing of the first device's memory is reused. Drive and the server keep what they hold.
    setDevice({
      n,
      wallet: createWalletEmulator({ clientId: world.clientId, backend: world.backend, createWallet: false }),
      queryClient: new QueryClient(),
    })
    setLog((entries) => [
      ...entries,
      {
        id: entries.length + 1,
        at: new Date().toLocaleTimeString(),
        device: n,
        who: 'Demo',
        text: 'switched to a new device (no wallet on it)',
      },
    ])
  }

  return (
    <main>
      <h1>react-mpc-backup demo</h1>
      <p className="lead">
        {google
          ? 'Offline: Google and the wallet provider are emulated in this page; '
          : 'Real Google sign-in and Drive; '}
        the share goes to the real server on SQLite behind <code>/api</code>. Wallet client id:{' '}
        <code>{world.clientId}</code>
      </p>
      <p>
        <label>
          Language of the kit:{' '}
          <select
            data-testid="language"
            value={language}
            onChange={(event) => setLanguage(event.target.value as Language)}
          >
            {Object.entries(languages).map(([value, { name }]) => (
              <option key={value} value={value}>
                {name}
              </option>
            ))}
          </select>
        </label>
      </p>
      <div className="grid">
        <WalletBackupProvider
          key={device.n}
          wallet={adapter}
          clientId={world.clientId}
          googleClientId={googleClientId}
          server={server}
          queryClient={device.queryClient}
          messages={languages[language].messages}
        >
          {/* Arabic is right to left: the kit's stylesheet mirrors its components under dir="rtl". */}
          <section className="card" aria-labelledby="device-title" dir={language === 'ar' ? 'rtl' : 'ltr'}>
            <h2 id="device-title">
              {device.n === 1 ? 'Device 1 (the wallet was made here)' : `Device ${device.n} (new device)`}
            </h2>
            <p>
              Backup status: <BackupStatus />
            </p>
            <p>
              Wallet address on this device:{' '}
              <span className="mono" data-testid="device-address">
                {device.wallet.address ?? 'none'}
              </span>
            </p>
            {device.n === 1 ? (
              <>
                {/* Shown while there is no complete backup; "Later" snoozes it (a timestamp in localStorage). */}
                <BackupReminder onSnooze={() => add('Reminder', 'snoozed ("Later")')}>
                  <BackupButton
                    onStep={(step) => add('Reminder', step)}
                    onError={(error) => add('Reminder', errorText(error))}
                  />
                </BackupReminder>
                <h3>Drop-in button</h3>
                <BackupButton
                  data-testid="drop-in-backup"
                  onStep={(step) => add('Drop-in button', step)}
                  onSuccess={(data) => add('Drop-in button', `stored (${data.backupMethod}, ${data.storedAt})`)}
                  onError={(error) => add('Drop-in button', errorText(error))}
                />
                <h3>Custom UI on useWalletBackup</h3>
                <CustomBackup log={add} />
              </>
            ) : (
              <>
                <p>
                  Address on device 1:{' '}
                  <span className="mono" data-testid="first-address">
                    {firstAddress}
                  </span>
                </p>
                <h3>Recover here</h3>
                <RecoverButton
                  onStep={(step) => add('Recover button', step)}
                  onSuccess={(data) => {
                    add('Recover button', `recovered ${data.address ?? ''}, fresh backup stored (${data.storedAt})`)
                    rerender((n) => n + 1)
                  }}
                  onError={(error) => add('Recover button', errorText(error))}
                />
              </>
            )}
            <h3>Another device</h3>
            <button type="button" className="secondary" onClick={newDevice}>
              Recover as a new device
            </button>
          </section>
        </WalletBackupProvider>
        <section className="card" aria-labelledby="log-title">
          <h2 id="log-title">Steps</h2>
          {log.length === 0 ? <p>Nothing yet: back the wallet up.</p> : null}
          <ol className="log" aria-live="polite">
            {log.map((e) => (
              <li key={e.id}>
                <span className="mono">{e.at}</span> device {e.device} · {e.who}: {e.text}
              </li>
            ))}
          </ol>
        </section>
        <Inspector google={google} clientId={world.clientId} />
      </div>
    </main>
  )
}

/** A UI of one's own: the hook gives the step, the error and `backup()` (call it straight from the click). */
function CustomBackup({ log }: { log: Log }) {
  const { backup, step, isPending, error, isReady } = useWalletBackup({
    onStep: (s) => log('Custom hook', s),
    onError: (e) => log('Custom hook', errorText(e)),
  })
  return (
    <div className="row">
      <button type="button" onClick={backup} disabled={!isReady || isPending}>
        Save my wallet
      </button>
      <span data-testid="custom-step">
        {isReady ? step : 'loading Google…'}
        {error ? `: ${error.shortMessage} (${error.code})` : ''}
      </span>
    </div>
  )
}

function Inspector({ google, clientId }: { google: GoogleEmulator | undefined; clientId: string }) {
  const [files, setFiles] = useState<DriveFileInfo[]>([])
  const [rows, setRows] = useState<ServerRow[]>([])
  const [rowsError, setRowsError] = useState<string>()
  useEffect(() => {
    let live = true
    const tick = async () => {
      if (google) setFiles(google.files())
      try {
        const res = await fetch(`/api/dev/rows?clientId=${encodeURIComponent(clientId)}`)
        if (!res.ok) throw new Error(`HTTP ${res.status}`)
        const body = (await res.json()) as { rows: ServerRow[] }
        if (live) {
          setRows(body.rows)
          setRowsError(undefined)
        }
      } catch (e) {
        if (live) setRowsError(e instanceof Error ? e.message : 'unavailable')
      }
    }
    void tick()
    const timer = setInterval(() => void tick(), 700)
    return () => {
      live = false
      clearInterval(timer)
    }
  }, [google, clientId])

  return (
    <section className="card" aria-labelledby="inspector-title">
      <h2 id="inspector-title">Inspector</h2>
      <h3>Google Drive (app data folder, emulated)</h3>
      {google ? (
        <table aria-label="Drive files">
          <thead>
            <tr>
              <th scope="col">name</th>
              <th scope="col">bytes</th>
              <th scope="col">modified</th>
            </tr>
          </thead>
          <tbody>
            {files.length === 0 ? (
              <tr>
                <td colSpan={3}>no files</td>
              </tr>
            ) : (
              files.map((f) => (
                <tr key={f.id}>
                  <td className="mono">{f.name}</td>
                  <td>{f.size}</td>
                  <td>{new Date(f.modifiedTime).toLocaleTimeString()}</td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      ) : (
        <p>Real Google Drive: not inspected.</p>
      )}
      <h3>Server rows (GET /api/dev/rows, metadata only)</h3>
      {rowsError ? <p>Server unavailable: {rowsError}</p> : null}
      <table aria-label="Server rows">
        <thead>
          <tr>
            <th scope="col">method</th>
            <th scope="col">key version</th>
            <th scope="col">bytes at rest</th>
            <th scope="col">stored</th>
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 ? (
            <tr>
              <td colSpan={4}>no rows</td>
            </tr>
          ) : (
            rows.map((r) => (
              <tr key={`${r.kind}-${r.backupMethod}-${r.storedAt}`}>
                <td>{r.backupMethod}</td>
                <td className="mono">{String(r.keyVersion ?? '')}</td>
                <td>{r.bytes}</td>
                <td>{new Date(r.storedAt).toLocaleTimeString()}</td>
              </tr>
            ))
          )}
        </tbody>
      </table>
    </section>
  )
}
