// Client entry: core actions, option factories, hooks, components, the Portal adapter. No Node-only code.
export { backupWallet } from './core/actions/backupWallet.js'
export type {
  BackupConfig,
  BackupFlowStep,
  BackupWalletErrorType,
  BackupWalletParameters,
  BackupWalletReturnType,
} from './core/actions/backupWallet.js'
export { backupWalletMutationOptions } from './core/query/backupWalletMutationOptions.js'
export { backupKeys } from './core/query/backupKeys.js'
export { createShareApi } from './core/clients/createShareApi.js'
export type { ShareApi, ShareApiConfig, ShareReceipt, ShareRecord } from './core/clients/createShareApi.js'
export { createDriveKeyStore, keyFileName, DRIVE_APPDATA_SCOPE } from './core/clients/driveKeyStore.js'
export type {
  DriveFile,
  DriveKeyStore,
  DriveKeyStoreOptions,
  DriveListOptions,
  GoogleAccount,
} from './core/clients/driveKeyStore.js'
export { createTokenBroker } from './core/clients/createTokenBroker.js'
export type {
  GoogleLogin,
  GoogleNonOAuthError,
  GoogleTokenResponse,
  TokenBroker,
  TokenBrokerOptions,
  TokenRequestOptions,
} from './core/clients/createTokenBroker.js'
export type { SignOutOptions } from './core/actions/signOut.js'
export {
  Aborted,
  BackupConfigError,
  BackupError,
  BrowserOffline,
  DriveQuotaExceeded,
  DriveDeleteFailed,
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
  BackupErrorType,
  BackupStep,
  EraseErrorType,
  ErrorFacts,
  RecoveryErrorType,
} from './core/errors/errors.js'
export type { ServerErrorCode } from './core/errors/serverErrorCodes.js'
export type { KeyCustody, WalletAdapter, WalletProgress } from './core/clients/WalletAdapter.js'
export { DEFAULT_WALLET_TIMEOUT_MS } from './core/clients/callWallet.js'
export type { RetryOptions } from './core/utils/withRetry.js'
export { portalAdapter } from './adapters/portalAdapter.js'
export type {
  LegacyPortalLike,
  PortalAdapterOptions,
  PortalBackupConfigs,
  PortalLike,
  PortalProgressCallback,
  PortalReadiness,
} from './adapters/portalAdapter.js'
export { useWalletBackup } from './hooks/useWalletBackup.js'
export type { UseWalletBackupOptions, UseWalletBackupReturnType, WalletBackupStep } from './hooks/useWalletBackup.js'
export type {
  FlowMutationOptions,
  FlowNotReadyReason,
  FlowOptions,
  WalletFlowReturnType,
} from './hooks/useFlow.js'
export { WalletBackupProvider } from './components/WalletBackupProvider.js'
export type { WalletBackupProviderProps } from './components/WalletBackupProvider.js'
export { BackupButton, defaultBackupLabels } from './components/BackupButton.js'
export type { BackupButtonLabels, BackupButtonProps } from './components/BackupButton.js'
export type { FlowLabels, WalletFlowButtonProps } from './components/FlowButton.js'
export { recoverWallet } from './core/actions/recoverWallet.js'
export type {
  RecoverWalletErrorType,
  RecoverWalletParameters,
  RecoverWalletReturnType,
  RecoveryFlowStep,
} from './core/actions/recoverWallet.js'
export { recoverWalletMutationOptions } from './core/query/recoverWalletMutationOptions.js'
export { eraseBackup } from './core/actions/eraseBackup.js'
export type {
  EraseBackupErrorType,
  EraseBackupParameters,
  EraseBackupReturnType,
  EraseFlowStep,
} from './core/actions/eraseBackup.js'
export { eraseBackupMutationOptions } from './core/query/eraseBackupMutationOptions.js'
export { useEraseBackup } from './hooks/useEraseBackup.js'
export type { EraseBackupStep, UseEraseBackupOptions, UseEraseBackupReturnType } from './hooks/useEraseBackup.js'
export { getBackupStatus } from './core/actions/getBackupStatus.js'
export type {
  BackupState,
  BackupStatus as BackupStatusData,
  GetBackupStatusParameters,
} from './core/actions/getBackupStatus.js'
export { getBackupStatusQueryOptions } from './core/query/getBackupStatusQueryOptions.js'
export type {
  BackupStatusQueryKey,
  BackupStatusQueryOptions,
  BackupStatusQueryParameter,
  GetBackupStatusErrorType,
  GetBackupStatusQueryOptionsParameters,
} from './core/query/getBackupStatusQueryOptions.js'
export { useWalletRecovery } from './hooks/useWalletRecovery.js'
export type {
  UseWalletRecoveryOptions,
  UseWalletRecoveryReturnType,
  WalletRecoveryStep,
} from './hooks/useWalletRecovery.js'
export { useBackupStatus } from './hooks/useBackupStatus.js'
export type { UseBackupStatusParameters, UseBackupStatusReturnType } from './hooks/useBackupStatus.js'
export { useWalletBackupSession } from './hooks/useWalletBackupSession.js'
export type { UseWalletBackupSessionReturnType } from './hooks/useWalletBackupSession.js'
export { RecoverButton, defaultRecoverLabels } from './components/RecoverButton.js'
export type { RecoverButtonLabels, RecoverButtonProps } from './components/RecoverButton.js'
export { BackupStatus } from './components/BackupStatus.js'
export type { BackupStatusLabels, BackupStatusProps } from './components/BackupStatus.js'
export { useBackupReminder } from './hooks/useBackupReminder.js'
export type { UseBackupReminderParameters, UseBackupReminderReturnType } from './hooks/useBackupReminder.js'
export type { BackupReminderReason } from './core/reminder/backupReminderState.js'
export type { ReminderStorage } from './core/reminder/reminderSnooze.js'
export { BackupReminder, defaultReminderLabels } from './components/BackupReminder.js'
export type { BackupReminderLabels, BackupReminderProps } from './components/BackupReminder.js'
