import { describe, expect, it } from 'vitest'
import * as errors from './errors.js'

// Codes are an API promise: apps switch on them. Any change here is a breaking change.
const stable: Record<string, [code: string, retryable: boolean]> = {
  Aborted: ['ABORTED', false],
  BackupConfigError: ['CONFIG_INVALID', false],
  BrowserOffline: ['BROWSER_OFFLINE', false],
  DriveDeleteFailed: ['DRIVE_DELETE_FAILED', true],
  DriveQuotaExceeded: ['DRIVE_QUOTA_EXCEEDED', false],
  DriveRateLimited: ['DRIVE_RATE_LIMITED', true],
  DriveUnavailable: ['DRIVE_UNAVAILABLE', true],
  GooglePopupBlocked: ['GOOGLE_POPUP_BLOCKED', false],
  GooglePopupClosed: ['GOOGLE_POPUP_CLOSED', false],
  GoogleRevokeFailed: ['GOOGLE_REVOKE_FAILED', false],
  GoogleScopeDenied: ['GOOGLE_SCOPE_DENIED', false],
  GoogleScriptUnavailable: ['GOOGLE_SCRIPT_UNAVAILABLE', true],
  GoogleSetupError: ['GOOGLE_SETUP_INVALID', false],
  GoogleSignInFailed: ['GOOGLE_SIGN_IN_FAILED', true],
  GoogleSignInTimeout: ['GOOGLE_SIGN_IN_TIMEOUT', true],
  GoogleTokenExpired: ['GOOGLE_TOKEN_EXPIRED', false],
  GoogleUnsupportedBrowser: ['GOOGLE_UNSUPPORTED_BROWSER', false],
  KeyNotFound: ['KEY_NOT_FOUND', false],
  NotifyFailed: ['NOTIFY_FAILED', false],
  RecoveryFailed: ['RECOVERY_FAILED', false],
  ShareEraseFailed: ['SHARE_ERASE_FAILED', true],
  ShareFetchFailed: ['SHARE_FETCH_FAILED', true],
  ShareNotFound: ['SHARE_NOT_FOUND', false],
  ShareServerInvalidResponse: ['SHARE_SERVER_INVALID_RESPONSE', false],
  ShareTokenFailed: ['SHARE_TOKEN_FAILED', false],
  ShareUnauthorized: ['SHARE_UNAUTHORIZED', false],
  ShareUploadFailed: ['SHARE_UPLOAD_FAILED', true],
  WalletBackupFailed: ['WALLET_BACKUP_FAILED', false],
  WalletBusy: ['WALLET_BUSY', false],
  WalletTimeout: ['WALLET_TIMEOUT', true],
}

describe('error classes', () => {
  const classes = Object.entries(errors).filter(
    (entry): entry is [string, typeof errors.Aborted] =>
      typeof entry[1] === 'function' && entry[1].prototype instanceof errors.BackupError,
  )

  it('keep their stable code, name and default retryability', () => {
    expect(classes.map(([name]) => name).sort()).toEqual(Object.keys(stable).sort())
    for (const [name, Class] of classes) {
      const error = new Class('message')
      expect([name, Class.code, error.code, error.name, error.retryable]).toEqual([
        name,
        stable[name]![0],
        stable[name]![0],
        name,
        stable[name]![1],
      ])
      expect(error).toBeInstanceOf(errors.BackupError)
    }
  })

  it('let a call site override retryability and keep only non-secret facts of the cause', () => {
    const cause = Object.assign(new Error('boom'), {
      response: { status: 503, data: 'SECRET-SHARE' },
      config: { data: 'SECRET' },
    })
    const error = new errors.ShareUploadFailed('Share store failed.', { cause, retryable: false })
    expect(error.retryable).toBe(false)
    expect(error.facts).toEqual({ status: 503, message: 'boom' })
    expect(JSON.stringify(error.cause)).not.toContain('SECRET')
  })
})
