/** The method recorded for a backup or share posted without one (legacy SDKs). */
export const UNKNOWN_METHOD = 'UNKNOWN'
