// An erased client's share is gone from the disk, not only from the tables (SQLite): after `store.erase`, neither the
// database file nor its write-ahead log holds any stretch of the client's stored bytes, of the current share or of a
// share it replaced earlier, while another client's share is still found by the same scan. The files are read as
// bytes, the way someone holding a copy of the disk would.
import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import type { BackupStore, StoredBackup } from '../../src/server/index.js'
import { sqliteStore } from '../../src/server/index.js'

const backup = (clientId: string, data: Buffer, keyVersion: number): StoredBackup => ({
  clientId,
  backupMethod: 'PASSWORD',
  keyVersion,
  keyFileId: `file_${keyVersion}`,
  keyId: 'default',
  data,
  storedAt: new Date(),
})

/** The database file and its WAL, as bytes. */
const disk = (filename: string) =>
  Buffer.concat([filename, `${filename}-wal`].filter((f) => existsSync(f)).map((f) => readFileSync(f)))

/** The 32-byte windows of `data` (every 16 bytes) that `bytes` still holds. */
const windowsFound = (bytes: Buffer, data: Buffer) => {
  const found: number[] = []
  for (let at = 0; at + 32 <= data.length; at += 16) if (bytes.includes(data.subarray(at, at + 32))) found.push(at)
  return found
}

describe('erase on SQLite leaves none of the client’s bytes on disk', () => {
  let dir: string | undefined
  let store: BackupStore | undefined
  afterEach(async () => {
    await store?.close()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  // Shares of a few kB span SQLite overflow pages, the way Portal's client backup shares do.
  it.each([
    ['a small share', 600],
    ['a share over several pages', 9000],
  ])('with %s: neither the current share nor the one it replaced stays in the file or the WAL', async (_, size) => {
    dir = mkdtempSync(join(tmpdir(), 'rmb-erase-bytes-'))
    const filename = join(dir, 'backups.db')
    store = sqliteStore({ filename })
    const first = randomBytes(size)
    const second = randomBytes(size)
    const kept = randomBytes(size)
    await store.put(backup('erased', first, 1))
    await store.put(backup('kept', kept, 1))
    await store.put(backup('erased', second, 2))
    // The scan sees what is there: before the erase, the current share is on disk.
    expect(windowsFound(disk(filename), second).length).toBeGreaterThan(0)

    expect((await store.erase('erased')).backups).toBe(1)

    const bytes = disk(filename)
    expect(windowsFound(bytes, second)).toEqual([])
    expect(windowsFound(bytes, first)).toEqual([])
    // The other client's share is untouched, and the same scan still finds it (windows that straddle an overflow
    // page's header are split on disk, so not every window is found).
    expect(windowsFound(bytes, kept).length).toBeGreaterThan(0)
    expect((await store.get('kept'))?.data.equals(kept)).toBe(true)
    // The store keeps working after it.
    await store.put(backup('erased', randomBytes(size), 3))
    expect((await store.get('erased'))?.keyVersion).toBe(3)
  })

  it('when another process holds an older snapshot, the log is cleared at the next write after it lets go', async () => {
    dir = mkdtempSync(join(tmpdir(), 'rmb-erase-bytes-'))
    const filename = join(dir, 'backups.db')
    store = sqliteStore({ filename })
    const share = randomBytes(3000)
    await store.put(backup('erased', share, 1))
    // A reader in another connection, inside a read transaction: the WAL cannot be truncated while it reads.
    const other = new Database(filename, { readonly: true })
    try {
      other.exec('BEGIN')
      other.prepare('SELECT count(*) FROM client_backups').get()
      expect((await store.erase('erased')).backups).toBe(1)
      // The rows are gone (the other connection still sees its snapshot, which is what it asked for) ...
      expect(await store.get('erased')).toBeUndefined()
      other.exec('COMMIT')
    } finally {
      other.close()
    }
    // ... and the next write, once the reader let go, clears the log.
    await store.put(backup('another', randomBytes(100), 1))
    expect(windowsFound(disk(filename), share)).toEqual([])
  })
})
