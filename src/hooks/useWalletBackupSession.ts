'use client'
import { useQueryClient } from '@tanstack/react-query'
import { useCallback } from 'react'
import { backupKeys } from '../core/query/backupKeys.js'
import { type SignOutParameters, signOut as signOutOf } from '../core/actions/signOut.js'
import { useWalletBackupConfig } from './WalletBackupContext.js'

export type UseWalletBackupSessionReturnType = {
  /**
   * Call it when the app signs its user out. Drops every piece of Google access the kit holds for that user (the
   * token, an answer still to come, the account hint) and clears the user's backup status from the query cache.
   * `{ revokeGoogle: true }` also revokes the app's grant at Google (the consent screen shows again next time);
   * the promise then rejects with `GoogleRevokeFailed` if Google did not revoke it.
   */
  signOut: (options?: SignOutParameters) => Promise<void>
}

/** The app user's session with the kit (inside `<WalletBackupProvider>`). */
export function useWalletBackupSession(): UseWalletBackupSessionReturnType {
  const { broker, clientId } = useWalletBackupConfig('useWalletBackupSession')
  const queryClient = useQueryClient()
  const signOut = useCallback(
    (options?: SignOutParameters) => {
      const revoked = signOutOf(broker, options)
      // After the drop: a status still on screen is asked again without a token.
      void queryClient.resetQueries({ queryKey: backupKeys.status(clientId) })
      return revoked
    },
    [broker, clientId, queryClient],
  )
  return { signOut }
}
