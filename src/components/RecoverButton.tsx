'use client'
import type {
  RecoverWalletErrorType,
  RecoverWalletReturnType,
  RecoverWalletStep,
} from '../core/actions/recoverWallet.js'
import { useWalletRecovery } from '../hooks/useWalletRecovery.js'
import { createFlowButton, type FlowLabels, notReadyLabels, type WalletFlowButtonProps } from './FlowButton.js'

export type RecoverButtonLabels = FlowLabels<RecoverWalletStep>

export const defaultRecoverLabels: Required<RecoverButtonLabels> = {
  ...notReadyLabels,
  offline: 'Offline: connect to recover',
  idle: 'Recover wallet',
  authorizing: 'Waiting for Google…',
  reading: 'Reading backup…',
  recovering: 'Restoring wallet…',
  generating: 'Making a fresh backup…',
  storing: 'Saving fresh backup…',
  notifying: 'Confirming backup…',
  success: 'Wallet recovered',
  error: 'Recovery failed. Try again',
}

export type RecoverButtonProps = WalletFlowButtonProps<
  RecoverWalletStep,
  RecoverWalletReturnType,
  RecoverWalletErrorType
>

/** One click recovers the wallet on this device from the Drive key and the server's share, then backs it up again. */
export const RecoverButton = createFlowButton<RecoverWalletStep, RecoverWalletReturnType, RecoverWalletErrorType>(
  'RecoverButton',
  useWalletRecovery,
  defaultRecoverLabels,
  'recover-button',
)
