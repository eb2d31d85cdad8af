'use client'
import { forwardRef } from 'react'
import type { BackupWalletErrorType, BackupWalletReturnType } from '../core/backupWallet.js'
import { useWalletBackup, type WalletBackupStep } from '../hooks/useWalletBackup.js'
import {
  FlowButton,
  type FlowButtonChildren,
  type FlowLabels,
  flowButtonState,
  type WalletFlowButtonProps,
} from './FlowButton.js'

export type BackupButtonLabels = FlowLabels<WalletBackupStep>

export const defaultBackupLabels: Required<BackupButtonLabels> = {
  loading: 'Loading Google sign-in…',
  walletLoading: 'Loading wallet…',
  unavailable: 'Google sign-in unavailable. Retry',
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
export const BackupButton = forwardRef<HTMLButtonElement, BackupButtonProps>(function BackupButton(
  { onSuccess, onError, onStep, labels, children, ...props },
  ref,
) {
  const flow = useWalletBackup({ onSuccess, onError, onStep })
  return (
    <FlowButton
      ref={ref}
      {...props}
      // What react-mpc-backup/styles.css keys on; always rendered (after the props, so it cannot be lost).
      data-rmb="backup-button"
      {...flowButtonState(flow)}
      labels={{ ...defaultBackupLabels, ...labels }}
    >
      {children as FlowButtonChildren}
    </FlowButton>
  )
})
