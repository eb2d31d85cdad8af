import type { Meta, StoryObj } from '@storybook/react-vite'
import { expect } from 'storybook/test'
import { BackupStatus } from '../src/components/BackupStatus.js'
import { useEraseBackup } from '../src/hooks/useEraseBackup.js'
import { useWalletBackup } from '../src/hooks/useWalletBackup.js'
import { worldOf, inWorld } from './support/storyWorld.js'

/** A user deletes their backup: the key in their Drive, the server's record, and the wallet is told. */
function EraseDemo() {
  const backup = useWalletBackup()
  const erase = useEraseBackup()
  return (
    <div>
      <BackupStatus />
      <button type="button" onClick={backup.backup} disabled={!backup.isReady}>
        Back up
      </button>
      <button type="button" onClick={erase.erase} disabled={!erase.isReady}>
        Delete my backup
      </button>
      <p>Backup: {backup.isReady ? backup.step : 'loading Google'}</p>
      <p>Erase: {erase.isReady ? erase.step : 'loading Google'}</p>
      {erase.error && <p role="alert">{erase.error.code}</p>}
    </div>
  )
}

const meta = {
  title: 'Hooks/useEraseBackup',
  component: EraseDemo,
  ...inWorld,
} satisfies Meta<typeof EraseDemo>

export default meta
type Story = StoryObj<typeof meta>

export const BackUpThenErase: Story = {
  play: async ({ canvas, userEvent, context }) => {
    const { share, google, clientId } = worldOf(context)
    await expect(await canvas.findByText('Backup: idle', {}, { timeout: 10_000 })).toBeVisible()
    await userEvent.click(canvas.getByRole('button', { name: 'Back up' }))
    await expect(await canvas.findByText('Backed up', {}, { timeout: 10_000 })).toBeVisible()
    await userEvent.click(canvas.getByRole('button', { name: 'Delete my backup' }))
    await expect(await canvas.findByText('Erase: success', {}, { timeout: 10_000 })).toBeVisible()
    await expect(await canvas.findByText('Not backed up', {}, { timeout: 10_000 })).toBeVisible()
    await expect(share.rows().filter((r) => r.clientId === clientId)).toEqual([])
    await expect(google.files().filter((f) => f.name.includes(clientId))).toEqual([])
  },
}

export const ServerDown: Story = {
  beforeEach: (context) => worldOf(context).share.faults.set('share.delete', { status: 500 }),
  play: async ({ canvas, userEvent }) => {
    await expect(await canvas.findByText('Backup: idle', {}, { timeout: 10_000 })).toBeVisible()
    await userEvent.click(canvas.getByRole('button', { name: 'Back up' }))
    await expect(await canvas.findByText('Backed up', {}, { timeout: 10_000 })).toBeVisible()
    await userEvent.click(canvas.getByRole('button', { name: 'Delete my backup' }))
    await expect(await canvas.findByRole('alert', {}, { timeout: 10_000 })).toHaveTextContent('SHARE_ERASE_FAILED')
    await expect(await canvas.findByText('Backup incomplete', {}, { timeout: 10_000 })).toBeVisible()
  },
}
