'use client'
import { forwardRef } from 'react'
import type { RecoverWalletErrorType, RecoverWalletReturnType } from '../core/recoverWallet.js'
import { useWalletRecovery, type WalletRecoveryStep } from '../hooks/useWalletRecovery.js'
import {
  FlowButton,
  type FlowButtonChildren,
  type FlowLabels,
  flowButtonState,
  type WalletFlowButtonProps,
} from './FlowButton.js'

export type RecoverButtonLabels = FlowLabels<WalletRecoveryStep>

export const defaultRecoverLabels: Required<RecoverButtonLabels> = {
  loading: 'Loading Google sign-in…',
  walletLoading: 'Loading wallet…',
  unavailable: 'Google sign-in unavailable. Retry',
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
  WalletRecoveryStep,
  RecoverWalletReturnType,
  RecoverWalletErrorType
>

/** One click recovers the wallet on this device from the Drive key and the server's share, then backs it up again. */
export const RecoverButton = forwardRef<HTMLButtonElement, RecoverButtonProps>(function RecoverButton(
  { onSuccess, onError, onStep, labels, children, ...props },
  ref,
) {
  const flow = useWalletRecovery({ onSuccess, onError, onStep })
  return (
    <FlowButton
      ref={ref}
      {...props}
      // What react-mpc-backup/styles.css keys on; always rendered (after the props, so it cannot be lost).
      data-rmb="recover-button"
      {...flowButtonState(flow)}
      labels={{ ...defaultRecoverLabels, ...labels }}
    >
      {children as FlowButtonChildren}
    </FlowButton>
  )
})
