export type {
  Authenticate,
  BackupEvent,
  BackupEventType,
  BackupRouterLimits,
  BackupRouterOptions,
} from './http/BackupRouterOptions.js'
export { createBackupRouter } from './hosts/createBackupRouter.js'
export { createWebHandler } from './hosts/createWebHandler.js'
export type { WebHandler, WebHandlerOptions } from './hosts/createWebHandler.js'
export { createNodeHandler } from './hosts/createNodeHandler.js'
export type { NodeHandler, NodeHandlerOptions } from './hosts/createNodeHandler.js'
export type { TrustProxy } from './hosts/forwardedAddress.js'
export { createBackupHandler } from './http/createBackupHandler.js'
export type { BackupHandler } from './http/createBackupHandler.js'
export type { RequestBody, ServerRequest, ServerResponse } from './http/ServerRequest.js'
export { UNKNOWN_METHOD } from '../core/clients/WalletAdapter.js'
export type { RateLimit } from './http/rateLimiter.js'
export type { ServerErrorCode } from '../core/errors/serverErrorCodes.js'
export type {
  BackupStore,
  EraseOptions,
  EraseResult,
  GoogleAccountHint,
  IdempotencyRecord,
  ListFilter,
  PutCondition,
  PutResult,
  StoredBackup,
  StoredShare,
} from './store/BackupStore.js'
export { revisionOf } from './store/revisionOf.js'
export { sqliteStore } from './store/sqlite/sqliteStore.js'
export type { SqliteStoreOptions } from './store/sqlite/sqliteStore.js'
export { postgresStore } from './store/postgres/postgresStore.js'
export type { PostgresStoreOptions } from './store/postgres/postgresStore.js'
export { encryptAtRest, keyIdOf, DEFAULT_KEY_ID } from './sealing/encryptAtRest.js'
export type { AtRestCipher, EncryptionKeyConfig, EncryptionKeyInput, SealedValue } from './sealing/encryptAtRest.js'
export { StorageKeyMismatchError } from './errors/StorageKeyMismatchError.js'
export { ServerConfigError } from './errors/ServerConfigError.js'
export { checkEncryptionKey } from './sealing/checkEncryptionKey.js'
export type { EncryptionKeyCheck } from './sealing/checkEncryptionKey.js'
export { createServer } from './app/createServer.js'
export type { BackupServer, ServerConfig } from './app/createServer.js'
export { startServer } from './app/startServer.js'
export type { RunningServer } from './app/startServer.js'
export { answerClientError } from './app/answerClientError.js'
export { loadServerConfig } from './app/loadServerConfig.js'
export type { LoadedServerConfig } from './app/loadServerConfig.js'
export { createDevInspector } from './app/createDevInspector.js'
export type { InspectedRow } from './app/createDevInspector.js'
export { jwtAuthenticate } from './auth/jwtAuthenticate.js'
export type { JwtAuthenticateOptions } from './auth/jwtAuthenticate.js'
export { mintClientToken } from './auth/mintClientToken.js'
export type { MintClientTokenOptions } from './auth/mintClientToken.js'
export { AuthenticationRefused } from './auth/AuthenticationRefused.js'
export type { AuthenticationRefusalReason, BearerErrorCode } from './auth/AuthenticationRefused.js'
export { devHeaderAuthenticate } from './auth/devHeaderAuthenticate.js'
export { rotateEncryptionKey } from './ops/rotateEncryptionKey.js'
export type { UnreadableRow } from './sealing/openSealedRow.js'
export type { RotationReport } from './ops/rotateEncryptionKey.js'
export { verifyStoredRows } from './ops/verifyStoredRows.js'
export type { VerifyReport } from './ops/verifyStoredRows.js'
export { collectStoreStats } from './ops/collectStoreStats.js'
export type { RowGroupStats, StoreStats } from './ops/collectStoreStats.js'
export type { MaintainableStore, RowKind, RowPosition, SealedRow } from './store/BackupStore.js'
