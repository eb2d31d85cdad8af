/** The labels both buttons share (what they say while they cannot start yet). */
export const notReadyLabels = {
  loading: 'Loading Google sign-in…',
  walletLoading: 'Loading wallet…',
  unavailable: 'Google sign-in unavailable. Retry',
} as const
