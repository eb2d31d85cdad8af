// Erasing a user's backup from a page (issue 27, part 6), in real Chromium with the kit's Google (GIS + Drive),
// share-server and wallet emulators: after `useEraseBackup().erase()` Drive holds no key of the client, the server no
// record, the wallet heard `false`, <BackupStatus> says "Not backed up" without a reload, no secret reached a cache,
// web storage or the console, and a new backup works. A partial failure shows typed, and the next click finishes it.
import { cleanup, screen } from '@testing-library/react'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { userEvent } from 'vitest/browser'
import { BackupButton } from '../src/components/BackupButton.js'
import { BackupStatus } from '../src/components/BackupStatus.js'
import { RecoverButton } from '../src/components/RecoverButton.js'
import { keyFileName, keyFileVersion } from '../src/core/clients/driveKeyStore.js'
import { useEraseBackup } from '../src/hooks/useEraseBackup.js'
import type { GisRequestAccessTokenCall } from '../src/testing/index.js'
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

type World = ReturnType<typeof createBrowserWorld>
const keyFilesOf = (w: World) => w.google.files().filter((f) => keyFileVersion(f.name, w.clientId) !== undefined)
const rowsOf = (w: World) => w.share.rows().filter((r) => r.clientId === w.clientId)
const popups = (w: World) =>
  w.google.calls.filter((c): c is GisRequestAccessTokenCall => c.kind === 'requestAccessToken')
const statusState = () => document.querySelector('span[data-state]')?.getAttribute('data-state')

let lastError: { code?: string; facts?: unknown } | null = null
function EraseButton() {
  const erase = useEraseBackup()
  lastError = erase.error
  return (
    <button type="button" onClick={erase.erase} disabled={!erase.isReady} data-state={erase.step}>
      Erase backup
    </button>
  )
}
const eraseState = () => screen.getByRole('button', { name: 'Erase backup' }).getAttribute('data-state')

function Settings() {
  return (
    <>
      <BackupStatus />
      <BackupButton />
      <EraseButton />
    </>
  )
}

describe('useEraseBackup in Chromium', () => {
  test('back up, erase: no key in Drive, no record on the server, the wallet told, "Not backed up"; then a new backup works', async () => {
    const w = createBrowserWorld()
    const console_ = captureConsole()
    try {
      w.mount(<Settings />)
      await userEvent.click(await enabledButton('Back up wallet'))
      await expect.poll(statusState, { timeout: 5000 }).toBe('backedUp')
      expect(keyFilesOf(w)).toHaveLength(1)
      expect(rowsOf(w)).toHaveLength(1)
      const secrets = secretsOf(w)
      expect(secrets.length).toBeGreaterThan(2)

      await userEvent.click(await enabledButton('Erase backup'))
      await expect.poll(eraseState, { timeout: 5000 }).toBe('success')
      expect(keyFilesOf(w)).toEqual([])
      expect(rowsOf(w)).toEqual([])
      expect(w.wallet.notifications.at(-1)).toMatchObject({ success: false, method: 'PASSWORD' })
      // The token the backup's click got was still held: the erase opened no popup of its own.
      expect(popups(w)).toHaveLength(1)
      // Invalidated on success: the status flips without a reload, the provider's own record notwithstanding.
      await expect.poll(statusState, { timeout: 5000 }).toBe('none')
      expect(screen.getByText('Not backed up')).toBeTruthy()
      expect(w.backend.describe(w.clientId)?.backups).toMatchObject([{ status: 'completed' }])

      const surfaces = { ...exposedSurfaces(w), console: console_.lines.join('\n') }
      for (const secret of secrets)
        for (const [where, text] of Object.entries(surfaces)) expect(text.includes(secret), where).toBe(false)

      // The backup button no longer says "Wallet backed up": its last run is undone, so it offers a backup again,
      // and a new backup works.
      await expect
        .poll(() => document.querySelector('[data-rmb="backup-button"]')?.getAttribute('data-state'))
        .toBe('idle')
      expect(screen.queryByText('Wallet backed up')).toBeNull()
      await userEvent.click(await enabledButton('Back up wallet'))
      await expect.poll(() => rowsOf(w).length, { timeout: 5000 }).toBe(1)
      await expect.poll(statusState, { timeout: 5000 }).toBe('backedUp')
      expect(keyFilesOf(w)).toHaveLength(1)
      expect(rowsOf(w)[0]?.keyFileId).toBe(keyFilesOf(w)[0]?.id)
    } finally {
      console_.restore()
    }
  })

  test('a recovery finished on this page goes back to "Recover wallet" when the backup is erased', async () => {
    const w = createBrowserWorld()
    const a = w.mount(<BackupButton />)
    await userEvent.click(await enabledButton('Back up wallet'))
    await expect.element(screen.getByRole('button')).toHaveTextContent('Wallet backed up')
    a.unmount()

    w.mountOnNewDevice(
      <>
        <RecoverButton />
        <EraseButton />
      </>,
    )
    const recoverState = () => document.querySelector('[data-rmb="recover-button"]')?.getAttribute('data-state')
    await userEvent.click(await enabledButton('Recover wallet'))
    await expect.poll(recoverState, { timeout: 5000 }).toBe('success')
    expect(screen.queryByRole('button', { name: 'Wallet recovered' })).not.toBeNull()
    await userEvent.click(await enabledButton('Erase backup'))
    await expect.poll(eraseState, { timeout: 5000 }).toBe('success')
    await expect.poll(recoverState).toBe('idle')
    expect(screen.queryByRole('button', { name: 'Wallet recovered' })).toBeNull()
    expect(screen.queryByRole('button', { name: 'Recover wallet' })).not.toBeNull()
  })

  test("with no token held, the erase opens Google's popup inside the click, then erases", async () => {
    const w = createBrowserWorld()
    // A backup made in an earlier session: its key in Drive, its record on the server, no token in this page.
    const key = w.google.putFile({ name: keyFileName(w.clientId, 'v1'), content: 'k'.repeat(43) })
    w.share.putRow({
      clientId: w.clientId,
      backupMethod: 'PASSWORD',
      cipherText: 'c'.repeat(64),
      keyVersion: 'v1',
      keyFileId: key.id,
    })
    w.mount(<Settings />)
    await userEvent.click(await enabledButton('Erase backup'))
    await expect.poll(eraseState, { timeout: 5000 }).toBe('success')
    expect(popups(w)).toHaveLength(1)
    expect(popups(w)[0]).toMatchObject({ inUserEvent: true, eventType: 'click' })
    expect([keyFilesOf(w), rowsOf(w)]).toEqual([[], []])
    await expect.poll(statusState, { timeout: 5000 }).toBe('none')
  })

  test('the server fails after Drive: the error says so (SHARE_ERASE_FAILED, erased: drive), and the next click finishes it', async () => {
    const w = createBrowserWorld()
    w.mount(<Settings />)
    await userEvent.click(await enabledButton('Back up wallet'))
    await expect.poll(statusState, { timeout: 5000 }).toBe('backedUp')
    // The world retries each request twice: both tries fail.
    w.share.faults.set('share.delete', { status: 503 }, { times: 2 })
    await userEvent.click(await enabledButton('Erase backup'))
    await expect.poll(eraseState, { timeout: 5000 }).toBe('error')
    expect(lastError).toMatchObject({ code: 'SHARE_ERASE_FAILED', facts: { status: 503, erased: ['drive'] } })
    expect(keyFilesOf(w)).toEqual([])
    expect(rowsOf(w)).toHaveLength(1)
    await expect.poll(statusState, { timeout: 5000 }).toBe('partial')

    await userEvent.click(await enabledButton('Erase backup'))
    await expect.poll(eraseState, { timeout: 5000 }).toBe('success')
    expect(rowsOf(w)).toEqual([])
    await expect.poll(statusState, { timeout: 5000 }).toBe('none')
  })
})
