import type { Meta, StoryObj } from '@storybook/react-vite'
import { useState } from 'react'
import { expect, waitFor } from 'storybook/test'
import { useWalletBackup } from '../src/hooks/useWalletBackup.js'
import { useWalletBackupSession } from '../src/hooks/useWalletBackupSession.js'
import { worldOf, inWorld } from './support/storyWorld.js'

/** The app's sign-out calls the kit's: no Google token outlives the app user (optionally the grant is revoked). */
function SignOutDemo() {
  const { backup, step, isReady } = useWalletBackup()
  const { signOut } = useWalletBackupSession()
  const [signedOut, setSignedOut] = useState('no')
  return (
    <div>
      <button type="button" onClick={backup} disabled={!isReady}>
        Back up
      </button>
      <button type="button" onClick={() => void signOut({ revokeGoogle: true }).then(() => setSignedOut('yes'))}>
        Sign out
      </button>
      <p>Step: {isReady ? step : 'loading Google'}</p>
      <p>Signed out: {signedOut}</p>
    </div>
  )
}

const meta = {
  title: 'Hooks/useWalletBackupSession (sign out)',
  component: SignOutDemo,
  ...inWorld,
} satisfies Meta<typeof SignOutDemo>

export default meta
type Story = StoryObj<typeof meta>

export const RevokesAndAsksAgain: Story = {
  play: async ({ canvas, userEvent, context }) => {
    const { google } = worldOf(context)
    const popups = () => google.calls.filter((c) => c.kind === 'requestAccessToken').length
    await expect(await canvas.findByText('Step: idle', {}, { timeout: 10_000 })).toBeVisible()
    await userEvent.click(canvas.getByRole('button', { name: 'Back up' }))
    await expect(await canvas.findByText('Step: success', {}, { timeout: 10_000 })).toBeVisible()
    await userEvent.click(canvas.getByRole('button', { name: 'Sign out' }))
    await expect(await canvas.findByText('Signed out: yes', {}, { timeout: 10_000 })).toBeVisible()
    await expect(google.revocations).toHaveLength(1)
    await userEvent.click(canvas.getByRole('button', { name: 'Back up' }))
    await waitFor(() => expect(popups()).toBe(2), { timeout: 10_000 })
    await expect(await canvas.findByText('Step: success', {}, { timeout: 10_000 })).toBeVisible()
  },
}
