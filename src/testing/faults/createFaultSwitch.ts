/** Options of `faults.set`: `times` limits how many requests the fault hits (unlimited when absent). */
export interface FaultSetOptions {
  times?: number
}

/** The public face of a fault switchboard: tests arm and disarm faults per endpoint. */
export interface FaultSwitch<E extends string, F> {
  set(endpoint: E, fault: F, options?: FaultSetOptions): void
  clear(endpoint?: E): void
  /** Faults still armed, with how many hits remain (`undefined` = unlimited). */
  active(): Array<{ endpoint: E; fault: F; remaining: number | undefined }>
}

/** Emulator-internal view: `take` consumes one hit of the fault armed for an endpoint. */
export interface FaultSwitchInternal<E extends string, F> extends FaultSwitch<E, F> {
  take(endpoint: E): F | undefined
}

export function createFaultSwitch<E extends string, F>(): FaultSwitchInternal<E, F> {
  const armed = new Map<E, { fault: F; remaining: number | undefined }>()
  return {
    set(endpoint, fault, options) {
      const times = options?.times
      if (times !== undefined && (!Number.isInteger(times) || times < 1)) {
        throw new RangeError(`faults.set: times must be a positive integer, got ${String(times)}`)
      }
      armed.set(endpoint, { fault, remaining: times })
    },
    clear(endpoint) {
      if (endpoint === undefined) armed.clear()
      else armed.delete(endpoint)
    },
    active() {
      return [...armed].map(([endpoint, { fault, remaining }]) => ({ endpoint, fault, remaining }))
    },
    take(endpoint) {
      const entry = armed.get(endpoint)
      if (!entry) return undefined
      if (entry.remaining !== undefined) {
        entry.remaining -= 1
        if (entry.remaining <= 0) armed.delete(endpoint)
      }
      return entry.fault
    },
  }
}
