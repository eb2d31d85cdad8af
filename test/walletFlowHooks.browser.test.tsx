// The hooks' public API has no trap (issue 15): whatever an app calls to start a flow (`backup()`, `mutate()`,
// `mutateAsync()`) opens Google's popup inside the click and gets a fresh AbortController, so a run after `abort()`
// succeeds; the first step shown is the flow's own (recovery in provider custody reads first); and the hook does not
// resubscribe to TanStack's onlineManager on every render.
import { onlineManager } from '@tanstack/react-query'
import { act, cleanup, render, screen } from '@testing-library/react'
import { useState } from 'react'
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest'
import { userEvent } from 'vitest/browser'
import { portalAdapter } from '../src/adapters/portalAdapter.js'
import { WalletBackupProvider } from '../src/components/WalletBackupProvider.js'
import { useWalletBackup } from '../src/hooks/useWalletBackup.js'
import { useWalletRecovery } from '../src/hooks/useWalletRecovery.js'
import type { GisRequestAccessTokenCall } from '../src/testing/index.js'
import { createBrowserWorld, enabledButton, GOOGLE_CLIENT_ID, worker } from './support/browserWorld.js'

beforeAll(() => worker.start({ quiet: true, onUnhandledRequest: 'error' }))
afterAll(() => worker.stop())
afterEach(() => {
  cleanup()
  vi.restoreAllMocks()
})

const popups = (w: ReturnType<typeof createBrowserWorld>) =>
  w.google.calls.filter((c): c is GisRequestAccessTokenCall => c.kind === 'requestAccessToken')
const stateOf = (name: string) => screen.getByRole('button', { name }).getAttribute('data-state')

describe('mutate and mutateAsync take the click path', () => {
  test("mutate() from the app's own click opens Google's popup inside the click, and the backup succeeds", async () => {
    const w = createBrowserWorld()
    function MyBackup() {
      const flow = useWalletBackup()
      return (
        <button type="button" onClick={() => flow.mutate()} disabled={!flow.isReady} data-state={flow.step}>
          run
        </button>
      )
    }
    w.mount(<MyBackup />)
    const button = await enabledButton('run')
    await userEvent.click(button)
    await expect.poll(() => stateOf('run'), { timeout: 5000 }).toBe('success')
    expect(popups(w)).toHaveLength(1)
    expect(popups(w)[0]).toMatchObject({ inUserEvent: true, eventType: 'click' })
    expect(w.wallet.notifications).toMatchObject([{ success: true }])
  })

  test('mutateAsync() opens the popup inside the click too and resolves with the result', async () => {
    const w = createBrowserWorld()
    const results: unknown[] = []
    function MyBackup() {
      const flow = useWalletBackup()
      return (
        <button
          type="button"
          disabled={!flow.isReady}
          onClick={() => void flow.mutateAsync().then((data) => results.push(data))}
          data-state={flow.step}
        >
          run
        </button>
      )
    }
    w.mount(<MyBackup />)
    const button = await enabledButton('run')
    await userEvent.click(button)
    await expect.poll(() => results.length, { timeout: 5000 }).toBe(1)
    expect(results[0]).toMatchObject({ backupMethod: 'PASSWORD', storedAt: expect.any(String) })
    expect(popups(w)[0]).toMatchObject({ inUserEvent: true, eventType: 'click' })
  })

  test('after abort(), a later mutate() runs with a fresh controller and succeeds', async () => {
    const w = createBrowserWorld()
    // The wallet's generate is held until the test has aborted, so the abort lands while it is generating.
    let letGo!: () => void
    w.wallet.faults.backup = { until: new Promise<void>((r) => (letGo = r)), times: 1 }
    let flow: ReturnType<typeof useWalletBackup> | undefined
    function MyBackup() {
      flow = useWalletBackup()
      return (
        <>
          <button type="button" onClick={() => flow!.mutate()} disabled={!flow.isReady} data-state={flow.step}>
            run
          </button>
          <button type="button" onClick={flow.abort}>
            stop
          </button>
        </>
      )
    }
    w.mount(<MyBackup />)
    const run = await enabledButton('run')
    await userEvent.click(run)
    await expect.poll(() => stateOf('run'), { timeout: 5000 }).toBe('generating')
    await userEvent.click(screen.getByRole('button', { name: 'stop' }))
    await expect.poll(() => stateOf('run'), { timeout: 5000 }).toBe('error')
    expect(flow!.error).toMatchObject({ code: 'ABORTED' })
    letGo()
    // The wallet finishes the share it was making and hears `false` for it: only then is it free for a new backup.
    await expect.poll(() => w.wallet.notifications, { timeout: 5000 }).toMatchObject([{ success: false }])

    await userEvent.click(run)
    await expect.poll(() => flow!.step, { timeout: 5000 }).toMatch(/^(success|error)$/)
    expect(flow!.error).toBeNull()
    expect(flow!.step).toBe('success')
    expect(w.share.rows()).toHaveLength(1)
  })
})

test("recovery in provider custody shows 'reading' first (never a backup step before it)", async () => {
  const w = createBrowserWorld()
  const adapter = portalAdapter(w.wallet, { keyCustody: 'provider' })
  const seen: string[] = []
  function Flows() {
    const backup = useWalletBackup()
    const recovery = useWalletRecovery()
    if (seen.at(-1) !== recovery.step) seen.push(recovery.step)
    return (
      <>
        <button type="button" onClick={backup.backup} disabled={!backup.isReady} data-state={backup.step}>
          back up
        </button>
        <button type="button" onClick={recovery.recover} disabled={!recovery.isReady} data-state={recovery.step}>
          recover
        </button>
      </>
    )
  }
  render(
    <WalletBackupProvider
      wallet={adapter}
      googleClientId={GOOGLE_CLIENT_ID}
      server={{ baseURL: '/api' }}
      clientId={w.clientId}
      queryClient={w.queryClient}
    >
      <Flows />
    </WalletBackupProvider>,
  )
  const backUp = await enabledButton('back up')
  await userEvent.click(backUp)
  await expect.poll(() => stateOf('back up'), { timeout: 5000 }).toBe('success')

  seen.length = 0
  await userEvent.click(screen.getByRole('button', { name: 'recover' }))
  await expect.poll(() => stateOf('recover'), { timeout: 5000 }).toBe('success')
  expect(popups(w)).toHaveLength(0)
  // The first step after idle is the flow's own: reading, then recovering, then the fresh backup's steps.
  expect(seen.filter((s) => s !== 'idle')[0]).toBe('reading')
  expect(seen.indexOf('reading')).toBeLessThan(seen.indexOf('recovering'))
})

test("the hook subscribes to TanStack's onlineManager once, not again on every render", async () => {
  const w = createBrowserWorld()
  const subscribe = vi.spyOn(onlineManager, 'subscribe')
  let rerender: (() => void) | undefined
  function MyBackup() {
    const [, setTick] = useState(0)
    rerender = () => setTick((t) => t + 1)
    const flow = useWalletBackup()
    return <span data-online={String(flow.isOnline)}>{flow.step}</span>
  }
  w.mount(<MyBackup />)
  await expect.poll(() => document.querySelector('[data-online]')?.getAttribute('data-online')).toBe('true')
  const before = subscribe.mock.calls.length
  for (let i = 0; i < 5; i++) await act(async () => rerender!())
  expect(subscribe.mock.calls.length - before).toBe(0)
})
