'use client'
import type { BackupWalletErrorType, BackupWalletReturnType } from '../core/backupWallet.js'
import { useWalletBackup, type WalletBackupStep } from '../hooks/useWalletBackup.js'
import { createFlowButton, type FlowLabels, notReadyLabels, type WalletFlowButtonProps } from './FlowButton.js'

export type BackupButtonLabels = FlowLabels<WalletBackupStep>

export const defaultBackupLabels: Required<BackupButtonLabels> = {
  ...notReadyLabels,
  offline: 'Offline: connect to back up',
  idle: 'Back up wallet',
  authorizing: 'Waiting for Google…',
  generating: 'Encrypting backup…',
  storing: 'Saving backup…',
  notifying: 'Confirming backup…',
  success: 'Wallet backed up',
  error: 'Backup failed. Try again',
}

export type BackupButtonProps = WalletFlowButtonProps<WalletBackupStep, BackupWalletReturnType, BackupWalletErrorType>

/** One click backs the wallet up: Google consent, encrypted share, Drive key, server upload, provider notified. */
export const BackupButton = createFlowButton<WalletBackupStep, BackupWalletReturnType, BackupWalletErrorType>(
  'BackupButton',
  useWalletBackup,
  defaultBackupLabels,
  'backup-button',
)
