import type { RecoverButtonLabels } from './messages.js'
import { notReadyLabels } from './notReadyLabels.js'

/** `<RecoverButton>`'s English texts (also `messages.recoverButton` of `react-mpc-backup/locales/en`). */
export const defaultRecoverLabels: Required<RecoverButtonLabels> = {
  ...notReadyLabels,
  offline: 'Offline: connect to recover',
  idle: 'Recover wallet',
  authorizing: 'Waiting for Google…',
  reading: 'Reading backup…',
  recovering: 'Restoring wallet…',
  generating: 'Making a fresh backup…',
  storing: 'Saving fresh backup…',
  notifying: 'Confirming backup…',
  success: 'Wallet recovered',
  error: 'Recovery failed. Try again',
}
