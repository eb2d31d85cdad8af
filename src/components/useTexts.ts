import { useContext } from 'react'
import { WalletBackupContext } from '../hooks/WalletBackupContext.js'
import type { Messages, PartialMessages } from './messages.js'

/** The app's `messages` (<WalletBackupProvider messages>), which the provider keeps beside its configuration. */
export const useMessages = (): PartialMessages | undefined =>
  useContext(WalletBackupContext)?.messages as PartialMessages | undefined

/** A component's texts: its English defaults, then the app's messages for its group, then its own `labels` prop. */
export function useTexts<K extends Exclude<keyof Messages, 'errors'>, T>(
  group: K,
  defaults: T,
  labels?: Partial<T>,
): T {
  return { ...defaults, ...useMessages()?.[group], ...labels }
}
