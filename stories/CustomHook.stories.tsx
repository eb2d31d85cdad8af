import type { Meta, StoryObj } from '@storybook/react-vite'
import { useState } from 'react'
import { expect } from 'storybook/test'
import { useWalletBackup } from '../src/hooks/useWalletBackup.js'
import { worldOf, inWorld } from './support/storyWorld.js'

/** Your own UI on `useWalletBackup`: a plain button, the step as text, a counter of successful backups. */
function MyBackup() {
  const [done, setDone] = useState(0)
  const { backup, step, isPending, error, isReady } = useWalletBackup({ onSuccess: () => setDone((n) => n + 1) })
  return (
    <div>
      <button type="button" onClick={backup} disabled={!isReady || isPending}>
        Save my wallet
      </button>
      <p>
        Step: {isReady ? step : 'loading Google'}
        {error ? `: ${error.shortMessage} (${error.code})` : ''}
      </p>
      <p>Backups made: {done}</p>
    </div>
  )
}

const meta = {
  title: 'Hooks/useWalletBackup (custom UI)',
  component: MyBackup,
  ...inWorld,
} satisfies Meta<typeof MyBackup>

export default meta
type Story = StoryObj<typeof meta>

export const BacksUp: Story = {
  play: async ({ canvas, userEvent }) => {
    await expect(await canvas.findByText('Step: idle', {}, { timeout: 10_000 })).toBeVisible()
    await userEvent.click(canvas.getByRole('button', { name: 'Save my wallet' }))
    await expect(await canvas.findByText('Step: success', {}, { timeout: 10_000 })).toBeVisible()
    await expect(canvas.getByText('Backups made: 1')).toBeVisible()
  },
}

export const ShowsTheErrorCode: Story = {
  beforeEach: (context) => worldOf(context).share.faults.set('share.post', { status: 500 }),
  play: async ({ canvas, userEvent }) => {
    await expect(await canvas.findByText('Step: idle', {}, { timeout: 10_000 })).toBeVisible()
    await userEvent.click(canvas.getByRole('button', { name: 'Save my wallet' }))
    await expect(
      await canvas.findByText(/^Step: error: .+ \(SHARE_UPLOAD_FAILED\)$/, {}, { timeout: 10_000 }),
    ).toBeVisible()
    await expect(canvas.getByText('Backups made: 0')).toBeVisible()
  },
}
