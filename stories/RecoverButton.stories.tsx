import type { Meta, StoryObj } from '@storybook/react-vite'
import { expect } from 'storybook/test'
import { RecoverButton } from '../src/components/RecoverButton.js'
import { failsWith, readyButton, scriptUnavailable, shows } from './support/play.js'
import {
  HOLD_MS,
  registerHandlers,
  registerMissingRoute,
  seedBackup,
  worldLoader,
  worldOf,
  holdGoogleScript,
  releaseGoogleScript,
  WorldProvider,
  WRONG_BASE_URL,
  type StoryProviderProps,
} from './support/storyWorld.js'

const IDLE = 'Recover wallet'
const FAILED = 'Recovery failed. Try again'

/**
 * One click recovers the wallet on a new device: Google consent, the key from Drive, the share from your server,
 * the wallet restored, then a fresh backup stored (recovery rotates the backup). Each story starts with a wallet
 * backed up from its first device (unless `parameters.seed` is false) and renders a second, empty device.
 */
const meta = {
  title: 'Components/RecoverButton',
  component: RecoverButton,
  tags: ['autodocs'],
  loaders: [worldLoader],
  parameters: { seed: true },
  beforeEach: async (context) => {
    registerHandlers(context)
    if (context.parameters['seed'] !== false) await seedBackup(worldOf(context))
  },
  decorators: [
    (Story, context) => {
      const world = worldOf(context)
      return (
        <WorldProvider
          world={world}
          wallet={world.newDevice}
          {...(context.parameters['provider'] as StoryProviderProps | undefined)}
        >
          <Story />
        </WorldProvider>
      )
    },
  ],
} satisfies Meta<typeof RecoverButton>

export default meta
type Story = StoryObj<typeof meta>

export const ScriptLoading: Story = {
  beforeEach: holdGoogleScript,
  play: async (context) => {
    const { canvas } = context
    const button = await shows(canvas, 'Loading Google sign-in…')
    await expect(button).toBeDisabled()
    await expect(button).toHaveAttribute('data-disabled-reason', 'google-loading')
    releaseGoogleScript(context)
    await expect(await readyButton(canvas, IDLE)).toHaveAttribute('data-ready')
  },
}

export const Idle: Story = {
  play: async ({ canvas }) => {
    await expect(await readyButton(canvas, IDLE)).toHaveAttribute('data-state', 'idle')
  },
}

export const Authorizing: Story = {
  beforeEach: (context) => worldOf(context).google.faults.set('gis.token', { delayMs: HOLD_MS }),
  play: async ({ canvas, userEvent }) => {
    await userEvent.click(await readyButton(canvas, IDLE))
    await expect(await shows(canvas, 'Waiting for Google…')).toHaveAttribute('aria-busy', 'true')
  },
}

export const Reading: Story = {
  beforeEach: (context) => worldOf(context).share.faults.set('share.get', { delayMs: HOLD_MS }),
  play: async ({ canvas, userEvent }) => {
    await userEvent.click(await readyButton(canvas, IDLE))
    await expect(await shows(canvas, 'Reading backup…')).toHaveAttribute('data-state', 'reading')
  },
}

export const Recovering: Story = {
  beforeEach: (context) => {
    worldOf(context).newDevice.faults.recover = { delayMs: HOLD_MS }
  },
  play: async ({ canvas, userEvent }) => {
    await userEvent.click(await readyButton(canvas, IDLE))
    await expect(await shows(canvas, 'Restoring wallet…')).toHaveAttribute('data-state', 'recovering')
  },
}

export const Generating: Story = {
  beforeEach: (context) => {
    worldOf(context).newDevice.faults.backup = { delayMs: HOLD_MS }
  },
  play: async ({ canvas, userEvent }) => {
    await userEvent.click(await readyButton(canvas, IDLE))
    await expect(await shows(canvas, 'Making a fresh backup…')).toHaveAttribute('data-state', 'generating')
  },
}

export const Storing: Story = {
  beforeEach: (context) => worldOf(context).share.faults.set('share.post', { delayMs: HOLD_MS }),
  play: async ({ canvas, userEvent }) => {
    await userEvent.click(await readyButton(canvas, IDLE))
    await expect(await shows(canvas, 'Saving fresh backup…')).toHaveAttribute('data-state', 'storing')
  },
}

export const Notifying: Story = {
  beforeEach: (context) => {
    worldOf(context).newDevice.faults.notify = { delayMs: HOLD_MS }
  },
  play: async ({ canvas, userEvent }) => {
    await userEvent.click(await readyButton(canvas, IDLE))
    await expect(await shows(canvas, 'Confirming backup…')).toHaveAttribute('data-state', 'notifying')
  },
}

export const Success: Story = {
  play: async ({ canvas, userEvent, loaded }) => {
    const w = worldOf({ loaded })
    await expect(w.newDevice.address).toBeUndefined()
    await userEvent.click(await readyButton(canvas, IDLE))
    await expect(await shows(canvas, 'Wallet recovered')).toHaveAttribute('data-state', 'success')
    await expect(w.newDevice.address).toBe(w.wallet.address)
    await expect(w.newDevice.notifications).toMatchObject([{ success: true }])
  },
}

export const PopupBlocked: Story = {
  beforeEach: (context) => worldOf(context).google.consent.next('popupBlocked'),
  play: async ({ canvas, userEvent }) => {
    await userEvent.click(await readyButton(canvas, IDLE))
    await failsWith(canvas, FAILED, 'GOOGLE_POPUP_BLOCKED')
  },
}

export const PopupClosed: Story = {
  beforeEach: (context) => worldOf(context).google.consent.next('close'),
  play: async ({ canvas, userEvent }) => {
    await userEvent.click(await readyButton(canvas, IDLE))
    await failsWith(canvas, FAILED, 'GOOGLE_POPUP_CLOSED')
  },
}

export const ScopeDenied: Story = {
  beforeEach: (context) => worldOf(context).google.consent.next('dropScope'),
  play: async ({ canvas, userEvent }) => {
    await userEvent.click(await readyButton(canvas, IDLE))
    await failsWith(canvas, FAILED, 'GOOGLE_SCOPE_DENIED')
  },
}

/** The wallet is restored, but the fresh backup's key cannot be written: the user's Drive is full. */
export const DriveQuotaExceeded: Story = {
  beforeEach: (context) =>
    worldOf(context).google.faults.set('drive.create', { status: 403, reason: 'storageQuotaExceeded' }),
  play: async ({ canvas, userEvent }) => {
    await userEvent.click(await readyButton(canvas, IDLE))
    await failsWith(canvas, FAILED, 'DRIVE_QUOTA_EXCEEDED')
  },
}

export const ServerError: Story = {
  beforeEach: (context) => worldOf(context).share.faults.set('share.get', { status: 500 }),
  play: async ({ canvas, userEvent }) => {
    await userEvent.click(await readyButton(canvas, IDLE))
    await failsWith(canvas, FAILED, 'SHARE_FETCH_FAILED')
  },
}

export const WalletBusy: Story = {
  beforeEach: (context) => {
    worldOf(context).newDevice.faults.recover = { error: { code: 'WALLET_MODIFICATION_ALREADY_IN_PROGRESS' } }
  },
  play: async ({ canvas, userEvent }) => {
    await userEvent.click(await readyButton(canvas, IDLE))
    await failsWith(canvas, FAILED, 'WALLET_BUSY')
  },
}

/** Nothing was ever backed up: the server has no share for this wallet. */
export const ShareNotFound: Story = {
  parameters: { seed: false },
  play: async ({ canvas, userEvent }) => {
    await userEvent.click(await readyButton(canvas, IDLE))
    await failsWith(canvas, FAILED, 'SHARE_NOT_FOUND')
  },
}

/** The server holds a share, but this Google account's Drive has no key for it (another account, or deleted). */
export const KeyNotFound: Story = {
  parameters: { seed: false },
  beforeEach: (context) => {
    const w = worldOf(context)
    w.share.putRow({ clientId: w.clientId, backupMethod: 'PASSWORD', cipherText: 'c'.repeat(64), keyVersion: 'gone' })
  },
  play: async ({ canvas, userEvent }) => {
    await userEvent.click(await readyButton(canvas, IDLE))
    await failsWith(canvas, FAILED, 'KEY_NOT_FOUND')
  },
}

/**
 * Google's script is blocked (an ad blocker, a Content-Security-Policy, offline): instead of "Loading…" forever the
 * button shows `GoogleScriptUnavailable` and a click loads the script again (it loads this time).
 */
export const GoogleScriptUnavailable: Story = {
  beforeEach: (context) => worldOf(context).google.faults.set('gis.script', { networkError: true }, { times: 1 }),
  play: async ({ canvas, userEvent }) => {
    await userEvent.click(await scriptUnavailable(canvas))
    await expect(await readyButton(canvas, IDLE)).toHaveAttribute('data-ready')
  },
}

/** The Drive API is not enabled in the Cloud project of the OAuth client: a setup error that says what to enable. */
export const DriveApiDisabled: Story = {
  beforeEach: (context) => worldOf(context).google.setDriveApiEnabled(false),
  play: async ({ canvas, userEvent }) => {
    await userEvent.click(await readyButton(canvas, IDLE))
    await failsWith(canvas, FAILED, 'GOOGLE_SETUP_INVALID')
    await expect(canvas.getByRole('status')).toHaveTextContent('Enable the Google Drive API')
  },
}

/** A token with drive.file only (Google answers 403 insufficientScopes on the app data folder). */
export const InsufficientScopes: Story = {
  beforeEach: (context) =>
    worldOf(context).google.faults.set('drive.get', { status: 403, reason: 'insufficientScopes' }),
  play: async ({ canvas, userEvent }) => {
    await userEvent.click(await readyButton(canvas, IDLE))
    await failsWith(canvas, FAILED, 'GOOGLE_SCOPE_DENIED')
  },
}

/** `server.baseURL` points where the app has no route: a fetch failure naming the URL, never "no backup". */
export const WrongServerUrl: Story = {
  parameters: { provider: { baseURL: WRONG_BASE_URL } },
  beforeEach: (context) => registerMissingRoute(context),
  play: async ({ canvas, userEvent }) => {
    await userEvent.click(await readyButton(canvas, IDLE))
    await failsWith(canvas, FAILED, 'SHARE_FETCH_FAILED')
    await expect(canvas.getByRole('status')).toHaveTextContent(`${WRONG_BASE_URL}/clients/`)
  },
}
