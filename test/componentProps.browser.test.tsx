// The components' Radix-style API (issue 15): `asChild` with a ref on the child logs nothing on React 18 or 19
// (Slot reads the child's ref where its React keeps it, like Radix's getElementRef) and both refs reach the element;
// the app's `aria-describedby` is merged with the live region's; <BackupStatus> takes element props and a ref.
// .ci/run runs this file again on React 18 (scripts/react18.sh).
import { cleanup, screen } from '@testing-library/react'
import { createRef, version } from 'react'
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest'
import { BackupButton } from '../src/components/BackupButton.js'
import { BackupStatus } from '../src/components/BackupStatus.js'
import { RecoverButton } from '../src/components/RecoverButton.js'
import { createBrowserWorld, worker } from './support/browserWorld.js'

beforeAll(() => worker.start({ quiet: true, onUnhandledRequest: 'error' }))
afterAll(() => worker.stop())
afterEach(() => {
  cleanup()
  vi.restoreAllMocks()
})

describe(`asChild with a ref on the child (React ${version})`, () => {
  test('logs nothing, and the forwarded ref and the child ref both get the element', async () => {
    const errors = vi.spyOn(console, 'error')
    const warnings = vi.spyOn(console, 'warn')
    const w = createBrowserWorld()
    const forwarded = createRef<HTMLButtonElement>()
    const childRef = createRef<HTMLAnchorElement>()
    const recoverChild = createRef<HTMLButtonElement>()
    w.mount(
      <>
        <BackupButton asChild ref={forwarded}>
          <a ref={childRef} href="#backup" className="app-link">
            Back up
          </a>
        </BackupButton>
        <RecoverButton asChild>
          <button ref={recoverChild} type="button">
            Recover
          </button>
        </RecoverButton>
      </>,
    )
    const link = await screen.findByText('Back up')
    await expect.poll(() => link.getAttribute('data-state'), { timeout: 5000 }).toBe('idle')
    expect(forwarded.current).toBe(link)
    expect(childRef.current).toBe(link)
    expect(recoverChild.current).toBe(screen.getByText('Recover'))
    expect(link.getAttribute('data-rmb')).toBe('backup-button')
    expect(link.className).toBe('app-link')
    expect(errors).not.toHaveBeenCalled()
    expect(warnings).not.toHaveBeenCalled()
  })
})

test("the app's aria-describedby is kept and the live region is added to it", async () => {
  const w = createBrowserWorld()
  w.mount(
    <>
      <p id="backup-hint">Your key goes to your Google Drive.</p>
      <BackupButton aria-describedby="backup-hint" />
      <RecoverButton aria-describedby="backup-hint" announce={false} />
    </>,
  )
  const backup = await screen.findByRole('button', { name: 'Back up wallet' })
  const ids = (backup.getAttribute('aria-describedby') ?? '').split(' ')
  expect(ids[0]).toBe('backup-hint')
  expect(ids).toHaveLength(2)
  expect(document.getElementById(ids[1]!)?.getAttribute('role')).toBe('status')
  // Without the live region the app's own description is all there is.
  const recover = screen.getByRole('button', { name: 'Recover wallet' })
  expect(recover.getAttribute('aria-describedby')).toBe('backup-hint')
})

test('<BackupStatus> spreads element props on its span and forwards a ref; its data-state cannot be overridden', async () => {
  const w = createBrowserWorld()
  const ref = createRef<HTMLSpanElement>()
  w.mount(<BackupStatus ref={ref} id="status" className="muted" title="Backup status" aria-live="polite" />)
  const span = document.getElementById('status')!
  expect(ref.current).toBe(span)
  expect(span.className).toBe('muted')
  expect(span.getAttribute('title')).toBe('Backup status')
  expect(span.getAttribute('aria-live')).toBe('polite')
  expect(span.getAttribute('data-rmb')).toBe('backup-status')
  await expect.poll(() => span.getAttribute('data-state'), { timeout: 5000 }).toBe('none')
})
