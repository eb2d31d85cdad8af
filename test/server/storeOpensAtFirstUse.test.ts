// Issue #26: a route module that makes its handler and store at load (a Next.js route file, which `next build`
// evaluates) must touch no file or database until the first request or `ready()`.
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createWebHandler, devHeaderAuthenticate, sqliteStore } from '../../src/server/index.js'
import { KEY_A, WEBHOOK_SECRET } from './support/http.js'

const dir = mkdtempSync(join(tmpdir(), 'rmb-first-use-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('a store made at module load', () => {
  it('creates no file (nor its folder) until the handler is first used, then opens and serves', async () => {
    const filename = join(dir, 'data', 'backups.db')
    const store = sqliteStore({ filename })
    const handler = createWebHandler({
      basePath: '/api',
      store,
      authenticate: devHeaderAuthenticate(),
      webhookSecret: WEBHOOK_SECRET,
      encryptionKey: KEY_A,
    })
    expect(existsSync(join(dir, 'data'))).toBe(false)
    const res = await handler(
      new Request('http://app.test/api/clients/first-use/backup', { headers: { 'x-client-id': 'first-use' } }),
    )
    expect(res.status).toBe(404)
    expect(await res.json()).toEqual({ error: { code: 'backup_not_found' } })
    expect(existsSync(filename)).toBe(true)
    await store.close()
  })

  it('closing a store that never opened opens nothing', async () => {
    const filename = join(dir, 'never', 'backups.db')
    await sqliteStore({ filename }).close()
    expect(existsSync(join(dir, 'never'))).toBe(false)
  })
})
