import type { BackupStore, RowKind } from '../store/BackupStore.js'
import { scanAllRows } from '../store/scanAllRows.js'

export interface RowGroupStats {
  rows: number
  /** Sealed bytes at rest. */
  bytes: number
  minBytes: number
  maxBytes: number
  oldest: string
  newest: string
}

export interface StoreStats {
  /** Per kind, then per backup method. */
  methods: Record<RowKind, Record<string, RowGroupStats>>
  totals: Record<RowKind, RowGroupStats | null>
  /** Rows per at-rest key id (what `rotate-key` would still have to re-seal). */
  keyIds: Record<string, number>
}

/** Counts per method, sizes and oldest/newest rows, from the rows' metadata (nothing is opened). */
export async function collectStoreStats(options: { store: BackupStore }): Promise<StoreStats> {
  const stats: StoreStats = {
    methods: { client: {}, custodian: {} },
    totals: { client: null, custodian: null },
    keyIds: {},
  }
  const add = (group: RowGroupStats | undefined, bytes: number, at: string): RowGroupStats => {
    if (!group) return { rows: 1, bytes, minBytes: bytes, maxBytes: bytes, oldest: at, newest: at }
    group.rows++
    group.bytes += bytes
    group.minBytes = Math.min(group.minBytes, bytes)
    group.maxBytes = Math.max(group.maxBytes, bytes)
    if (at < group.oldest) group.oldest = at
    if (at > group.newest) group.newest = at
    return group
  }
  for await (const row of scanAllRows(options.store)) {
    const at = row.storedAt.toISOString()
    stats.methods[row.kind][row.backupMethod] = add(stats.methods[row.kind][row.backupMethod], row.data.length, at)
    stats.totals[row.kind] = add(stats.totals[row.kind] ?? undefined, row.data.length, at)
    stats.keyIds[row.keyId] = (stats.keyIds[row.keyId] ?? 0) + 1
  }
  return stats
}
