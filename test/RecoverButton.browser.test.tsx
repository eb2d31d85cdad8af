import { cleanup, screen } from '@testing-library/react'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { userEvent } from 'vitest/browser'
import { BackupButton } from '../src/components/BackupButton.js'
import { BackupStatus } from '../src/components/BackupStatus.js'
import { RecoverButton } from '../src/components/RecoverButton.js'
import {
  captureConsole,
  createBrowserWorld,
  enabledButton,
  exposedSurfaces,
  secretsOf,
  worker,
} from './support/browserWorld.js'

beforeAll(() => worker.start({ quiet: true, onUnhandledRequest: 'error' }))
afterAll(() => worker.stop())
afterEach(() => cleanup())

const enabled = enabledButton

describe('RecoverButton: the full cycle in Chromium', () => {
  test('back up on device A, recover on a fresh device B with the same address; a second recovery from the new backup works', async () => {
    const w = createBrowserWorld()
    const console_ = captureConsole()
    try {
      const a = w.mount(<BackupButton />)
      await userEvent.click(await enabled('Back up wallet'))
      await expect.element(screen.getByRole('button')).toHaveTextContent('Wallet backed up')
      const address = w.wallet.address
      a.unmount()

      const b = w.mountOnNewDevice(<RecoverButton onSuccess={(d) => (seenAddress = d.address)} />)
      let seenAddress: string | undefined
      await userEvent.click(await enabled('Recover wallet'))
      await expect.element(screen.getByRole('button')).toHaveTextContent('Wallet recovered')
      expect(b.device.address).toBe(address)
      expect(seenAddress).toBe(address)
      expect(b.device.notifications).toMatchObject([{ success: true }])
      b.view.unmount()

      const c = w.mountOnNewDevice(<RecoverButton />)
      await userEvent.click(await enabled('Recover wallet'))
      await expect.element(screen.getByRole('button')).toHaveTextContent('Wallet recovered')
      expect(c.device.address).toBe(address)

      // Each device's popup (backup, then two recoveries) opened inside the click, never after an await.
      const popups = w.google.calls.filter((call) => call.kind === 'requestAccessToken')
      expect(popups).toHaveLength(3)
      for (const popup of popups) expect(popup).toMatchObject({ inUserEvent: true, eventType: 'click' })

      const surfaces = {
        ...exposedSurfaces(w),
        qcB: JSON.stringify(
          b.queryClient
            .getMutationCache()
            .getAll()
            .map((m) => m.state),
        ),
        console: console_.lines.join('\n'),
      }
      for (const secret of secretsOf(w))
        for (const [where, text] of Object.entries(surfaces))
          expect(text.includes(secret), `secret in ${where}`).toBe(false)
    } finally {
      console_.restore()
    }
  })

  test('no share on the server -> the button shows the ShareNotFound code and the wallet hears nothing', async () => {
    const w = createBrowserWorld()
    const b = w.mountOnNewDevice(<RecoverButton />)
    await userEvent.click(await enabled('Recover wallet'))
    const button = screen.getByRole('button')
    await expect.element(button).toHaveTextContent('Recovery failed. Try again')
    expect(button.getAttribute('data-error-code')).toBe('SHARE_NOT_FOUND')
    expect(b.device.notifications).toHaveLength(0)
  })
})

describe('BackupStatus', () => {
  test('reports partial with only the server side, and flips to backedUp after a backup without a reload', async () => {
    const w = createBrowserWorld()
    // A share on the server whose key is not in Drive: half a backup.
    w.share.putRow({
      clientId: w.clientId,
      backupMethod: 'PASSWORD',
      cipherText: 'x'.repeat(64),
      keyVersion: 'old',
      storedAt: new Date().toISOString(),
    })
    w.mount(
      <>
        <BackupStatus />
        <BackupButton />
      </>,
    )
    const button = await enabled('Back up wallet')
    // Without a token the Drive part is unknown: the wallet itself says it is not backed up -> partial.
    await expect.poll(() => document.querySelector('[data-state="partial"]')?.textContent).toBe('Backup incomplete')
    await userEvent.click(button)
    await expect.element(button).toHaveTextContent('Wallet backed up')
    await expect.poll(() => document.querySelector('span[data-state]')?.getAttribute('data-state')).toBe('backedUp')
    expect(screen.getByText('Backed up')).toBeTruthy()
    // The status query now knows Drive too (a token is held).
    const status = w.queryClient.getQueryData<{ drive?: boolean }>(['react-mpc-backup', w.clientId, 'status'])
    expect(status?.drive).toBe(true)
  })

  test('never opens a popup by itself', async () => {
    const w = createBrowserWorld()
    w.mount(<BackupStatus />)
    await expect.poll(() => document.querySelector('span[data-state]')?.getAttribute('data-state')).toBe('none')
    expect(w.google.calls.filter((c) => c.kind === 'requestAccessToken')).toHaveLength(0)
  })
})
