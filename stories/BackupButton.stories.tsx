import type { Meta, StoryObj } from '@storybook/react-vite'
import { expect } from 'storybook/test'
import { BackupButton } from '../src/components/BackupButton.js'
import { es } from '../src/locales/es.js'
import { failsWith, readyButton, scriptUnavailable, shows } from './support/play.js'
import {
  HOLD_MS,
  registerMissingRoute,
  worldOf,
  holdGoogleScript,
  releaseGoogleScript,
  WRONG_BASE_URL,
  inWorld,
} from './support/storyWorld.js'

const IDLE = 'Back up wallet'
const FAILED = 'Backup failed. Try again'

/**
 * One click backs the wallet up: Google consent (inside the click), the wallet's encrypted share, the key in the
 * user's Drive app data folder, the share on your server, the wallet told. Every story runs against emulators:
 * Google and your server as MSW handlers, the wallet in the page.
 */
const meta = {
  title: 'Components/BackupButton',
  component: BackupButton,
  tags: ['autodocs'],
  ...inWorld,
} satisfies Meta<typeof BackupButton>

export default meta
type Story = StoryObj<typeof meta>

/**
 * Google's script is slow (held until the play function has seen the loading state): the button is disabled and
 * says why, then becomes ready. Never left hanging: the browser shares one in-flight script request between pages,
 * so a hung script would hang the next story too.
 */
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
    const button = await readyButton(canvas, IDLE)
    await expect(button).toHaveAttribute('data-state', 'idle')
    await expect(button).not.toHaveAttribute('aria-busy')
  },
}

export const Authorizing: Story = {
  // The consent popup stays open: the emulated user has not answered yet.
  beforeEach: (context) => worldOf(context).google.faults.set('gis.token', { delayMs: HOLD_MS }),
  play: async ({ canvas, userEvent }) => {
    await userEvent.click(await readyButton(canvas, IDLE))
    const button = await shows(canvas, 'Waiting for Google…')
    await expect(button).toHaveAttribute('aria-busy', 'true')
  },
}

export const Generating: Story = {
  beforeEach: (context) => {
    worldOf(context).wallet.faults.backup = { delayMs: HOLD_MS }
  },
  play: async ({ canvas, userEvent }) => {
    await userEvent.click(await readyButton(canvas, IDLE))
    await expect(await shows(canvas, 'Encrypting backup…')).toHaveAttribute('data-state', 'generating')
  },
}

export const Storing: Story = {
  beforeEach: (context) => worldOf(context).share.faults.set('share.post', { delayMs: HOLD_MS }),
  play: async ({ canvas, userEvent }) => {
    await userEvent.click(await readyButton(canvas, IDLE))
    await expect(await shows(canvas, 'Saving backup…')).toHaveAttribute('data-state', 'storing')
  },
}

export const Notifying: Story = {
  beforeEach: (context) => {
    worldOf(context).wallet.faults.notify = { delayMs: HOLD_MS }
  },
  play: async ({ canvas, userEvent }) => {
    await userEvent.click(await readyButton(canvas, IDLE))
    await expect(await shows(canvas, 'Confirming backup…')).toHaveAttribute('data-state', 'notifying')
  },
}

export const Success: Story = {
  play: async ({ canvas, userEvent, loaded }) => {
    const w = worldOf({ loaded })
    await userEvent.click(await readyButton(canvas, IDLE))
    await expect(await shows(canvas, 'Wallet backed up')).toHaveAttribute('data-state', 'success')
    await expect(w.share.rows()).toHaveLength(1)
    await expect(w.wallet.notifications).toMatchObject([{ success: true }])
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

export const DriveQuotaExceeded: Story = {
  beforeEach: (context) =>
    worldOf(context).google.faults.set('drive.create', { status: 403, reason: 'storageQuotaExceeded' }),
  play: async ({ canvas, userEvent, loaded }) => {
    await userEvent.click(await readyButton(canvas, IDLE))
    await failsWith(canvas, FAILED, 'DRIVE_QUOTA_EXCEEDED')
    await expect(worldOf({ loaded }).wallet.notifications).toMatchObject([{ success: false }])
  },
}

export const ServerError: Story = {
  beforeEach: (context) => worldOf(context).share.faults.set('share.post', { status: 500 }),
  play: async ({ canvas, userEvent }) => {
    await userEvent.click(await readyButton(canvas, IDLE))
    await failsWith(canvas, FAILED, 'SHARE_UPLOAD_FAILED')
  },
}

/**
 * In Spanish (the toolbar's Language, or `globals.locale` here): the labels and the error's text come from
 * `react-mpc-backup/locales/es`, the error keeps its stable code.
 */
export const ServerErrorInSpanish: Story = {
  globals: { locale: 'es' },
  beforeEach: (context) => worldOf(context).share.faults.set('share.post', { status: 500 }),
  play: async ({ canvas, userEvent }) => {
    await userEvent.click(await readyButton(canvas, es.backupButton.idle))
    await failsWith(canvas, es.backupButton.error, 'SHARE_UPLOAD_FAILED')
    await expect(canvas.getByRole('status')).toHaveTextContent(
      `${es.backupButton.error}: El servidor no pudo guardar la copia de seguridad (500).`,
    )
  },
}

export const WalletBusy: Story = {
  beforeEach: (context) => {
    worldOf(context).wallet.faults.backup = { error: { code: 'WALLET_MODIFICATION_ALREADY_IN_PROGRESS' } }
  },
  play: async ({ canvas, userEvent }) => {
    await userEvent.click(await readyButton(canvas, IDLE))
    await failsWith(canvas, FAILED, 'WALLET_BUSY')
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
    worldOf(context).google.faults.set('drive.create', { status: 403, reason: 'insufficientScopes' }),
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
