import { EmulatedMpcError, EmulatedPortalMpcError } from './EmulatedMpcError.js'

/** The emulated SDK iframe: when it is up, the calls it lost before that, and what its errors become. */
interface WalletIframe {
  readonly ready: boolean
  onReady(callback: () => unknown): () => void
  boot(): void
  reboot(options?: { bootDelayMs?: number | 'manual' }): void
  readonly dropped: Array<{ call: string; at: number }>
  /** Serves one call: lost before boot (never settles), else run (realistic: errors as the SDK reshapes them). */
  gate<T>(call: string, run: () => Promise<T>): Promise<T>
}

/** Always ready unless `realistic`: then up after `bootDelayMs` (default 50), or on `boot()` with 'manual'. */
export function createWalletIframe(options: {
  realistic: boolean
  bootDelayMs: number | 'manual' | undefined
  now: () => number
}): WalletIframe {
  const { realistic, now } = options
  let ready = !realistic
  const readyCallbacks = new Set<() => unknown>()
  const dropped: Array<{ call: string; at: number }> = []
  const boot = () => {
    if (ready) return
    ready = true
    for (const callback of [...readyCallbacks]) callback()
    readyCallbacks.clear()
  }
  const scheduleBoot = (delay: number | 'manual' | undefined) => {
    if (delay !== 'manual') setTimeout(boot, delay ?? 50)
  }
  if (realistic) scheduleBoot(options.bootDelayMs)
  const reboot = (o: { bootDelayMs?: number | 'manual' } = {}) => {
    ready = false
    scheduleBoot('bootDelayMs' in o ? o.bootDelayMs : options.bootDelayMs)
  }
  // The real SDK posts each call to its iframe; before the iframe has loaded the message is lost and the promise
  // never settles (no request ids, no timeout). Realistic mode does the same.
  const gate = <T>(call: string, run: () => Promise<T>): Promise<T> => {
    if (ready) return realistic ? run().catch(asPortalError) : run()
    dropped.push({ call, at: now() })
    return new Promise<T>(() => {})
  }
  const onReady = (callback: () => unknown) => {
    if (ready) {
      callback()
      return () => {}
    }
    readyCallbacks.add(callback)
    return () => void readyCallbacks.delete(callback)
  }
  return {
    get ready() {
      return ready
    },
    onReady,
    boot,
    reboot,
    dropped,
    gate,
  }
}

/** Numbers from the SDK's own `PortalErrorCodes` where one fits; everything else is the SDK's fallback 999. */
const portalCodes: Partial<Record<string, number>> = { DECRYPTION_FAILED: 407 }

/** Realistic mode: what the real SDK makes of an iframe error (`new PortalMpcError(data)`, `code = data.code || 999`). */
function asPortalError(error: unknown): never {
  if (error instanceof EmulatedMpcError) {
    const message =
      error.code === 'WALLET_MODIFICATION_ALREADY_IN_PROGRESS'
        ? '[PortalMpc] Wallet modification already in progress'
        : error.message
    throw new EmulatedPortalMpcError(portalCodes[error.code] ?? 999, message)
  }
  throw error
}
