import { QueryClient } from '@tanstack/react-query'
import type { Meta, StoryObj } from '@storybook/react-vite'
import { useState } from 'react'
import { expect, waitFor } from 'storybook/test'
import { BackupButton } from '../src/components/BackupButton.js'
import { BackupStatus } from '../src/components/BackupStatus.js'
import { RecoverButton } from '../src/components/RecoverButton.js'
import { readyButton, shows } from './support/play.js'
import { registerHandlers, worldLoader, worldOf, WorldProvider, type StoryWorld } from './support/storyWorld.js'

/** Back up on the first device, then recover on a new one: fresh wallet instance, fresh QueryClient and token. */
function FullFlow({ world }: { world: StoryWorld }) {
  const [device, setDevice] = useState<'first' | 'new'>('first')
  const [recovered, setRecovered] = useState<string>()
  const [newDeviceClient] = useState(() => new QueryClient())
  if (device === 'first')
    return (
      <section aria-labelledby="first-device">
        <h2 id="first-device">First device</h2>
        <p>Wallet address: {world.wallet.address}</p>
        <WorldProvider world={world}>
          <p>
            Status: <BackupStatus />
          </p>
          <BackupButton />
        </WorldProvider>
        <p>
          <button type="button" onClick={() => setDevice('new')}>
            Recover as a new device
          </button>
        </p>
      </section>
    )
  return (
    <section aria-labelledby="new-device">
      <h2 id="new-device">New device</h2>
      <WorldProvider world={world} wallet={world.newDevice} queryClient={newDeviceClient}>
        <p>
          Status: <BackupStatus />
        </p>
        <RecoverButton onSuccess={(data) => setRecovered(data.address)} />
      </WorldProvider>
      <p>Recovered address: {recovered ?? 'none yet'}</p>
    </section>
  )
}

const meta = {
  title: 'Flows/Full flow',
  component: FullFlow,
  loaders: [worldLoader],
  beforeEach: (context) => registerHandlers(context),
  render: (_args, context) => <FullFlow world={worldOf(context)} />,
} satisfies Meta<typeof FullFlow>

export default meta
type Story = StoryObj<typeof meta>

export const BackUpThenRecoverOnANewDevice: Story = {
  // The world comes from the loader, not from args.
  args: { world: undefined as unknown as StoryWorld },
  play: async ({ canvas, userEvent, loaded }) => {
    const w = worldOf({ loaded })
    const address = w.wallet.address!
    await expect(canvas.getByText(`Wallet address: ${address}`)).toBeVisible()
    await waitFor(() => expect(canvas.getByText('Not backed up')).toBeVisible(), { timeout: 10_000 })

    await userEvent.click(await readyButton(canvas, 'Back up wallet'))
    await shows(canvas, 'Wallet backed up')
    await waitFor(() => expect(canvas.getByText('Backed up')).toBeVisible(), { timeout: 10_000 })

    await userEvent.click(canvas.getByRole('button', { name: 'Recover as a new device' }))
    await expect(canvas.getByRole('heading', { name: 'New device' })).toBeVisible()
    await expect(canvas.getByText('Recovered address: none yet')).toBeVisible()
    await userEvent.click(await readyButton(canvas, 'Recover wallet'))
    await shows(canvas, 'Wallet recovered')
    await expect(await canvas.findByText(`Recovered address: ${address}`)).toBeVisible()
    await waitFor(() => expect(canvas.getByText('Backed up')).toBeVisible(), { timeout: 10_000 })
  },
}
