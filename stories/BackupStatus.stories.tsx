import type { Meta, StoryObj } from '@storybook/react-vite'
import { expect, waitFor } from 'storybook/test'
import { BackupStatus } from '../src/components/BackupStatus.js'
import {
  registerHandlers,
  registerMissingRoute,
  seedBackup,
  worldLoader,
  worldOf,
  WorldProvider,
  WRONG_BASE_URL,
  type StoryProviderProps,
} from './support/storyWorld.js'

/** The backup's status as one line of text (`data-state` backedUp | partial | none | superseded | loading | error). */
const meta = {
  title: 'Components/BackupStatus',
  component: BackupStatus,
  tags: ['autodocs'],
  loaders: [worldLoader],
  beforeEach: async (context) => {
    registerHandlers(context)
    await seedBackup(worldOf(context))
  },
  decorators: [
    (Story, context) => (
      <WorldProvider world={worldOf(context)} {...(context.parameters['provider'] as StoryProviderProps | undefined)}>
        <p>
          Status: <Story />
        </p>
      </WorldProvider>
    ),
  ],
} satisfies Meta<typeof BackupStatus>

export default meta
type Story = StoryObj<typeof meta>

const state = (canvasElement: HTMLElement) => canvasElement.querySelector('[data-state]')

/** The server holds the share (no Google token is held yet, so Drive is not asked). */
export const BackedUp: Story = {
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(state(canvasElement)).toHaveAttribute('data-state', 'backedUp'), { timeout: 10_000 })
    await expect(state(canvasElement)).toHaveTextContent('Backed up')
  },
}

/**
 * `server.baseURL` points where the app has no route: the status is an error, never "Not backed up" (only the
 * documented `404 backup_not_found` means no backup).
 */
export const WrongServerUrl: Story = {
  parameters: { provider: { baseURL: WRONG_BASE_URL } },
  beforeEach: (context) => registerMissingRoute(context),
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(state(canvasElement)).toHaveAttribute('data-state', 'error'), { timeout: 10_000 })
    await expect(state(canvasElement)).toHaveTextContent('Backup status unavailable')
  },
}

/**
 * Another PASSWORD backup on the same Portal client (the app's own, with a password the user typed) replaced the
 * kit's: Portal keeps one backup per method. Portal still says "backed up", but not with the kit's key.
 */
export const Superseded: Story = {
  beforeEach: async (context) => {
    const made = await worldOf(context).wallet.backupWallet('PASSWORD', undefined, {
      passwordStorage: { password: 'the user typed this' },
    })
    await made.storageCallback()
  },
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(state(canvasElement)).toHaveAttribute('data-state', 'superseded'), { timeout: 10_000 })
    await expect(state(canvasElement)).toHaveTextContent('Replaced by another backup')
  },
}
