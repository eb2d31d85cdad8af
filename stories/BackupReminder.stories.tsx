import type { Meta, StoryObj } from '@storybook/react-vite'
import { expect, waitFor } from 'storybook/test'
import { BackupReminder, defaultReminderLabels } from '../src/components/BackupReminder.js'
import { BackupStatus } from '../src/components/BackupStatus.js'
import { readyButton } from './support/play.js'
import { registerHandlers, seedBackup, worldLoader, worldOf, WorldProvider } from './support/storyWorld.js'

/**
 * Asks the user to back up while the status says `none`, `partial` or `superseded` (or `stale`, with `maxAgeMs`),
 * with the app's call to action (default `<BackupButton />`) and "Later", which snoozes it (a timestamp in
 * localStorage under a hash of the client id). It goes by itself once a backup is confirmed. The status is shown
 * above it in every story, as an app's settings page would.
 */
const meta = {
  title: 'Components/BackupReminder',
  component: BackupReminder,
  tags: ['autodocs'],
  loaders: [worldLoader],
  beforeEach: (context) => registerHandlers(context),
  decorators: [
    (Story, context) => (
      <WorldProvider world={worldOf(context)}>
        <p>
          Status: <BackupStatus />
        </p>
        <Story />
      </WorldProvider>
    ),
  ],
} satisfies Meta<typeof BackupReminder>

export default meta
type Story = StoryObj<typeof meta>

const reminder = (canvasElement: HTMLElement) =>
  canvasElement.querySelector<HTMLElement>('[data-rmb="backup-reminder"]')
const statusOf = (canvasElement: HTMLElement) =>
  canvasElement.querySelector('[data-rmb="backup-status"]')?.getAttribute('data-state')

/** No backup yet: the reminder, with the kit's backup button and "Later". */
export const NotBackedUp: Story = {
  play: async ({ canvas, canvasElement }) => {
    const region = await canvas.findByRole('region', { name: defaultReminderLabels.none }, { timeout: 10_000 })
    await expect(region).toHaveAttribute('data-state', 'visible')
    await expect(region).toHaveAttribute('data-reason', 'none')
    await readyButton(canvas, 'Back up wallet')
    await expect(canvas.getByRole('button', { name: 'Later' })).toBeEnabled()
    // It never takes focus.
    await expect(canvasElement.contains(document.activeElement)).toBe(false)
  },
}

/** The server holds a share the wallet does not confirm: incomplete. */
export const Partial: Story = {
  beforeEach: (context) =>
    worldOf(context).share.putRow({
      clientId: worldOf(context).clientId,
      backupMethod: 'PASSWORD',
      cipherText: 'c'.repeat(64),
      keyVersion: 'v1',
    }),
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(reminder(canvasElement)).toHaveAttribute('data-reason', 'partial'), { timeout: 10_000 })
    await expect(reminder(canvasElement)).toHaveTextContent(defaultReminderLabels.partial)
  },
}

/** Another PASSWORD backup replaced the kit's at the provider: the button inside offers "Back up again". */
export const Superseded: Story = {
  beforeEach: async (context) => {
    const w = worldOf(context)
    await seedBackup(w)
    const made = await w.wallet.backupWallet('PASSWORD', undefined, {
      passwordStorage: { password: 'the user typed this' },
    })
    await made.storageCallback()
  },
  play: async ({ canvas, canvasElement }) => {
    await waitFor(() => expect(reminder(canvasElement)).toHaveAttribute('data-reason', 'superseded'), {
      timeout: 10_000,
    })
    await readyButton(canvas, 'Back up again')
  },
}

/** A confirmed backup: nothing is rendered. */
export const BackedUp: Story = {
  beforeEach: (context) => seedBackup(worldOf(context)),
  play: async ({ canvasElement }) => {
    await waitFor(() => expect(statusOf(canvasElement)).toBe('backedUp'), { timeout: 10_000 })
    await expect(reminder(canvasElement)).toBeNull()
  },
}

/** Backing up from the reminder: it goes by itself once the status confirms the backup (no reload). */
export const GoesAfterBackup: Story = {
  play: async ({ canvas, canvasElement, userEvent, loaded }) => {
    await userEvent.click(await readyButton(canvas, 'Back up wallet'))
    await waitFor(() => expect(statusOf(canvasElement)).toBe('backedUp'), { timeout: 10_000 })
    await waitFor(() => expect(reminder(canvasElement)).toBeNull())
    await expect(worldOf({ loaded }).share.rows()).toHaveLength(1)
  },
}

/** "Later" hides it for `snoozeMs` (here 1 hour); what storage keeps is a timestamp and nothing else. */
export const Later: Story = {
  args: { snoozeMs: 60 * 60 * 1000 },
  play: async ({ canvas, canvasElement, userEvent, loaded }) => {
    await userEvent.click(await canvas.findByRole('button', { name: 'Later' }, { timeout: 10_000 }))
    await expect(reminder(canvasElement)).toBeNull()
    const stored = Object.entries({ ...localStorage }).filter(([key]) => key.startsWith('rmb-reminder:'))
    await expect(stored.some(([, value]) => /^\d{13}$/.test(value))).toBe(true)
    await expect(JSON.stringify(stored)).not.toContain(worldOf({ loaded }).clientId)
  },
}

/** The app's own call to action and texts, in the app's own element (`asChild`). */
export const CustomCallToAction: Story = {
  args: {
    asChild: true,
    labels: { none: 'Protect your funds: back up your wallet in settings.', later: 'Remind me later' },
    children: (
      <aside>
        {/* The app styles its own link (the browser's default blue is unreadable on the dark card). */}
        <a href="#settings" style={{ color: 'inherit' }}>
          Open backup settings
        </a>
      </aside>
    ),
  },
  play: async ({ canvas, canvasElement }) => {
    await canvas.findByRole('link', { name: 'Open backup settings' }, { timeout: 10_000 })
    await expect(reminder(canvasElement)?.tagName).toBe('ASIDE')
    await expect(canvas.getByRole('button', { name: 'Remind me later' })).toBeEnabled()
  },
}

/** Right to left (`dir="rtl"` on a wrapper): the bar and the buttons mirror. */
export const RightToLeft: Story = {
  decorators: [
    (Story) => (
      <div dir="rtl">
        <Story />
      </div>
    ),
  ],
  play: async ({ canvas, canvasElement }) => {
    await readyButton(canvas, 'Back up wallet')
    const card = reminder(canvasElement)!
    const later = canvas.getByRole('button', { name: 'Later' }).getBoundingClientRect()
    const backUp = canvas.getByRole('button', { name: 'Back up wallet' }).getBoundingClientRect()
    // The call to action comes first: at the right in RTL, "Later" to its left.
    await expect(later.right).toBeLessThanOrEqual(backUp.left)
    await expect(getComputedStyle(card).direction).toBe('rtl')
  },
}
