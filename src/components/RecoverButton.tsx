'use client'
import type {
  RecoverWalletErrorType,
  RecoverWalletReturnType,
  RecoverWalletStep,
} from '../core/actions/recoverWallet.js'
import { useWalletRecovery } from '../hooks/useWalletRecovery.js'
import { defaultRecoverLabels } from './defaultRecoverLabels.js'
import { createFlowButton, type WalletFlowButtonProps } from './FlowButton.js'

/** Its English texts (defined in their own module, which the English locale pack shares). */
export { defaultRecoverLabels }

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
  'recoverButton',
)
