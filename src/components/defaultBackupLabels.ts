import type { BackupButtonLabels } from './messages.js'
import { notReadyLabels } from './notReadyLabels.js'

/** `<BackupButton>`'s English texts (also `messages.backupButton` of `react-mpc-backup/locales/en`). */
export const defaultBackupLabels: Required<BackupButtonLabels> = {
  ...notReadyLabels,
  offline: 'Offline: connect to back up',
  idle: 'Back up wallet',
  authorizing: 'Waiting for Google…',
  generating: 'Encrypting backup…',
  storing: 'Saving backup…',
  notifying: 'Confirming backup…',
  success: 'Wallet backed up',
  error: 'Backup failed. Try again',
  superseded: 'Back up again',
}
