import type { BackupReminderLabels } from './messages.js'

/** `<BackupReminder>`'s English texts (also `messages.backupReminder` of `react-mpc-backup/locales/en`). */
export const defaultReminderLabels: Required<BackupReminderLabels> = {
  none: 'Your wallet is not backed up. Back it up to recover it if you lose this device.',
  partial: 'Your wallet backup is incomplete. Back up again to be able to recover it.',
  superseded: 'Another backup replaced this one. Back up again to be able to recover with Google.',
  stale: 'Your wallet backup is old. Back up again to keep it current.',
  later: 'Later',
}
