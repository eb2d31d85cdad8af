// The public runtime surface of each entry point. A name that appears or vanishes fails here first: change the
// list on purpose, in the same commit as the export, and say so in the changelog.
import { describe, expect, test } from 'vitest'
import * as client from '../src/index.js'
import * as server from '../src/server/index.js'
import * as testing from '../src/testing/index.js'

describe('export surface', () => {
  test("'react-mpc-backup' exports exactly these runtime names", () => {
    expect(Object.keys(client).sort()).toEqual([
      'Aborted',
      'BackupButton',
      'BackupConfigError',
      'BackupError',
      'BackupStatus',
      'BrowserOffline',
      'DEFAULT_WALLET_TIMEOUT_MS',
      'DRIVE_APPDATA_SCOPE',
      'DriveQuotaExceeded',
      'DriveRateLimited',
      'DriveUnavailable',
      'GooglePopupBlocked',
      'GooglePopupClosed',
      'GoogleScopeDenied',
      'GoogleScriptUnavailable',
      'GoogleSetupError',
      'GoogleSignInFailed',
      'GoogleSignInTimeout',
      'GoogleTokenExpired',
      'GoogleUnsupportedBrowser',
      'KeyNotFound',
      'NotifyFailed',
      'RecoverButton',
      'RecoveryFailed',
      'ShareFetchFailed',
      'ShareNotFound',
      'ShareUnauthorized',
      'ShareUploadFailed',
      'WalletBackupFailed',
      'WalletBackupProvider',
      'WalletBusy',
      'WalletTimeout',
      'backupKeys',
      'backupWallet',
      'backupWalletMutationOptions',
      'createDriveKeyStore',
      'createShareApi',
      'createTokenBroker',
      'defaultBackupLabels',
      'defaultRecoverLabels',
      'getBackupStatus',
      'getBackupStatusQueryOptions',
      'keyFileName',
      'portalAdapter',
      'recoverWallet',
      'recoverWalletMutationOptions',
      'useBackupStatus',
      'useWalletBackup',
      'useWalletRecovery',
    ])
  })

  test("'react-mpc-backup/server' exports exactly these runtime names", () => {
    expect(Object.keys(server).sort()).toEqual([
      'DEFAULT_KEY_ID',
      'ServerConfigError',
      'StorageKeyMismatchError',
      'UNKNOWN_METHOD',
      'checkEncryptionKey',
      'collectStoreStats',
      'createBackupRouter',
      'createDevInspector',
      'createServer',
      'devHeaderAuthenticate',
      'encryptAtRest',
      'jwtAuthenticate',
      'keyIdOf',
      'loadServerConfig',
      'postgresStore',
      'revisionOf',
      'rotateEncryptionKey',
      'sqliteStore',
      'startServer',
      'verifyStoredRows',
    ])
  })

  test("'react-mpc-backup/testing' exports exactly these runtime names", () => {
    expect(Object.keys(testing).sort()).toEqual([
      'DRIVE_APPDATA_SCOPE',
      'EmulatedMpcError',
      'EmulatedPortalMpcError',
      'checkServerCommand',
      'checkShareServer',
      'createGoogleEmulator',
      'createShareServerEmulator',
      'createWalletBackend',
      'createWalletEmulator',
      'formatShareServerReport',
      'gisEmulatorGlobal',
      'gisEmulatorTokenUrl',
      'gisRevokeUrl',
      'gisStandInScript',
      'gisStandInUrl',
    ])
  })

  test('every error class of the client entry is a BackupError with its own name', () => {
    const errorNames = Object.entries(client)
      .filter(([, v]) => typeof v === 'function' && v.prototype instanceof client.BackupError)
      .map(([k]) => k)
    expect(errorNames.length).toBe(25)
    for (const name of errorNames) {
      const Ctor = (client as unknown as Record<string, new (m: string) => Error>)[name]!
      expect(new Ctor('x').name, name).toBe(name)
    }
  })
})
