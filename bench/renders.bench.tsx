// React commits of <BackupButton> per backup, counted with <Profiler>, in real Chromium with the real
// @react-oauth/google, the GIS stand-in and the emulators (the world of the component tests). Chromium rather than
// jsdom: kit custody needs Google's script loaded, which jsdom cannot do, and provider custody would skip the
// authorizing step. Printed as `renders.*` lines; scripts/bench.mjs relays them.
import { cleanup, screen } from '@testing-library/react'
import { Profiler } from 'react'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { userEvent } from 'vitest/browser'
import { BackupButton } from '../src/components/BackupButton.js'
import { createBrowserWorld, worker } from '../test/support/browserWorld.js'

beforeAll(() => worker.start({ quiet: true, onUnhandledRequest: 'error' }))
afterAll(() => {
  cleanup()
  worker.stop()
})

/** Waits until no commit has happened for `quietMs`, so trailing commits (cache invalidation) are counted too. */
async function settle(commits: () => number, quietMs = 300) {
  let last = -1
  while (last !== commits()) {
    last = commits()
    await new Promise((r) => setTimeout(r, quietMs))
  }
}

test('commits of BackupButton per backup', async () => {
  const w = createBrowserWorld()
  const states: string[] = []
  w.mount(
    <Profiler
      id="BackupButton"
      onRender={() => states.push(document.querySelector('button')?.getAttribute('data-state') ?? '?')}
    >
      <BackupButton />
    </Profiler>,
  )
  const button = await screen.findByRole('button', { name: 'Back up wallet' }, { timeout: 5000 })
  await expect.poll(() => (button as HTMLButtonElement).disabled, { timeout: 5000 }).toBe(false)
  await settle(() => states.length)

  const measure = async (backups: number) => {
    states.length = 0
    await userEvent.click(button)
    await expect.poll(() => w.wallet.notifications.length, { timeout: 10_000 }).toBe(backups)
    await expect.element(button).toHaveAttribute('data-state', 'success')
    await settle(() => states.length)
    return [...states]
  }

  // First backup: the Google popup (authorizing), then generating, storing, notifying, success: 5 steps.
  const first = await measure(1)
  // Second backup: the token is held, so no authorizing step: 4 steps.
  const second = await measure(2)
  expect(w.wallet.notifications.every((n) => n.success)).toBe(true)

  const line = (name: string, commits: string[], steps: number) =>
    `renders.${name} ${commits.length} commits / (${steps} steps + 2) = ${(commits.length / (steps + 2)).toFixed(2)} (goal <= 1.00) [${commits.join(' ')}]`
  console.log(line('backup.firstWithPopup', first, 5))
  console.log(line('backup.tokenHeld', second, 4))
})
