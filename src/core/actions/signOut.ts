import type { TokenBroker } from '../clients/createTokenBroker.js'
import { GoogleRevokeFailed } from '../errors/errors.js'

export type SignOutParameters = {
  /**
   * Also revoke the app's Google grant (`google.accounts.oauth2.revoke` with the token held): the user sees Google's
   * consent screen again next time. It removes the whole grant of the OAuth client for that Google account, so it is
   * the app's choice. Fails with `GoogleRevokeFailed`; the token is dropped from memory either way.
   */
  revokeGoogle?: boolean | undefined
}

type Revoke = (token: string, done: (answer: { successful?: boolean; error?: string } | undefined) => void) => void

/**
 * The app signs its user out: the broker drops all Google access it holds for that user (see `TokenBroker.signOut`),
 * and with `revokeGoogle` Google revokes the grant through the script `@react-oauth/google` loaded (which wraps no
 * revoke of its own).
 */
export function signOut(broker: TokenBroker, options: SignOutParameters = {}): Promise<void> {
  const token = broker.signOut()
  if (!options.revokeGoogle || !token) return Promise.resolve()
  const failed = (reason: string) =>
    new GoogleRevokeFailed('Google access could not be revoked.', { step: 'authorize', facts: { reason } })
  const revoke = (globalThis as { google?: { accounts?: { oauth2?: { revoke?: Revoke } } } }).google?.accounts?.oauth2
    ?.revoke
  return new Promise((resolve, reject) => {
    if (!revoke) return reject(failed('not_loaded'))
    try {
      revoke(token, (answer) => (answer?.successful ? resolve() : reject(failed(answer?.error ?? 'unknown'))))
    } catch {
      reject(failed('revoke_threw'))
    }
  })
}
