export type {
  Authenticate,
  BackupEvent,
  BackupEventType,
  BackupRouterLimits,
  BackupRouterOptions,
} from './BackupRouterOptions.js'
export { createBackupRouter } from './createBackupRouter.js'
export { UNKNOWN_METHOD } from '../core/clients/WalletAdapter.js'
export type { RateLimit } from './rateLimiter.js'
export type { ServerErrorCode } from '../core/errors/serverErrorCodes.js'
export type {
  BackupStore,
  GoogleAccountHint,
  IdempotencyRecord,
  ListFilter,
  PutCondition,
  PutResult,
  StoredBackup,
  StoredShare,
} from './BackupStore.js'
export { revisionOf } from './revisionOf.js'
export { sqliteStore } from './sqliteStore.js'
export type { SqliteStoreOptions } from './sqliteStore.js'
export { postgresStore } from './postgresStore.js'
export type { PostgresStoreOptions } from './postgresStore.js'
export { encryptAtRest, keyIdOf, DEFAULT_KEY_ID } from './encryptAtRest.js'
export type { AtRestCipher, EncryptionKeyConfig, EncryptionKeyInput, SealedValue } from './encryptAtRest.js'
export { StorageKeyMismatchError } from './StorageKeyMismatchError.js'
export { ServerConfigError } from './ServerConfigError.js'
export { checkEncryptionKey } from './checkEncryptionKey.js'
export type { EncryptionKeyCheck } from './checkEncryptionKey.js'
export { createServer } from './createServer.js'
export type { BackupServer, ServerConfig } from './createServer.js'
export { startServer } from './startServer.js'
export type { RunningServer } from './startServer.js'
export { answerClientError } from './answerClientError.js'
export { loadServerConfig } from './loadServerConfig.js'
export type { LoadedServerConfig } from './loadServerConfig.js'
export { createDevInspector } from './createDevInspector.js'
export type { InspectedRow } from './createDevInspector.js'
export { jwtAuthenticate } from './jwtAuthenticate.js'
export type { JwtAuthenticateOptions } from './jwtAuthenticate.js'
export { devHeaderAuthenticate } from './devHeaderAuthenticate.js'
export { rotateEncryptionKey } from './rotateEncryptionKey.js'
export type { UnreadableRow } from './openSealedRow.js'
export type { RotationReport } from './rotateEncryptionKey.js'
export { verifyStoredRows } from './verifyStoredRows.js'
export type { VerifyReport } from './verifyStoredRows.js'
export { collectStoreStats } from './collectStoreStats.js'
export type { RowGroupStats, StoreStats } from './collectStoreStats.js'
export type { MaintainableStore, RowKind, RowPosition, SealedRow } from './BackupStore.js'
