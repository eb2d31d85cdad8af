// `react-mpc-backup-server rotate-key | verify | stats`, run as the real bin on the database a server used.
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import { keyIdOf, sqliteStore } from '../../src/server/index.js'
import { postBackup, postWebhook, serveRouter } from './support/http.js'

const run = promisify(execFile)
const root = fileURLToPath(new URL('../../', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'rmb-ops-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

async function bin(args: string[], env: Record<string, string>) {
  const clean = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' }
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'src/server/cli/bin.ts', ...args], {
      cwd: root,
      env: { ...clean, WEBHOOK_SECRET: 'ops-webhook-secret', DATA_DIR: dir, ...env },
    })
    return { code: 0, stdout, output: stdout + stderr }
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string }
    return { code: err.code ?? 1, stdout: err.stdout ?? '', output: `${err.stdout ?? ''}${err.stderr ?? ''}` }
  }
}

describe('operator commands of react-mpc-backup-server', () => {
  const oldKey = randomBytes(32)
  const newKey = randomBytes(32)
  const values: string[] = []

  it('stats, rotate-key and verify work on the server database and print no stored value', async () => {
    const store = sqliteStore({ filename: join(dir, 'backups.db') })
    const api = await serveRouter(store, { encryptionKey: oldKey })
    for (const clientId of ['ops-a', 'ops-b']) {
      const cipherText = `ops-cipher-${randomBytes(8).toString('hex')}`
      const share = `ops-share-${randomBytes(8).toString('hex')}`
      values.push(cipherText, share)
      expect((await postBackup(api.base, clientId, { backupMethod: 'GDRIVE', cipherText })).status).toBe(200)
      const hook = await postWebhook(api.base, '/webhook/backup', { clientId, share, backupMethod: 'GDRIVE-ED25519' })
      expect(hook.status).toBe(200)
    }
    await api.close()
    await store.close()

    const oldEnv = { BACKUP_ENCRYPTION_KEY: oldKey.toString('base64') }
    const stats = await bin(['stats'], oldEnv)
    expect(stats.code, stats.output).toBe(0)
    expect(stats.output).toMatch(/client rows: 2 \(/)
    expect(stats.output).toMatch(/custodian rows: 2 \(/)
    expect(stats.output).toContain(`${keyIdOf(oldKey)} 4`)

    const newEnv = { BACKUP_ENCRYPTION_KEY: newKey.toString('base64') }
    const before = await bin(['verify'], newEnv)
    expect(before.code).toBe(1)
    expect(before.output).toContain(`unreadable under key id ${keyIdOf(oldKey)} (4 rows`)
    expect(before.output).toContain('client ops-a GDRIVE')

    const rotated = await bin(['rotate-key'], { ...newEnv, BACKUP_ENCRYPTION_PREVIOUS_KEYS: oldKey.toString('base64') })
    expect(rotated.code, rotated.output).toBe(0)
    expect(rotated.output).toContain(`rotate-key to ${keyIdOf(newKey)}: 4 re-sealed, 0 already current`)

    const after = await bin(['verify', '--json'], newEnv)
    expect(after.code, after.output).toBe(0)
    expect(JSON.parse(after.stdout)).toMatchObject({
      rows: 4,
      readable: 4,
      unreadable: [],
    })

    for (const output of [stats.output, before.output, rotated.output, after.output])
      for (const value of [...values, oldKey.toString('base64'), newKey.toString('base64')])
        expect(output).not.toContain(value)
  }, 60_000)

  it('refuses an unknown command with its usage (exit 2)', async () => {
    const result = await bin(['rotate-keys'], {})
    expect(result.code).toBe(2)
    expect(result.output).toContain('unknown command "rotate-keys"')
  })
})
