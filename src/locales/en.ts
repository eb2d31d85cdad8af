import { defaultBackupLabels } from '../components/defaultBackupLabels.js'
import { defaultRecoverLabels } from '../components/defaultRecoverLabels.js'
import { defaultReminderLabels } from '../components/defaultReminderLabels.js'
import { defaultStatusLabels } from '../components/defaultStatusLabels.js'
import type { Messages } from '../components/messages.js'
import type { BackupErrorStep } from '../core/errors/errors.js'
import { erasedParts } from './shared/erasedParts.js'

const verb = (step: BackupErrorStep | undefined) => (step === 'read' ? 'read' : step === 'erase' ? 'erase' : 'save')

/** An erase that stopped part-way says what is already erased (`facts.erased`). */
const rest = erasedParts({
  drive: 'The backup key is already deleted from Google Drive; erasing again finishes the rest.',
  driveAndServer: 'The backup is already erased from Google Drive and the server; erasing again finishes the rest.',
  server: 'The backup is already erased from the server; erasing again finishes the rest.',
})

/**
 * `react-mpc-backup/locales/en`: every English text of the components, the defaults they show without `messages`.
 * `errors` is worded as the errors' own `shortMessage`s, which the buttons show for a code the app gave no text for:
 * start a translation from it. (The components carry their label groups, not this table.)
 */
export const en: Messages = {
  backupButton: defaultBackupLabels,
  recoverButton: defaultRecoverLabels,
  backupStatus: defaultStatusLabels,
  backupReminder: defaultReminderLabels,
  errors: {
    CONFIG_INVALID: 'Could not read the client id from the wallet.',
    GOOGLE_POPUP_BLOCKED: ({ reason }) =>
      reason === 'popup_failed_to_open'
        ? 'Popup blocked: allow popups.'
        : reason === 'not_loaded'
          ? 'Google sign-in not loaded.'
          : 'Google sign-in failed to open.',
    GOOGLE_POPUP_CLOSED: 'Google window closed.',
    GOOGLE_SCOPE_DENIED: ({ reason }) =>
      /scope|insufficient/i.test(reason ?? '') ? 'Drive access not granted.' : 'Google access denied.',
    GOOGLE_TOKEN_EXPIRED: 'Google sign-in expired.',
    GOOGLE_SETUP_INVALID: "Enable the Google Drive API in your OAuth client's Cloud project.",
    GOOGLE_SCRIPT_UNAVAILABLE: 'Google sign-in did not load.',
    GOOGLE_SIGN_IN_TIMEOUT: 'Google sign-in did not answer.',
    GOOGLE_SIGN_IN_FAILED: ({ reason }) =>
      reason === 'request_threw' ? 'Google sign-in failed to start.' : 'Google sign-in failed.',
    GOOGLE_UNSUPPORTED_BROWSER: ({ browser }) =>
      `Open this page in your browser: Google sign-in does not work in ${browser}.`,
    GOOGLE_REVOKE_FAILED: 'Google access could not be revoked.',
    DRIVE_QUOTA_EXCEEDED: 'Google Drive is full.',
    DRIVE_RATE_LIMITED: 'Google Drive is rate limiting.',
    DRIVE_UNAVAILABLE: ({ reason, status }) =>
      reason === 'timeout'
        ? 'Google Drive timed out.'
        : reason === 'network'
          ? 'Google Drive unreachable.'
          : `Google Drive error ${status}.`,
    DRIVE_DELETE_FAILED: 'Could not delete the backup key from Google Drive.',
    SHARE_UPLOAD_FAILED: ({ reason, status }) =>
      reason === 'precondition_failed' || status === 412
        ? 'Backup changed on the server.'
        : `Server could not save the backup (${status ?? 'offline'}).`,
    SHARE_FETCH_FAILED: ({ status }) => `Server could not read the backup (${status ?? 'offline'}).`,
    SHARE_ERASE_FAILED: (facts) => `Server could not erase the backup (${facts.status ?? 'offline'}).${rest(facts)}`,
    SHARE_UNAUTHORIZED: ({ status }, step) => `Server refused to ${verb(step)} the backup (${status}).`,
    SHARE_TOKEN_FAILED: ({ reason }) =>
      reason === 'invalid_token' ? "The app's getToken() gave no usable bearer token." : "The app's getToken() failed.",
    SHARE_SERVER_INVALID_RESPONSE: ({ reason }) =>
      `The backup server sent an invalid ${(reason ?? '').replace(/^invalid_/, '')}.`,
    SHARE_NOT_FOUND: 'No backup share on the server.',
    KEY_NOT_FOUND: ({ reason, expectedAccount }) =>
      reason === 'other_account'
        ? `The backup key is in another Google account: choose ${expectedAccount}.`
        : reason === 'version_mismatch'
          ? "Drive key does not match the server's backup."
          : 'No backup key in this Google Drive.',
    WALLET_BACKUP_FAILED: 'Wallet backup failed.',
    WALLET_BUSY: 'Wallet busy.',
    WALLET_TIMEOUT: ({ reason }) =>
      reason === 'wallet-not-ready' ? 'The wallet did not become ready in time.' : 'The wallet did not answer in time.',
    NOTIFY_FAILED: (facts) =>
      facts.erased
        ? `Could not tell the wallet the backup was erased.${rest(facts)}`
        : 'Could not tell the wallet the share was stored.',
    RECOVERY_FAILED: (_, step) => (step === 'read' ? 'Backup read failed.' : 'Wallet recovery failed.'),
    ABORTED: 'Cancelled.',
    BROWSER_OFFLINE: 'You are offline.',
  },
}
