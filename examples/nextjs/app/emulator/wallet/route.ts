// Emulator mode: the provider side ("Portal's servers") of the signed-in user's emulated wallet, kept on this server
// so that another browser is another device of the same wallet. The page restores it into its wallet emulator's
// backend on load and saves it after each backup or recovery. Public facts only: the address and the backups'
// generations and states, never a share or a key.
import { emulatorsOn, emulatorState, type WalletDescription } from '../../../lib/emulators'
import { signedIn } from '../../../lib/signedIn'

export const runtime = 'nodejs'

const STATES = new Set(['pending', 'completed', 'discarded', 'retired'])

async function owner(): Promise<string | undefined> {
  return emulatorsOn() ? (await signedIn()).clientId : undefined
}

export async function GET(): Promise<Response> {
  const clientId = await owner()
  if (!clientId) return new Response(null, { status: 404 })
  return Response.json(
    { wallet: emulatorState().wallets.get(clientId) ?? null },
    { headers: { 'Cache-Control': 'no-store' } },
  )
}

export async function PUT(request: Request): Promise<Response> {
  const clientId = await owner()
  if (!clientId) return new Response(null, { status: 404 })
  const wallet = walletDescription(await request.json().catch(() => undefined))
  if (!wallet) return Response.json({ error: { code: 'invalid_wallet' } }, { status: 400 })
  emulatorState().wallets.set(clientId, wallet)
  return new Response(null, { status: 204 })
}

function walletDescription(body: unknown): WalletDescription | undefined {
  if (typeof body !== 'object' || body === null) return undefined
  const { address, backups } = body as { address?: unknown; backups?: unknown }
  if (typeof address !== 'string' || !/^0x[0-9a-f]{40}$/.test(address) || !Array.isArray(backups)) return undefined
  const valid = backups.every(
    (b: unknown) =>
      typeof b === 'object' &&
      b !== null &&
      Number.isInteger((b as { generation?: unknown }).generation) &&
      typeof (b as { method?: unknown }).method === 'string' &&
      STATES.has(String((b as { status?: unknown }).status)),
  )
  return valid ? { address, backups: backups as WalletDescription['backups'] } : undefined
}
