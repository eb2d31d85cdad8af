import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { keyFileName } from '../src/core/clients/driveKeyStore.js'
import { createWorld, server, type World } from './support/nodeHarness.js'

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterAll(() => server.close())

const falses = (w: World) => w.wallet.notifications.filter((n) => !n.success).length
const trues = (w: World) => w.wallet.notifications.filter((n) => n.success).length

/** A promise the test settles: armed as an `{ until }` fault, it holds a request or a wallet call until released. */
function gate() {
  let release!: () => void
  const until = new Promise<void>((r) => (release = r))
  return { until, release }
}

/** Backs up once (the good backup), arms a fault, backs up again, and returns what the second attempt threw. */
async function failAfterGoodBackup(w: World, arm: (w: World) => void) {
  await w.backup()
  const good = { address: w.wallet.address, notifications: w.wallet.notifications.length }
  arm(w)
  const error = await w.backup().then(
    () => undefined,
    (e: unknown) => e,
  )
  return { good, error: error as { name: string; code: string; step?: string; facts: Record<string, unknown> } }
}

type Cell = {
  name: string
  arm: (w: World) => void
  error: string
  code: string
  generated: boolean
}

const cells: Cell[] = [
  {
    name: 'the wallet throws while making the share',
    arm: (w) => (w.wallet.faults.backup = { error: { code: 'UNEXPECTED_ERROR', message: 'boom' } }),
    error: 'WalletBackupFailed',
    code: 'WALLET_BACKUP_FAILED',
    generated: false,
  },
  {
    name: 'the wallet is busy with another backup',
    arm: (w) => (w.wallet.faults.backup = { error: { code: 'WALLET_MODIFICATION_ALREADY_IN_PROGRESS' } }),
    error: 'WalletBusy',
    code: 'WALLET_BUSY',
    generated: false,
  },
  {
    name: 'Drive answers 401 (token expired)',
    arm: (w) => w.google.faults.set('drive.create', { status: 401 }),
    error: 'GoogleTokenExpired',
    code: 'GOOGLE_TOKEN_EXPIRED',
    generated: true,
  },
  {
    name: 'Drive answers 403 storageQuotaExceeded',
    arm: (w) => w.google.faults.set('drive.create', { status: 403, reason: 'storageQuotaExceeded' }),
    error: 'DriveQuotaExceeded',
    code: 'DRIVE_QUOTA_EXCEEDED',
    generated: true,
  },
  {
    name: 'Drive answers 429 on every try',
    arm: (w) => w.google.faults.set('drive.create', { status: 429 }),
    error: 'DriveRateLimited',
    code: 'DRIVE_RATE_LIMITED',
    generated: true,
  },
  {
    name: 'Drive answers 500 on every try',
    arm: (w) => w.google.faults.set('drive.create', { status: 500 }),
    error: 'DriveUnavailable',
    code: 'DRIVE_UNAVAILABLE',
    generated: true,
  },
  {
    name: 'Drive is unreachable',
    arm: (w) => w.google.faults.set('drive.list', { networkError: true }),
    error: 'DriveUnavailable',
    code: 'DRIVE_UNAVAILABLE',
    generated: true,
  },
  {
    name: 'the server answers 400',
    arm: (w) => w.share.faults.set('share.post', { status: 400 }),
    error: 'ShareUploadFailed',
    code: 'SHARE_UPLOAD_FAILED',
    generated: true,
  },
  {
    name: 'the server answers 403',
    arm: (w) => w.share.faults.set('share.post', { status: 403 }),
    error: 'ShareUnauthorized',
    code: 'SHARE_UNAUTHORIZED',
    generated: true,
  },
  {
    name: 'the server answers 500 on every try',
    arm: (w) => w.share.faults.set('share.post', { status: 500 }),
    error: 'ShareUploadFailed',
    code: 'SHARE_UPLOAD_FAILED',
    generated: true,
  },
  {
    name: 'the server is unreachable',
    arm: (w) => w.share.faults.set('share.post', { networkError: true }, { times: 3 }),
    error: 'ShareUploadFailed',
    code: 'SHARE_UPLOAD_FAILED',
    generated: true,
  },
  {
    name: 'telling the provider throws',
    arm: (w) => (w.wallet.faults.notify = { error: { code: 'UNEXPECTED_ERROR' }, times: 1 }),
    error: 'NotifyFailed',
    code: 'NOTIFY_FAILED',
    generated: true,
  },
]

describe('backupWallet: each step failure', () => {
  test.each(cells)(
    '$name -> $error ($code), the provider hears false once iff a share existed, the old backup recovers, a retry succeeds',
    async (cell) => {
      const w = createWorld()
      const { good, error } = await failAfterGoodBackup(w, cell.arm)
      expect(error).toMatchObject({ name: cell.error, code: cell.code })
      expect(falses(w)).toBe(cell.generated ? 1 : 0)
      expect(trues(w)).toBe(1) // the good backup only (a notify fault is a failed attempt, not a stored share)

      // The previous good backup still recovers on a new device.
      w.wallet.faults = {}
      w.google.faults.clear()
      w.share.faults.clear()
      if (cell.code === 'GOOGLE_TOKEN_EXPIRED') {
        expect(w.tokenRejected.count).toBe(1)
        w.newToken()
      }
      const device = w.newDevice()
      const recovered = await device.recover()
      expect(recovered.address).toBe(good.address)

      // And once the fault clears a backup succeeds.
      await expect(device.backup()).resolves.toMatchObject({ backupMethod: 'PASSWORD' })
    },
  )

  test('a wallet that returns an empty cipherText is WalletBackupFailed and the provider hears false', async () => {
    const w = createWorld()
    w.wallet.faults.backup = { returnValue: { cipherText: '', storageCallback: async () => {} } }
    await expect(w.backup()).rejects.toMatchObject({
      name: 'WalletBackupFailed',
      facts: { providerCode: 'EMPTY_CIPHERTEXT' },
    })
    expect(falses(w)).toBe(1)
    expect(w.share.rows()).toHaveLength(0)
  })

  test('a wallet that returns a non-string cipherText is WalletBackupFailed and the provider hears false', async () => {
    const w = createWorld()
    w.wallet.faults.backup = { returnValue: { cipherText: 42, storageCallback: async () => {} } }
    await expect(w.backup()).rejects.toMatchObject({ name: 'WalletBackupFailed', code: 'WALLET_BACKUP_FAILED' })
    expect(falses(w)).toBe(1)
  })
})

describe('backupWallet: what it stores', () => {
  test('two successive backups leave exactly one current key file in Drive, the one the server record names', async () => {
    const w = createWorld()
    await w.backup()
    const second = await w.backup()
    // The old key is pruned after the provider heard `true`, off the critical path.
    await expect.poll(() => w.google.files().map((f) => f.name)).toEqual([keyFileName(w.clientId, second.keyVersion)])
    expect(w.share.rows()).toMatchObject([
      { clientId: w.clientId, backupMethod: 'PASSWORD', keyVersion: second.keyVersion },
    ])
  })

  test('pruning after a backup deletes older key files only: a newer one may belong to a backup running elsewhere', async () => {
    const w = createWorld()
    await w.backup()
    // Named as earlier builds named key files: pruned as well (the older one), or kept (the newer one).
    const older = w.google.putFile({ name: `react-mpc-backup.${w.clientId}.v0000000000000000.key`, content: 'old' })
    const newer = w.google.putFile({ name: `react-mpc-backup.${w.clientId}.vzzzzzzzzzzzzzzzz.key`, content: 'new' })
    const done = await w.backup()
    const current = keyFileName(w.clientId, done.keyVersion)
    await expect
      .poll(() =>
        w.google
          .files()
          .map((f) => f.name)
          .sort(),
      )
      .toEqual([current, newer.name].sort())
    expect(w.google.files().map((f) => f.id)).not.toContain(older.id)
  })

  test('the result holds no secret: method, time and key version only', async () => {
    const w = createWorld()
    const result = await w.backup()
    expect(Object.keys(result).sort()).toEqual(['backupMethod', 'keyVersion', 'storedAt'])
  })

  test('a transient Drive 503 and a server 502 are retried and the backup succeeds', async () => {
    const w = createWorld()
    w.google.faults.set('drive.create', { status: 503 }, { times: 1 })
    w.share.faults.set('share.post', { status: 502 }, { times: 1 })
    await expect(w.backup()).resolves.toMatchObject({ backupMethod: 'PASSWORD' })
    expect(trues(w)).toBe(1)
    expect(falses(w)).toBe(0)
  })

  test('a 4xx from the server is not retried', async () => {
    const w = createWorld()
    w.share.faults.set('share.post', { status: 400 })
    await expect(w.backup()).rejects.toMatchObject({ code: 'SHARE_UPLOAD_FAILED', facts: { status: 400 } })
    expect(w.share.requests.filter((r) => r.method === 'POST')).toHaveLength(1)
  })

  test('provider custody skips Drive and still uploads and notifies', async () => {
    const w = createWorld({ keyCustody: 'provider' })
    await expect(w.backup()).resolves.toMatchObject({ backupMethod: 'GDRIVE' })
    expect(w.google.files()).toHaveLength(0)
    expect(w.share.rows()).toMatchObject([{ backupMethod: 'GDRIVE' }])
    expect(trues(w)).toBe(1)
  })

  test('a second backup of the same client while one runs is WalletBusy and does not disturb the first', async () => {
    const w = createWorld()
    const first = w.backup()
    await expect(w.backup()).rejects.toMatchObject({ code: 'WALLET_BUSY' })
    await expect(first).resolves.toMatchObject({ backupMethod: 'PASSWORD' })
    expect(falses(w)).toBe(0)
  })

  test('an upload that lands after the client gave up (and after the rollback) cannot replace the restored backup', async () => {
    const w = createWorld({ timeoutMs: 200, tries: 1 })
    await w.backup()
    const good = w.share.rows()[0]!
    // The first upload is held: the client times out and rolls back, and only then does the test let it land.
    const upload = gate()
    w.share.faults.set('share.post', { until: upload.until }, { times: 1 })
    await expect(w.backup()).rejects.toMatchObject({ code: 'SHARE_UPLOAD_FAILED' })
    expect(w.share.inFlight()).toBe(1)
    upload.release()
    await expect.poll(() => w.share.inFlight()).toBe(0)
    expect(w.share.rows()[0]).toMatchObject({ cipherText: good.cipherText, keyVersion: good.keyVersion })
    await expect(w.newDevice().recover()).resolves.toMatchObject({ address: w.wallet.address })
  })

  test("another device's backup landing first: 412, not retried, nothing of ours stays, and its backup is not clobbered", async () => {
    const w = createWorld()
    await w.backup()
    const good = w.share.rows()[0]!
    const posts = () => w.share.requests.filter((r) => r.method === 'POST').length
    // The first backup's upload and the write that names its provider backup.
    const before = posts()
    // Our upload is held; while it travels another device stores its own backup (a new record and key version).
    const upload = gate()
    w.share.faults.set('share.post', { until: upload.until }, { times: 1 })
    const ours = w.backup()
    await expect.poll(() => w.share.inFlight()).toBe(1)
    const { storedAt: _readAt, ...row } = good
    const theirs = { ...row, cipherText: 'another-devices-backup', keyVersion: 'zz-other-device' }
    w.share.putRow(theirs)
    upload.release()
    await expect(ours).rejects.toMatchObject({ code: 'SHARE_UPLOAD_FAILED', facts: { status: 412 } })
    expect(posts() - before).toBe(1)
    expect(w.share.rows()).toMatchObject([{ cipherText: 'another-devices-backup', keyVersion: 'zz-other-device' }])
    // Our new key file is gone again; the one of the backup we read stays for now.
    await expect
      .poll(() => w.google.files().map((f) => f.name))
      .toEqual([keyFileName(w.clientId, good.keyVersion as string)])
    expect(falses(w)).toBe(1)
  })

  test('every upload slower than the timeout: each lands late, and the rollback still leaves the previous backup standing', async () => {
    const w = createWorld({ timeoutMs: 150, tries: 2 })
    await w.backup()
    const good = w.share.rows()[0]!
    // Every POST (the upload's tries and the rollback's restores) reaches the server only after the client gave up.
    w.share.faults.set('share.post', { delayMs: 400 })
    await expect(w.backup()).rejects.toMatchObject({ code: 'SHARE_UPLOAD_FAILED' })
    w.share.faults.clear()
    await expect.poll(() => w.share.inFlight(), { timeout: 5_000 }).toBe(0)
    expect(w.share.rows()[0]).toMatchObject({ cipherText: good.cipherText, keyVersion: good.keyVersion })
    await expect(w.newDevice().recover()).resolves.toMatchObject({ address: w.wallet.address })
  })

  test('pruning keeps the key of the record the server holds, even when that record is older than ours', async () => {
    const w = createWorld()
    const oldest = keyFileName(w.clientId, '0000000')
    // Drive requests as the network sees them: pruning runs off the critical path, and these say when it is over.
    const drive = { started: 0, answered: 0, listings: 0 }
    const isDrive = (request: Request) => request.url.startsWith('https://www.googleapis.com/')
    const isListing = (request: Request) =>
      request.method === 'GET' && new URL(request.url).pathname === '/drive/v3/files'
    const started = ({ request }: { request: Request }) => void (isDrive(request) && drive.started++)
    const answered = ({ request }: { request: Request }) => {
      if (isDrive(request)) drive.answered++
      if (isListing(request)) drive.listings++
    }
    server.events.on('request:start', started)
    server.events.on('response:mocked', answered)
    try {
      await w.backup()
      const good = w.share.rows()[0]!
      // The good backup lists twice: its key write (find, then create) and its pruning. Once the second listing is
      // answered, that pruning cannot touch a file added now.
      await expect.poll(() => drive.listings).toBe(2)
      // A key file older than both: only our backup's pruning deletes it, which tells the test that pruning has run.
      w.google.putFile({ name: oldest, content: 'old', clientId: w.google.clientId })
      // Our upload is held; once it lands, the flow's re-read of the server is held too, and meanwhile an older
      // device's write puts the previous record back: the re-read sees that write.
      const upload = gate()
      w.share.faults.set('share.post', { until: upload.until }, { times: 1 })
      const ours = w.backup()
      await expect.poll(() => w.share.inFlight()).toBe(1)
      const reread = gate()
      w.share.faults.set('share.get', { until: reread.until }, { times: 1 })
      upload.release()
      await expect.poll(() => w.share.faults.active()).toEqual([])
      expect(w.share.rows()[0]?.keyVersion).not.toBe(good.keyVersion)
      const { storedAt: _readAt, ...row } = good
      w.share.putRow(row)
      reread.release()
      const result = await ours
      // Pruning issues its deletes together: once the old file is gone and every Drive request has been answered,
      // it is done.
      await expect
        .poll(() => !w.google.files().some((f) => f.name === oldest) && drive.started === drive.answered)
        .toBe(true)
      expect(
        w.google
          .files()
          .map((f) => f.name)
          .sort(),
      ).toEqual([keyFileName(w.clientId, good.keyVersion as string), keyFileName(w.clientId, result.keyVersion)].sort())
    } finally {
      server.events.removeListener('request:start', started)
      server.events.removeListener('response:mocked', answered)
    }
  })

  test('an aborted backup ends with Aborted and the provider hears false once the share exists', async () => {
    const w = createWorld()
    const controller = new AbortController()
    // The key write and the wallet's generate are both held, so the abort lands while the wallet is generating.
    const keyWrite = gate()
    const generate = gate()
    w.google.faults.set('drive.create', { until: keyWrite.until }, { times: 1 })
    w.wallet.faults.backup = { until: generate.until, times: 1 }
    const run = w.backup(controller.signal)
    await expect.poll(() => w.google.faults.active().length === 0 && w.wallet.faults.backup === undefined).toBe(true)
    controller.abort()
    // It settles at once (nothing released yet); the share the wallet makes afterwards hears false.
    await expect(run).rejects.toMatchObject({ name: 'Aborted', code: 'ABORTED' })
    expect(falses(w)).toBe(0)
    generate.release()
    keyWrite.release()
    await expect.poll(() => falses(w)).toBe(1)
  })
})
