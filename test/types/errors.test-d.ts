// One error vocabulary: the client's error codes are literal and narrow in a switch; the server's wire codes are one
// type, exported by both entries under one name (the server's is no longer a second `BackupErrorCode`).
import {
  type BackupErrorCode,
  type BackupWalletErrorType,
  GooglePopupBlocked,
  type ServerErrorCode,
  type ShareServerInvalidResponse,
  type ShareTokenFailed,
  ShareUploadFailed,
} from 'react-mpc-backup'
import { describe, expectTypeOf, test } from 'vitest'
import type * as server from '../../src/server/index.js'

describe('errors', () => {
  test('each class has its literal code, on the instance and the class', () => {
    expectTypeOf(new GooglePopupBlocked('x').code).toEqualTypeOf<'GOOGLE_POPUP_BLOCKED'>()
    expectTypeOf(GooglePopupBlocked.code).toEqualTypeOf<'GOOGLE_POPUP_BLOCKED'>()
    expectTypeOf(new ShareUploadFailed('x').status).toEqualTypeOf<number | undefined>()
    expectTypeOf<'SHARE_NOT_FOUND'>().toExtend<BackupErrorCode>()
  })

  test('the union narrows on code', () => {
    const e = {} as BackupWalletErrorType
    if (e.code === 'SHARE_UPLOAD_FAILED') expectTypeOf(e).toEqualTypeOf<ShareUploadFailed>()
    // A server record the kit will not hand to Google: any flow that reads the record may end with it.
    if (e.code === 'SHARE_SERVER_INVALID_RESPONSE') expectTypeOf(e).toEqualTypeOf<ShareServerInvalidResponse>()
    // The app's getToken failed: any flow that calls the server may end with it.
    if (e.code === 'SHARE_TOKEN_FAILED') expectTypeOf(e).toEqualTypeOf<ShareTokenFailed>()
  })

  test('the server and the client name the wire codes the same, and only the client has BackupErrorCode', () => {
    expectTypeOf<server.ServerErrorCode>().toEqualTypeOf<ServerErrorCode>()
    expectTypeOf<'backup_not_found'>().toExtend<ServerErrorCode>()
    // @ts-expect-error the server entry has no BackupErrorCode (it meant something else than the client's)
    type Gone = server.BackupErrorCode
    expectTypeOf<Gone>().toBeAny()
  })
})
