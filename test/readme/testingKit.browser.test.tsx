import { cleanup, render } from '@testing-library/react'
import { setupWorker } from 'msw/browser'
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest'
import { page } from 'vitest/browser'
import { BackupButton, WalletBackupProvider, portalAdapter } from 'react-mpc-backup'
import { createGoogleEmulator, createShareServerEmulator, createWalletEmulator } from 'react-mpc-backup/testing'

// Google (Identity Services script + Drive) and your share endpoint, emulated at the network edge.
const google = createGoogleEmulator()
const api = createShareServerEmulator({ baseURL: '/api' })
const worker = setupWorker(...google.handlers, ...api.handlers)

beforeAll(() => worker.start({ quiet: true, onUnhandledRequest: 'error' }))
afterAll(() => worker.stop())
afterEach(() => cleanup())

test('the user backs up the wallet in one click', async () => {
  const wallet = createWalletEmulator({ clientId: 'client-1' })
  render(
    <WalletBackupProvider
      wallet={portalAdapter(wallet)}
      googleClientId={google.clientId}
      server={{ baseURL: '/api' }}
      clientId="client-1"
    >
      <BackupButton />
    </WalletBackupProvider>,
  )

  const button = page.getByRole('button')
  // Enabled once Google's (emulated) script has loaded.
  await expect.element(button).toBeEnabled()
  await button.click()

  await expect.element(button).toHaveTextContent('Wallet backed up')
  expect(api.rows()).toMatchObject([{ clientId: 'client-1', backupMethod: 'PASSWORD' }])
  expect(google.files()).toHaveLength(1)
  expect(wallet.notifications).toMatchObject([{ success: true }])
})

test('a full Drive shows a clear error and the wallet hears false', async () => {
  google.faults.set('drive.create', { status: 403, reason: 'storageQuotaExceeded' })
  const wallet = createWalletEmulator({ clientId: 'client-2' })
  render(
    <WalletBackupProvider
      wallet={portalAdapter(wallet)}
      googleClientId={google.clientId}
      server={{ baseURL: '/api' }}
      clientId="client-2"
    >
      <BackupButton data-testid="backup" />
    </WalletBackupProvider>,
  )

  const button = page.getByTestId('backup')
  await expect.element(button).toBeEnabled()
  await button.click()

  await expect.element(button).toHaveAttribute('data-error-code', 'DRIVE_QUOTA_EXCEEDED')
  expect(wallet.notifications).toMatchObject([{ success: false }])
})
