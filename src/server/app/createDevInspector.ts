import express from 'express'
import type { Router } from 'express'
import type { BackupStore } from '../store/BackupStore.js'

/** Metadata of one stored row; the share itself never leaves the server through the inspector. */
export interface InspectedRow {
  kind: 'client' | 'custodian'
  clientId: string
  backupMethod: string
  keyVersion: string | number | null
  keyId: string
  storedAt: string
  /** Size of the sealed value at rest. */
  bytes: number
}

/**
 * Development aid: `GET /dev/rows[?clientId=]` -> `{ rows: InspectedRow[] }`, newest first.
 * It lists every client's rows without authentication, so mount it only outside production.
 */
export function createDevInspector(options: { store: BackupStore }): Router {
  const router = express.Router()
  router.get('/dev/rows', async (req, res) => {
    const clientId =
      typeof req.query.clientId === 'string' && req.query.clientId !== '' ? req.query.clientId : undefined
    const filter = clientId === undefined ? {} : { clientId }
    const [backups, shares] = await Promise.all([options.store.list(filter), options.store.listWebhook(filter)])
    const rows: InspectedRow[] = [
      ...backups.map((b) => ({
        kind: 'client' as const,
        clientId: b.clientId,
        backupMethod: b.backupMethod,
        keyVersion: b.keyVersion,
        keyId: b.keyId,
        storedAt: b.storedAt.toISOString(),
        bytes: b.data.length,
      })),
      ...shares.map((s) => ({
        kind: 'custodian' as const,
        clientId: s.clientId,
        backupMethod: s.backupMethod,
        keyVersion: null,
        keyId: s.keyId,
        storedAt: s.storedAt.toISOString(),
        bytes: s.data.length,
      })),
    ].sort((a, b) => b.storedAt.localeCompare(a.storedAt))
    res.set('Cache-Control', 'no-store').json({ rows })
  })
  return router
}
