'use client'
// The client half of the settings page: the wallet (made in the browser, after mount: a wallet SDK adds an iframe
// to the page and holds functions, which cannot cross from a Server Component) and the kit's provider, status and
// buttons. The share API is this app's own /api route (app/api/[...path]/route.ts), on the same origin, so the
// session cookie goes with every request and no token is handled here.
import { useEffect, useState } from 'react'
import { BackupButton, BackupStatus, RecoverButton, WalletBackupProvider } from 'react-mpc-backup'
import type { PageWallet } from './PageWallet'

// One wallet per signed-in client per page load (React's Strict Mode runs effects twice in development).
const wallets = new Map<string, Promise<PageWallet>>()

function walletFor(clientId: string, emulated: boolean): Promise<PageWallet> {
  let wallet = wallets.get(clientId)
  if (!wallet) {
    // Loaded only in its mode: the emulators (and msw) never reach a page that runs on the real services.
    wallet = emulated
      ? import('./emulatedWallet').then(({ emulatedWallet }) => emulatedWallet(clientId))
      : Promise.reject(
          new Error('No wallet: set USE_EMULATORS=1, or make your Portal in app/settings/WalletBackup.tsx'),
        )
    wallets.set(clientId, wallet)
  }
  return wallet
}

export function WalletBackup(props: { clientId: string; emulated: boolean; googleClientId: string }) {
  const { clientId, emulated, googleClientId } = props
  const [wallet, setWallet] = useState<PageWallet>()
  const [address, setAddress] = useState<string>()
  const [problem, setProblem] = useState<string>()

  useEffect(() => {
    let live = true
    walletFor(clientId, emulated).then(
      (made) => {
        if (!live) return
        setWallet(made)
        setAddress(made.address())
      },
      (error: unknown) => live && setProblem(error instanceof Error ? error.message : String(error)),
    )
    return () => {
      live = false
    }
  }, [clientId, emulated])

  if (problem) return <p role="alert">{problem}</p>
  if (!wallet) return <p>Loading wallet…</p>
  // After a backup or a recovery: the wallet now on this device.
  const done = () => setAddress(wallet.address())
  return (
    <WalletBackupProvider wallet={wallet.adapter} googleClientId={googleClientId} server={{ baseURL: '/api' }}>
      <p>
        Backup status: <BackupStatus />
      </p>
      <p>
        Wallet on this device: <code data-testid="wallet-address">{address ?? 'none'}</code>
      </p>
      <p style={{ display: 'flex', gap: '1rem', flexWrap: 'wrap' }}>
        <BackupButton onSuccess={done} />
        <RecoverButton onSuccess={done} />
      </p>
    </WalletBackupProvider>
  )
}
