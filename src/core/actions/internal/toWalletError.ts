import { type BackupError, type BackupErrorOptions, factsOf, WalletBusy } from '../../errors/errors.js'

/**
 * What the wallet threw, as the step's typed error. A provider's "already running" becomes WalletBusy; anything else
 * the step's own failure (`Failed`, the caller's class: a path bundles only its own). The real SDK turns every iframe
 * error into `PortalMpcError` with `code = data.code || 999` (a number in its own types and tests), so the busy case
 * is told by its string code or, whatever the code's type, by its message.
 */
export function toWalletError(
  error: unknown,
  step: 'generate' | 'recover',
  Failed: new (message: string, options: BackupErrorOptions) => BackupError,
): BackupError {
  const facts = walletFacts(error)
  const message = `Wallet ${step === 'generate' ? 'backup' : 'recovery'} failed.`
  return facts.providerCode === 'WALLET_MODIFICATION_ALREADY_IN_PROGRESS' ||
    /modification already in progress/i.test(facts.message ?? '')
    ? new WalletBusy('Wallet busy.', { step, facts })
    : new Failed(message, { step, facts })
}

/** `factsOf`, plus a numeric provider code (kept only here: elsewhere a numeric `code` is a DOMException's). */
function walletFacts(error: unknown) {
  const facts = factsOf(error)
  const code = (error as { code?: unknown } | null)?.code
  if (typeof code === 'number' && Number.isFinite(code)) facts.providerCode = code
  return facts
}
