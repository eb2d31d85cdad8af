import type { BackupConfig, BackupWalletParameters } from '../../types.js'
import { createDriveKeyStore, type DriveKeyStore } from '../../clients/driveKeyStore.js'
import { GoogleTokenExpired } from '../../errors/errors.js'
import { throwIfAborted, untilAborted } from '../../utils/abort.js'

/** Step 1 in kit custody: a token for the Drive app data folder (the popup itself was opened by the click). */
export async function authorize(
  config: BackupConfig,
  params: BackupWalletParameters,
): Promise<DriveKeyStore | undefined> {
  if (config.wallet.keyCustody !== 'kit') return undefined
  params.onStep?.('authorizing')
  if (!params.getAccessToken) throw new GoogleTokenExpired('No Google token.', { step: 'authorize' })
  const accessToken = await untilAborted(params.getAccessToken(), params.signal)
  throwIfAborted(params.signal)
  return createDriveKeyStore({ ...config, accessToken, signal: params.signal })
}
