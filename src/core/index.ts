// Entry `react-mpc-backup/core`: the building blocks `<WalletBackupProvider>` wires, framework-free (no React): the
// Drive key store, the Google token broker, the share API client, the key files' names and the Drive scope. For an
// app that builds the actions' `BackupConfig` itself (a custom host, a script, a test); the actions, option factories
// and errors are in `react-mpc-backup`.

// --- Drive key store ---
export { createDriveKeyStore, DRIVE_APPDATA_SCOPE, keyFileName } from './clients/driveKeyStore.js'
export type {
  DriveFile,
  DriveKeyStore,
  DriveKeyStoreOptions,
  DriveListOptions,
  GoogleAccount,
} from './clients/driveKeyStore.js'

// --- Google token broker ---
export { createTokenBroker } from './clients/createTokenBroker.js'
export type {
  GoogleLogin,
  GoogleNonOAuthError,
  GoogleTokenResponse,
  TokenBroker,
  TokenBrokerOptions,
  TokenRequestOptions,
} from './clients/createTokenBroker.js'

// --- Share API client ---
export { createShareApi } from './clients/createShareApi.js'
export type { ShareApi, ShareApiConfig, ShareReceipt, ShareRecord } from './clients/createShareApi.js'
