// Types for @portal-hq/web 3.4.1, used instead of the package's own: it publishes its TypeScript sources as its
// types ("types": "src/index"), which fail under verbatimModuleSyntax and erasableSyntaxOnly, and skipLibCheck
// does not cover .ts files. The tsconfig maps the import here ("paths"); at runtime the real package is used.
import type { PortalLike } from 'react-mpc-backup'

export interface PortalOptions {
  rpcConfig: Record<string, string>
  apiKey?: string
  authToken?: string
  host?: string
  gdrive?: { clientId: string }
}

interface Portal extends PortalLike {}
declare class Portal {
  constructor(options: PortalOptions)
  /** The wallet's address, once ready. */
  address?: string
  readonly ready: boolean
  onReady(callback: () => unknown): () => void
  getClient(): Promise<{ id: string }>
  isWalletBackedUp(chainId?: string): Promise<boolean>
}
export default Portal
