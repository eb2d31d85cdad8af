// Issue 25, item 2: two wallet clients whose ids share a prefix (`acme`, `acme.vip`) keep their key files in ONE
// Drive (same Google account, same OAuth client). Each wallet's backups, pruning, status and recovery must touch only
// its own key files, whether they carry today's names or the names older kits wrote.
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { portalAdapter } from '../src/adapters/portalAdapter.js'
import { type BackupConfig, backupWallet } from '../src/core/actions/backupWallet.js'
import { createShareApi } from '../src/core/clients/createShareApi.js'
import { DRIVE_APPDATA_SCOPE } from '../src/core/clients/driveKeyStore.js'
import { getBackupStatus } from '../src/core/actions/getBackupStatus.js'
import { recoverWallet } from '../src/core/actions/recoverWallet.js'
import {
  createGoogleEmulator,
  createShareServerEmulator,
  createWalletBackend,
  createWalletEmulator,
} from '../src/testing/index.js'
import { BASE, server } from './support/nodeHarness.js'

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterAll(() => server.close())

const retry = { tries: 3, baseDelayMs: 1, maxDelayMs: 5 }

/** One Google account, one app server, one provider backend; wallets of several clients on it. */
function sharedDrive() {
  const google = createGoogleEmulator()
  const share = createShareServerEmulator({ baseURL: BASE })
  server.resetHandlers(...google.handlers, ...share.handlers)
  const backend = createWalletBackend()
  const token = google.issueToken({ scope: DRIVE_APPDATA_SCOPE }).access_token
  const params = { getAccessToken: async () => token }

  // The Drive deletes seen, and how many Drive requests are travelling (pruning runs after the flow returns).
  const deleted: string[] = []
  const travelling = new Set<string>()
  const onStart = ({ request, requestId }: { request: Request; requestId: string }) => {
    const url = new URL(request.url)
    if (url.hostname !== 'www.googleapis.com') return
    travelling.add(requestId)
    if (request.method === 'DELETE') deleted.push(decodeURIComponent(url.pathname.split('/').at(-1)!))
  }
  const onEnd = ({ requestId }: { requestId: string }) => void travelling.delete(requestId)
  server.events.on('request:start', onStart)
  server.events.on('request:end', onEnd)

  const wallet = (clientId: string) => {
    const device = createWalletEmulator({ clientId, backend })
    const config = (w = device): BackupConfig => ({
      wallet: portalAdapter(w),
      clientId,
      shareApi: createShareApi({ baseURL: BASE, retry }),
      retry,
    })
    return {
      clientId,
      address: () => device.address,
      backup: () => backupWallet(config(), params),
      /** Recovery on a fresh device of the same client. */
      recover: () => recoverWallet(config(createWalletEmulator({ clientId, backend })), params),
      status: () => getBackupStatus(config(), { accessToken: token }),
      row: () => share.rows().find((r) => r.clientId === clientId)!,
    }
  }

  return {
    google,
    share,
    token,
    wallet,
    deleted,
    names: () =>
      google
        .files()
        .map((f) => f.name)
        .sort(),
    /** Waits until these files are deleted and no Drive request is travelling (the prune that deletes them is over). */
    async settled(gone: string[]) {
      await expect.poll(() => gone.every((id) => deleted.includes(id)) && travelling.size === 0).toBe(true)
    },
    /** Renames a file in Drive (metadata only: same id, same key), as an older kit would have named it. */
    async remove(id: string) {
      const res = await fetch(`https://www.googleapis.com/drive/v3/files/${encodeURIComponent(id)}`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${token}` },
      })
      expect(res.status).toBe(204)
    },
    async rename(id: string, name: string) {
      const res = await fetch(`https://www.googleapis.com/drive/v3/files/${encodeURIComponent(id)}`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name }),
      })
      expect(res.status).toBe(200)
    },
    stop() {
      server.events.removeListener('request:start', onStart)
      server.events.removeListener('request:end', onEnd)
    },
  }
}

type Drive = ReturnType<typeof sharedDrive>

/** The name earlier builds gave key files (still read): prefix, client id, `v`, version. */
const oldName = (clientId: string, keyVersion: string) => `react-mpc-backup.${clientId}.v${keyVersion}.key`

/** The file the server's record names for this wallet. */
const keyFileOf = (d: Drive, w: ReturnType<Drive['wallet']>) => {
  const id = w.row().keyFileId!
  return { id, name: d.google.files().find((f) => f.id === id)?.name }
}

async function withDrive(run: (d: Drive) => Promise<void>) {
  const d = sharedDrive()
  try {
    await run(d)
  } finally {
    d.stop()
  }
}

describe('key files of two wallets in one Drive (client ids acme and acme.vip)', () => {
  test('interleaved backups prune only each wallet its own older key files, and both wallets recover', () =>
    withDrive(async (d) => {
      const acme = d.wallet('acme')
      const vip = d.wallet('acme.vip')

      await acme.backup()
      const a1 = keyFileOf(d, acme)
      await vip.backup()
      const v1 = keyFileOf(d, vip)
      await d.settled([])
      expect(d.deleted).toEqual([])

      // acme's second backup prunes acme's first key file, never acme.vip's (its current key).
      await acme.backup()
      const a2 = keyFileOf(d, acme)
      await d.settled([a1.id])
      expect(d.deleted).toEqual([a1.id])
      expect(d.names()).toEqual([a2.name, v1.name].sort())
      await expect(vip.status()).resolves.toMatchObject({ state: 'backedUp', drive: true })

      await vip.backup()
      const v2 = keyFileOf(d, vip)
      await d.settled([a1.id, v1.id])
      expect(d.deleted).toEqual([a1.id, v1.id])
      expect(d.names()).toEqual([a2.name, v2.name].sort())
      await expect(acme.status()).resolves.toMatchObject({ state: 'backedUp', drive: true })

      await expect(acme.recover()).resolves.toMatchObject({ address: acme.address() })
      await expect(vip.recover()).resolves.toMatchObject({ address: vip.address() })
      await d.settled([a1.id, v1.id, a2.id, v2.id])
      expect(d.names()).toEqual([keyFileOf(d, acme).name, keyFileOf(d, vip).name].sort())
    }))

  test('key files named the old way (react-mpc-backup.<clientId>.v<version>.key) are read, recovered from and pruned, each by its own wallet', () =>
    withDrive(async (d) => {
      const acme = d.wallet('acme')
      const vip = d.wallet('acme.vip')
      await acme.backup()
      await vip.backup()
      await d.settled([])
      // Both current keys carry the names older kits wrote.
      const a1 = keyFileOf(d, acme)
      const v1 = keyFileOf(d, vip)
      await d.rename(a1.id, oldName('acme', acme.row().keyVersion as string))
      await d.rename(v1.id, oldName('acme.vip', vip.row().keyVersion as string))

      await expect(acme.status()).resolves.toMatchObject({ state: 'backedUp', drive: true })
      await expect(vip.status()).resolves.toMatchObject({ state: 'backedUp', drive: true })

      // Recovery stores a fresh backup (new name) and prunes the wallet's old-named file, not the other's.
      await expect(acme.recover()).resolves.toMatchObject({ address: acme.address() })
      await d.settled([a1.id])
      expect(d.deleted).toEqual([a1.id])
      expect(d.names()).toContain(oldName('acme.vip', vip.row().keyVersion as string))
      await expect(vip.recover()).resolves.toMatchObject({ address: vip.address() })
      await d.settled([a1.id, v1.id])
      expect(d.deleted).toEqual([a1.id, v1.id])
      const a2 = keyFileOf(d, acme)
      expect(d.names()).toEqual([a2.name, keyFileOf(d, vip).name].sort())
      await expect(acme.recover()).resolves.toMatchObject({ address: acme.address() })
      await d.settled([a1.id, v1.id, a2.id])
    }))

  test('records of older kits (no file id) find their old-named key by listing, each wallet its own', () =>
    withDrive(async (d) => {
      const acme = d.wallet('acme')
      const vip = d.wallet('acme.vip')
      await acme.backup()
      await vip.backup()
      await d.settled([])
      for (const w of [acme, vip]) {
        const { id } = keyFileOf(d, w)
        const { keyFileId: _dropped, ...row } = w.row()
        await d.rename(id, oldName(w.clientId, row.keyVersion as string))
        d.share.putRow(row)
      }
      const old = d.google.files().map((f) => f.id)
      await expect(acme.status()).resolves.toMatchObject({ state: 'backedUp', drive: true })
      await expect(vip.status()).resolves.toMatchObject({ state: 'backedUp', drive: true })
      await expect(acme.recover()).resolves.toMatchObject({ address: acme.address() })
      await expect(vip.recover()).resolves.toMatchObject({ address: vip.address() })
      // Each recovery pruned its own wallet's old-named key, and only that.
      await d.settled(old)
      expect(d.deleted.sort()).toEqual([...old].sort())
      expect(d.names()).toEqual([keyFileOf(d, acme).name, keyFileOf(d, vip).name].sort())
    }))

  test("a record without keyVersion accepts only a file parsed as this wallet's key: not acme.vip's for acme", () =>
    withDrive(async (d) => {
      const acme = d.wallet('acme')
      const vip = d.wallet('acme.vip')
      await acme.backup()
      await vip.backup()
      await d.settled([])
      // acme's record names no version and points at acme.vip's key file (old-named, as an older kit wrote it).
      const a = keyFileOf(d, acme)
      const v = keyFileOf(d, vip)
      await d.rename(v.id, oldName('acme.vip', vip.row().keyVersion as string))
      const { keyVersion: _v, ...row } = acme.row()
      d.share.putRow({ ...row, keyFileId: v.id })
      await expect(acme.status()).resolves.toMatchObject({ drive: false })
      await expect(acme.recover()).rejects.toMatchObject({ code: 'KEY_NOT_FOUND' })
      // Without a file id, and acme's own key gone, a listing finds only acme.vip's file: not acme's key either.
      await d.remove(a.id)
      const { keyFileId: _id, ...bare } = d.share.rows().find((r) => r.clientId === 'acme')!
      d.share.putRow(bare)
      await expect(acme.status()).resolves.toMatchObject({ drive: false })
    }))
})
