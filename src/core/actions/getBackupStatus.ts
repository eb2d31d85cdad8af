import type { BackupConfig } from './backupWallet.js'
import { callWallet } from '../clients/callWallet.js'
import { createDriveKeyStore, isKeyOf, listKeyFiles } from '../clients/driveKeyStore.js'

/**
 * `superseded`: the server's record and its key are there, but the wallet provider has confirmed a newer backup of
 * the same method since (Portal keeps one per method: someone else's PASSWORD backup replaced the kit's), so the
 * record no longer recovers. Told only when the record names the provider's backup it describes.
 */
export type BackupState = 'backedUp' | 'partial' | 'none' | 'superseded'

/** No secret in here: it is query data. `undefined` = not known (no Google token held, or the wallet cannot say). */
export type GetBackupStatusReturnType = {
  state: BackupState
  server: boolean
  drive: boolean | undefined
  wallet: boolean | undefined
  storedAt: string | undefined
}

export type GetBackupStatusParameters = {
  /** Checks Drive only with a token already held: a status query never opens a popup. */
  accessToken?: string | undefined
  signal?: AbortSignal | undefined
  /** Told the Google account (email) the server's record names; kept out of the status itself (query data). */
  onGoogleAccount?: ((email: string) => void) | undefined
}

/**
 * Server has a share? Drive has the key it names? Wallet says backed up? Parts that cannot be known do not count
 * against `backedUp`; any part known to be missing while another exists makes it `partial`, except the wallet's word
 * when the server has no record (`none`: nothing the kit stored is left to recover from, e.g. after an erase).
 */
export async function getBackupStatus(
  config: BackupConfig,
  params: GetBackupStatusParameters = {},
): Promise<GetBackupStatusReturnType> {
  const { wallet, clientId, shareApi } = config
  const kit = wallet.keyCustody === 'kit'
  const drive =
    kit && params.accessToken
      ? createDriveKeyStore({ ...config, ...params, accessToken: params.accessToken })
      : undefined
  const [record, walletSaid, latest] = await Promise.all([
    shareApi.get(clientId, wallet.backupMethod, { signal: params.signal }),
    wallet.isBackedUp
      ? callWallet(wallet, () => wallet.isBackedUp!(), {
          step: 'read',
          signal: params.signal,
          timeoutMs: config.walletTimeoutMs,
        }).catch(() => undefined)
      : Promise.resolve(undefined),
    latestBackupOf(config, params.signal),
  ])
  const server = record !== null
  const named = record?.walletBackupId
  // A record that names its provider backup, and a provider that lists none of the method: it no longer holds ours.
  const walletSays = named && latest && latest.id === undefined ? false : walletSaid
  const superseded = named !== undefined && latest?.id !== undefined && latest.id !== named
  if (record?.googleAccount) params.onGoogleAccount?.(record.googleAccount.email)
  let driveHas: boolean | undefined
  if (drive) {
    // By id when the record names the file: a name query can miss a key written moments ago (right after a backup).
    if (record?.keyFileId) {
      const file = await drive.get(record.keyFileId, { step: 'read' })
      driveHas = file !== undefined && isKeyOf(file.name, clientId, record.keyVersion)
    } else {
      const files = await listKeyFiles(drive, clientId, { step: 'read' })
      const version = record?.keyVersion
      driveHas = version ? files.some((f) => f.keyVersion === version) : files.length > 0
    }
  }
  // Without the server's record nothing recovers (every custody needs its cipherText), so the wallet's own word does
  // not make a backup `partial` then: a provider keeps its record of a backup whose share and key were erased (Portal
  // has no call to drop a completed backup pair), and an erased backup must read `none`.
  const parts = (server ? [server, driveHas, walletSays] : [server, driveHas]).filter(
    (p): p is boolean => p !== undefined,
  )
  const state: BackupState = superseded
    ? 'superseded'
    : parts.every(Boolean) && server
      ? 'backedUp'
      : parts.some(Boolean)
        ? 'partial'
        : 'none'
  return { state, server, drive: driveHas, wallet: walletSays, storedAt: record?.storedAt }
}

/** The provider's newest completed backup of the method, read beside the rest; undefined when it cannot say. */
function latestBackupOf(config: BackupConfig, signal: AbortSignal | undefined) {
  const { wallet } = config
  if (!wallet.latestBackupId) return Promise.resolve(undefined)
  return callWallet(wallet, () => wallet.latestBackupId!(wallet.backupMethod), {
    step: 'read',
    signal,
    timeoutMs: config.walletTimeoutMs,
  }).then(
    (id) => ({ id: typeof id === 'string' && id ? id : undefined }),
    () => undefined,
  )
}
