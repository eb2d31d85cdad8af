import type { BackupStatusLabels } from './messages.js'

/** `<BackupStatus>`'s English texts (also `messages.backupStatus` of `react-mpc-backup/locales/en`). */
export const defaultStatusLabels: Required<BackupStatusLabels> = {
  loading: 'Checking backup…',
  offline: 'Offline: backup status unknown',
  error: 'Backup status unavailable',
  backedUp: 'Backed up',
  partial: 'Backup incomplete',
  none: 'Not backed up',
  superseded: 'Replaced by another backup',
}
