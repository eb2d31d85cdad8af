'use client'
import { useQueryClient } from '@tanstack/react-query'
import { useCallback, useSyncExternalStore } from 'react'
import type { BackupWalletErrorType, BackupWalletReturnType, BackupWalletStep } from '../core/actions/backupWallet.js'
import type { GetBackupStatusReturnType } from '../core/actions/getBackupStatus.js'
import { backupKeys } from '../core/query/backupKeys.js'
import { useWalletBackupConfig } from '../hooks/WalletBackupContext.js'
import { useWalletBackup } from '../hooks/useWalletBackup.js'
import { defaultBackupLabels } from './defaultBackupLabels.js'
import { createFlowButton, type WalletFlowButtonProps } from './FlowButton.js'

/** Its English texts (defined in their own module, which the English locale pack shares). */
export { defaultBackupLabels }

export type BackupButtonProps = WalletFlowButtonProps<
  BackupWalletStep,
  BackupWalletReturnType,
  BackupWalletErrorType,
  'superseded'
>

/**
 * Reads the status the app already shows (a `<BackupStatus>`, `useBackupStatus()`) from the query cache without
 * fetching it: a button alone asks the server nothing more, and the drop-in path carries no status code. When another
 * backup of the method replaced ours, the button offers a new one.
 */
function useSupersededLabel(step: string): 'superseded' | undefined {
  const { clientId } = useWalletBackupConfig('BackupButton')
  const cache = useQueryClient().getQueryCache()
  const superseded = useSyncExternalStore(
    useCallback((onChange: () => void) => cache.subscribe(onChange), [cache]),
    () =>
      cache.find<GetBackupStatusReturnType>({ queryKey: backupKeys.status(clientId), exact: true })?.state.data?.state,
    () => undefined,
  )
  return superseded === 'superseded' && (step === 'idle' || step === 'success') ? 'superseded' : undefined
}

/** One click backs the wallet up: Google consent, encrypted share, Drive key, server upload, provider notified. */
export const BackupButton = createFlowButton<
  BackupWalletStep,
  BackupWalletReturnType,
  BackupWalletErrorType,
  'superseded'
>('BackupButton', useWalletBackup, defaultBackupLabels, 'backup-button', 'backupButton', useSupersededLabel)
