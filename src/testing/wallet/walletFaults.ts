import { sleep } from '../faults/applyLatency.js'
import { EmulatedMpcError, EmulatedPortalMpcError } from './EmulatedMpcError.js'
import type { WalletFault, WalletFaults, WalletOperation } from './walletEmulatorTypes.js'

// Fault gating for the wallet emulator's SDK calls. Faults are read from the emulator at each call (a test may
// replace `emulator.faults` whole), and a fault with `times` disarms itself once used up.

/** What holds the armed faults: the emulator itself. */
interface FaultTarget {
  faults: WalletFaults
}

/** Takes the armed fault of `op`, counting one use of it. */
function takeFault(target: FaultTarget, op: WalletOperation): WalletFault | undefined {
  const fault = target.faults[op]
  if (!fault) return undefined
  if (fault.times !== undefined) {
    fault.times -= 1
    if (fault.times <= 0) target.faults[op] = undefined
  }
  return fault
}

/** A hanging call is taken before the wallet's busy flag: the emulated iframe never got it. */
export function hangs(target: FaultTarget, op: WalletOperation): boolean {
  const fault = target.faults[op]
  return fault !== undefined && 'hang' in fault && takeFault(target, op) !== undefined
}

export function never<T>(): Promise<T> {
  return new Promise<T>(() => {})
}

/** Applies an armed fault (delay, hold, error). Returns `{ value }` when the fault replaces the result. */
export async function runFault(target: FaultTarget, op: WalletOperation): Promise<{ value: unknown } | undefined> {
  const fault = takeFault(target, op)
  if (!fault || 'hang' in fault) return undefined
  if (fault.delayMs !== undefined) await sleep(fault.delayMs)
  if (fault.until !== undefined) await Promise.resolve(fault.until).catch(() => {})
  if ('error' in fault) {
    const { code, message } = fault.error
    if (typeof code === 'number') throw new EmulatedPortalMpcError(code, message ?? `Portal error ${code}`)
    throw new EmulatedMpcError(code, message)
  }
  if ('returnValue' in fault) return { value: fault.returnValue }
  return undefined
}
