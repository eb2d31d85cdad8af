import { collectStoreStats } from '../ops/collectStoreStats.js'
import type { LoadedServerConfig } from '../app/loadServerConfig.js'
import { rotateEncryptionKey } from '../ops/rotateEncryptionKey.js'
import type { UnreadableRow } from '../sealing/openSealedRow.js'
import { verifyStoredRows } from '../ops/verifyStoredRows.js'

export const OPERATOR_COMMANDS = ['rotate-key', 'verify', 'stats'] as const
export type OperatorCommand = (typeof OPERATOR_COMMANDS)[number]

/**
 * `react-mpc-backup-server rotate-key | verify | stats [--json]`, on the store and keys the server's environment
 * names. Prints ids, counts and key ids only, never a share. Returns the exit code (1 when rows do not open).
 */
export async function runOperatorCommand(
  command: OperatorCommand,
  args: readonly string[],
  loaded: LoadedServerConfig,
  print: (line: string) => void,
): Promise<number> {
  const { store, encryptionKey } = loaded.config
  const asJson = args.includes('--json')
  try {
    if (command === 'stats') {
      const stats = await collectStoreStats({ store })
      if (asJson) print(JSON.stringify(stats, null, 2))
      else {
        print(`store: ${loaded.storeDescription}`)
        for (const kind of ['client', 'custodian'] as const) {
          const total = stats.totals[kind]
          print(
            `${kind} rows: ${total ? `${total.rows} (${total.bytes} bytes, oldest ${total.oldest}, newest ${total.newest})` : 0}`,
          )
          for (const [method, s] of Object.entries(stats.methods[kind]).sort())
            print(`  ${method}: ${s.rows} rows, ${s.minBytes}-${s.maxBytes} bytes, ${s.oldest} .. ${s.newest}`)
        }
        print(
          `rows per key id: ${
            Object.entries(stats.keyIds)
              .map(([id, n]) => `${id} ${n}`)
              .join(', ') || 'none'
          }`,
        )
      }
      return 0
    }
    if (command === 'verify') {
      const report = await verifyStoredRows({ store, encryptionKey })
      if (asJson) print(JSON.stringify(report, null, 2))
      else {
        print(`verified ${report.rows} rows: ${report.readable} open, ${report.unreadable.length} do not`)
        for (const [keyId, n] of Object.entries(report.byKeyId))
          print(`  key id ${keyId}: ${n.readable} of ${n.rows} open`)
        printUnreadable(report.unreadable, print)
      }
      return report.unreadable.length === 0 ? 0 : 1
    }
    const report = await rotateEncryptionKey({
      store,
      encryptionKey,
      onProgress: (r) => print(`  ... ${r.resealed} re-sealed, ${r.alreadyCurrent} already current`),
    })
    if (asJson) print(JSON.stringify(report, null, 2))
    else {
      print(
        `rotate-key to ${report.currentKeyId}: ${report.resealed} re-sealed, ${report.alreadyCurrent} already current, ` +
          `${report.replacedByWriters} replaced by concurrent writes (left as written), ${report.unreadable.length} unreadable`,
      )
      printUnreadable(report.unreadable, print)
    }
    return report.unreadable.length === 0 ? 0 : 1
  } finally {
    await store.close()
  }
}

function printUnreadable(rows: readonly UnreadableRow[], print: (line: string) => void): void {
  const byKey = new Map<string, UnreadableRow[]>()
  for (const row of rows) byKey.set(row.keyId, [...(byKey.get(row.keyId) ?? []), row])
  for (const [keyId, list] of byKey) {
    print(`unreadable under key id ${keyId} (${list.length} rows; add that key to the previous keys to open them):`)
    for (const row of list.slice(0, 50)) print(`  ${row.kind} ${row.clientId} ${row.backupMethod}`)
    if (list.length > 50) print(`  ... and ${list.length - 50} more (--json lists them all)`)
  }
}
