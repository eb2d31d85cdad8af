import type {
  CheckShareServerOptions,
  ShareServerCheckName,
  ShareServerCheckRow,
  ShareServerReport,
} from './checkShareServerTypes.js'
import { createShareServerProbes, SHARE_SERVER_CHECK_TITLES } from './shareServerProbes.js'
import type { Exchange } from './shareServerTransport.js'
import { createTransport, RowFailure, safeName } from './shareServerTransport.js'

/**
 * Runs the share-server contract (openapi/share-server.yaml) against a live backend, in any language: the bundled
 * server passes it. It writes test rows for the two clients (methods `CHECK`, `CHECK-IDEM`, `GDRIVE-SECP256K1`,
 * `GDRIVE-ED25519`); run it against a staging database. Nothing it reports carries a share, credential or secret.
 */
export async function checkShareServer(options: CheckShareServerOptions): Promise<ShareServerReport> {
  const base = options.baseUrl.replace(/\/+$/, '')
  const exchanges: Exchange[] = []
  const send = createTransport(
    { base, fetch: options.fetch ?? globalThis.fetch, requestTimeoutMs: options.requestTimeoutMs ?? 15_000 },
    exchanges,
  )
  const probes = createShareServerProbes({
    send,
    exchanges,
    clients: options.clients,
    webhookSecret: options.webhookSecret,
    oversizeBytes: options.oversizeBytes ?? 1024 * 1024,
    webhookDeadlineMs: options.webhookDeadlineMs ?? 10_000,
  })

  const rows: ShareServerCheckRow[] = []
  for (const name of Object.keys(probes) as ShareServerCheckName[]) {
    const title = SHARE_SERVER_CHECK_TITLES[name]
    try {
      await probes[name]()
      rows.push({ name, title, ok: true })
    } catch (error) {
      const reason = error instanceof RowFailure ? error.message : `the check itself failed (${safeName(error)})`
      rows.push({ name, title, ok: false, reason })
    }
  }
  return { ok: rows.every((r) => r.ok), baseUrl: base, rows }
}
