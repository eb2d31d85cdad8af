// Probe: the kit's SQLite store (and its writer thread) inside a Next.js route handler, bundled by Turbopack.
import type { BackupStore } from 'react-mpc-backup/server'
import { sqliteStore } from 'react-mpc-backup/server'

export const runtime = 'nodejs'
export const dynamic = 'force-dynamic'

// Opened on the first request, never at module scope: `next build` evaluates route modules while collecting data.
let store: BackupStore | undefined
const backups = () => (store ??= sqliteStore({ filename: process.env.PROBE_DB ?? './.data/probe.db' }))

type Context = { params: Promise<{ path: string[] }> }

export async function POST(request: Request, { params }: Context): Promise<Response> {
  const [clientId] = (await params).path
  if (!clientId) return Response.json({ error: 'no client id' }, { status: 400 })
  const { cipherText } = (await request.json()) as { cipherText: string }
  const result = await backups().put({
    clientId,
    backupMethod: 'GDRIVE',
    keyVersion: 1,
    keyId: 'probe',
    data: Buffer.from(cipherText),
    storedAt: new Date(),
  })
  return Response.json(result)
}

export async function GET(_request: Request, { params }: Context): Promise<Response> {
  const [clientId] = (await params).path
  const row = clientId ? await backups().get(clientId) : undefined
  if (!row) return Response.json({ error: 'not found' }, { status: 404 })
  return Response.json({ cipherText: row.data.toString(), storedAt: row.storedAt.toISOString() })
}
