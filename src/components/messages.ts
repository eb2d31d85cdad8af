import type { BackupWalletStep } from '../core/actions/backupWallet.js'
import type { GetBackupStatusReturnType } from '../core/actions/getBackupStatus.js'
import type { RecoverWalletStep } from '../core/actions/recoverWallet.js'
import type { BackupErrorCode, BackupErrorStep, ErrorFacts } from '../core/errors/errors.js'
import type { BackupReminderReason } from '../core/reminder/backupReminderState.js'

// The texts the components render and announce, by component: one typed `Messages` value (English defaults in each
// component, the full table in `react-mpc-backup/locales/en`), given partly to <WalletBackupProvider messages>.

/** A button's texts: one per step, and what it says while it cannot start (loading, wallet loading, offline, Google unavailable). */
export type FlowLabels<S extends string> = Partial<
  Record<S | 'loading' | 'walletLoading' | 'offline' | 'unavailable', string>
>

/** `superseded`: shown instead of the idle or success label while the status says another backup replaced ours. */
export type BackupButtonLabels = FlowLabels<BackupWalletStep | 'superseded'>

export type RecoverButtonLabels = FlowLabels<RecoverWalletStep>

export type BackupStatusLabels = Partial<
  Record<GetBackupStatusReturnType['state'] | 'loading' | 'offline' | 'error', string>
>

/** The reminder's text for each reason, and the "Later" button's. */
export type BackupReminderLabels = Partial<Record<BackupReminderReason | 'later', string>>

/**
 * An error's text in the UI: a string, or a function of the error's non-secret `facts` (status, browser, the masked
 * account e-mail, ...) and its `step` (which tells the verb: read, save, erase).
 */
export type MessageText = string | ((facts: ErrorFacts, step: BackupErrorStep | undefined) => string)

/**
 * Every string the kit's components render or announce. `errors`: what the buttons show after their error label, by
 * the error's stable `code` (the error's own `message` stays English, for developers).
 */
export type Messages = {
  backupButton: Required<BackupButtonLabels>
  recoverButton: Required<RecoverButtonLabels>
  backupStatus: Required<BackupStatusLabels>
  backupReminder: Required<BackupReminderLabels>
  errors: Record<BackupErrorCode, MessageText>
}

/** What `<WalletBackupProvider messages>` takes: any group, any key; the rest keeps the English defaults. */
export type PartialMessages = { [K in keyof Messages]?: Partial<Messages[K]> | undefined }
