// Entry `react-mpc-backup/testing`: emulators of the external systems the kit talks to, for users' tests,
// stories and benchmarks. The wallet emulator has no msw dependency; the HTTP emulators export MSW handlers.
export { createWalletEmulator } from './wallet/createWalletEmulator.js'
export type {
  BackupConfigs,
  BackupProgress,
  BackupProgressCallback,
  LegacyWalletEmulator,
  WalletEmulator,
  WalletEmulatorBase,
  WalletEmulatorOptions,
  WalletFault,
  WalletFaults,
  WalletNotification,
  WalletOperation,
} from './wallet/createWalletEmulator.js'
export { createWalletBackend } from './wallet/createWalletBackend.js'
export type { BackupGenerationInfo, BackupGenerationStatus, WalletBackend } from './wallet/createWalletBackend.js'
export { EmulatedMpcError, EmulatedPortalMpcError } from './wallet/EmulatedMpcError.js'
export type { WalletEmulatorErrorCode } from './wallet/EmulatedMpcError.js'
export { createGoogleEmulator } from './google/createGoogleEmulator.js'
export type {
  ConsentBehaviour,
  ConsentOptions,
  ConsentStep,
  DriveFileInfo,
  GisCall,
  GisCallOutcome,
  GisInitTokenClientCall,
  GisOtherCall,
  GisRequestAccessTokenCall,
  GisRevocation,
  GoogleEmulator,
  GoogleEmulatorOptions,
  GoogleEndpoint,
  // Google's own shapes as GIS sends them; the core entry's GoogleTokenResponse / GoogleNonOAuthError are what the
  // kit accepts (every field optional): distinct names, so no two entries export one name twice.
  GoogleNonOAuthError as GisNonOAuthError,
  GoogleOAuthErrorResponse as GisOAuthErrorResponse,
  GoogleTokenResponse as GisTokenResponse,
  IssueTokenOptions,
  PutFileInput,
  TokenInfo,
} from './google/createGoogleEmulator.js'
export {
  gisStandInScript,
  gisStandInUrl,
  gisEmulatorTokenUrl,
  gisRevokeUrl,
  gisEmulatorGlobal,
} from './google/gis/gisStandInScript.js'
export type { GisStandInOptions } from './google/gis/gisStandInScript.js'
export { createShareServerEmulator } from './share-server/createShareServerEmulator.js'
export type {
  ShareEndpoint,
  ShareRequestLogEntry,
  ShareRow,
  ShareServerEmulator,
  ShareServerEmulatorOptions,
} from './share-server/createShareServerEmulator.js'
export type { FaultSetOptions, FaultSwitch } from './faults/createFaultSwitch.js'
export type { FaultStatus, HttpFault } from './faults/respondWithFault.js'
export type { GoogleErrorBody, GoogleErrorReason } from './google/googleErrorBody.js'
export type { LatencyOptions } from './faults/applyLatency.js'
export { checkShareServer } from './checker/checkShareServer.js'
export type {
  CheckShareServerOptions,
  ShareServerCheckClock,
  ShareServerCheckName,
  ShareServerCheckRow,
  ShareServerClient,
  ShareServerReport,
} from './checker/checkShareServerTypes.js'
export { ShareServerCheckError } from './checker/ShareServerCheckError.js'
export type { ShareServerCheckErrorCode } from './checker/ShareServerCheckError.js'
export { formatShareServerReport } from './checker/formatShareServerReport.js'
export { checkServerCommand } from './checker/checkServerCommand.js'
