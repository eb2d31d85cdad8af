// Client entry `react-mpc-backup`: what apps use, by section. No Node-only code. The building blocks the provider
// wires (Drive key store, Google token broker, share API client, key-file names, scopes) are in `react-mpc-backup/core`.
// Naming (wagmi's): a function's parameters are `XxxParameters`, its result `XxxReturnType`, its failures
// `XxxErrorType`, a flow's steps `XxxStep` (one type per flow, for the action, its hook and its button); component
// props are `XxxProps`. Each name is defined once.

// --- Provider and components ---
export { WalletBackupProvider } from './components/WalletBackupProvider.js'
export type { WalletBackupProviderProps } from './components/WalletBackupProvider.js'
export { BackupButton, defaultBackupLabels } from './components/BackupButton.js'
export type { BackupButtonProps } from './components/BackupButton.js'
export { RecoverButton, defaultRecoverLabels } from './components/RecoverButton.js'
export type { RecoverButtonProps } from './components/RecoverButton.js'
export { BackupStatus } from './components/BackupStatus.js'
export type { BackupStatusProps } from './components/BackupStatus.js'
export { BackupReminder, defaultReminderLabels } from './components/BackupReminder.js'
export type { BackupReminderProps } from './components/BackupReminder.js'
export type { WalletFlowButtonProps } from './components/FlowButton.js'
// The components' texts: one `Messages` value by component, English by default; locale packs in
// `react-mpc-backup/locales/<lang>` (en, es, de, fr, ja, pt-BR, ar).
export type {
  BackupButtonLabels,
  BackupReminderLabels,
  BackupStatusLabels,
  FlowLabels,
  MessageText,
  Messages,
  PartialMessages,
  RecoverButtonLabels,
} from './components/messages.js'

// --- Hooks ---
export { useWalletBackup } from './hooks/useWalletBackup.js'
export type { UseWalletBackupParameters, UseWalletBackupReturnType } from './hooks/useWalletBackup.js'
export { useWalletRecovery } from './hooks/useWalletRecovery.js'
export type { UseWalletRecoveryParameters, UseWalletRecoveryReturnType } from './hooks/useWalletRecovery.js'
export { useEraseBackup } from './hooks/useEraseBackup.js'
export type { UseEraseBackupParameters, UseEraseBackupReturnType } from './hooks/useEraseBackup.js'
export { useBackupStatus } from './hooks/useBackupStatus.js'
export type { UseBackupStatusParameters, UseBackupStatusReturnType } from './hooks/useBackupStatus.js'
export { useBackupReminder } from './hooks/useBackupReminder.js'
export type { UseBackupReminderParameters, UseBackupReminderReturnType } from './hooks/useBackupReminder.js'
export type { BackupReminderReason } from './core/reminder/backupReminderState.js'
export type { ReminderStorage } from './core/reminder/reminderSnooze.js'
export { useWalletBackupSession } from './hooks/useWalletBackupSession.js'
export type { UseWalletBackupSessionReturnType } from './hooks/useWalletBackupSession.js'
export type {
  FlowMutationParameters,
  FlowNotReadyReason,
  WalletFlowParameters,
  WalletFlowReturnType,
} from './hooks/useFlow.js'

// --- Actions (framework-free) and their types ---
export { backupWallet } from './core/actions/backupWallet.js'
export type {
  BackupConfig,
  BackupWalletErrorType,
  BackupWalletParameters,
  BackupWalletReturnType,
  BackupWalletStep,
} from './core/actions/backupWallet.js'
export { recoverWallet } from './core/actions/recoverWallet.js'
export type {
  RecoverWalletErrorType,
  RecoverWalletParameters,
  RecoverWalletReturnType,
  RecoverWalletStep,
} from './core/actions/recoverWallet.js'
export { eraseBackup } from './core/actions/eraseBackup.js'
export type {
  EraseBackupErrorType,
  EraseBackupParameters,
  EraseBackupReturnType,
  EraseBackupStep,
} from './core/actions/eraseBackup.js'
export { getBackupStatus } from './core/actions/getBackupStatus.js'
export type {
  BackupState,
  GetBackupStatusParameters,
  GetBackupStatusReturnType,
} from './core/actions/getBackupStatus.js'
export type { SignOutParameters } from './core/actions/signOut.js'

// --- TanStack Query option factories ---
export { backupKeys } from './core/query/backupKeys.js'
export { backupWalletMutationOptions } from './core/query/backupWalletMutationOptions.js'
export { recoverWalletMutationOptions } from './core/query/recoverWalletMutationOptions.js'
export { eraseBackupMutationOptions } from './core/query/eraseBackupMutationOptions.js'
export { getBackupStatusQueryOptions } from './core/query/getBackupStatusQueryOptions.js'
export type {
  GetBackupStatusErrorType,
  GetBackupStatusQueryKey,
  GetBackupStatusQueryOptionsParameters,
  GetBackupStatusQueryOptionsReturnType,
  GetBackupStatusQueryParameter,
} from './core/query/getBackupStatusQueryOptions.js'

// --- Wallet adapter ---
export { portalAdapter } from './adapters/portalAdapter.js'
export type {
  LegacyPortalLike,
  PortalAdapterOptions,
  PortalBackupConfigs,
  PortalLike,
  PortalProgressCallback,
  PortalReadiness,
} from './adapters/portalAdapter.js'
export type { KeyCustody, WalletAdapter, WalletProgress } from './core/clients/WalletAdapter.js'
export { DEFAULT_WALLET_TIMEOUT_MS } from './core/clients/callWallet.js'
export type { RetryOptions } from './core/utils/withRetry.js'

// --- Errors ---
export {
  Aborted,
  BackupConfigError,
  BackupError,
  BrowserOffline,
  DriveDeleteFailed,
  DriveQuotaExceeded,
  DriveRateLimited,
  DriveUnavailable,
  GooglePopupBlocked,
  GooglePopupClosed,
  GoogleRevokeFailed,
  GoogleScopeDenied,
  GoogleScriptUnavailable,
  GoogleSetupError,
  GoogleSignInFailed,
  GoogleSignInTimeout,
  GoogleTokenExpired,
  GoogleUnsupportedBrowser,
  KeyNotFound,
  NotifyFailed,
  RecoveryFailed,
  ShareEraseFailed,
  ShareFetchFailed,
  ShareNotFound,
  ShareServerInvalidResponse,
  ShareTokenFailed,
  ShareUnauthorized,
  ShareUploadFailed,
  WalletBackupFailed,
  WalletBusy,
  WalletTimeout,
} from './core/errors/errors.js'
export type {
  BackupErrorClass,
  BackupErrorCode,
  BackupErrorOptions,
  BackupErrorStep,
  ErrorFacts,
} from './core/errors/errors.js'
export type { ServerErrorCode } from './core/errors/serverErrorCodes.js'
