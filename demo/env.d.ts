/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** Set it to use the real Google Identity Services and Drive instead of the in-page emulator. */
  readonly VITE_GOOGLE_CLIENT_ID?: string
}
