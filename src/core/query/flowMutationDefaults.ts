/**
 * What every kit mutation pins, whatever the host QueryClient's `defaultOptions.mutations` say. TanStack merges the
 * host's defaults under a mutation's own options, so without these an app's defaults would decide how a wallet
 * backup runs:
 * - `retry: false`: a TanStack retry re-runs the WHOLE flow (a second share generated, a second notify, a token
 *   request outside any click). The kit retries each request itself (Drive, server), with backoff, where safe.
 * - `networkMode: 'always'`: TanStack's default ('online') pauses a mutation started while the browser says offline,
 *   showing a pending step with no error and running the flow late. The kit decides offline itself: the buttons are
 *   disabled, a start while offline fails at once with `BrowserOffline`, and a request that fails mid-flow ends the
 *   flow with the typed error of its step (the wallet hears `false` once).
 * - `throwOnError: false`: the kit's typed errors belong to the button's error state, not the app's error boundary.
 *   A caller can still opt in through the hooks' `mutation.throwOnError`.
 */
export const flowMutationDefaults = {
  retry: false,
  networkMode: 'always',
  throwOnError: false,
} as const
