import type { BackupStore, MaintainableStore, RowKind, SealedRow } from './BackupStore.js'
import { ServerConfigError } from '../errors/ServerConfigError.js'

/** Every row of both tables, page by page (client backups first), so memory stays bounded on a large database. */
export async function* scanAllRows(store: BackupStore, pageSize = 500): AsyncGenerator<SealedRow> {
  const maintenance = maintenanceOf(store)
  for (const kind of ['client', 'custodian'] as const satisfies readonly RowKind[]) {
    let after: SealedRow | undefined
    for (;;) {
      const page = await maintenance.scanRows(kind, after, pageSize)
      yield* page
      if (page.length < pageSize) break
      after = page[page.length - 1]
    }
  }
}

export function maintenanceOf(store: BackupStore): MaintainableStore {
  if (!store.maintenance)
    throw new ServerConfigError('this store has no maintenance methods (scanRows, resealRow, ping): see BackupStore')
  return store.maintenance
}
