// The conformance checker (react-mpc-backup/testing: checkShareServer, and `react-mpc-backup check-server`): the bundled
// server and every host adapter (express, the web-standard handler, node:http) pass it on SQLite and PostgreSQL; an independent backend passes it; each defect fails its own row; nothing
// it prints carries a share, cipherText, credential or secret.
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { BackupRouterOptions, BackupStore } from '../../src/server/index.js'
import { jwtAuthenticate, postgresStore, sqliteStore, startServer } from '../../src/server/index.js'
import { checkServerCommand, checkShareServer } from '../../src/testing/index.js'
import type { ShareServerCheckName } from '../../src/testing/index.js'
import { HOSTS } from './support/hosts.js'
import { signJwt } from './support/http.js'
import type { ShareServerDefect } from './support/sloppyShareServer.js'
import { startSloppyShareServer } from './support/sloppyShareServer.js'
import { postgresSkipReason, postgresUrl } from './support/stores.js'

const WEBHOOK_SECRET = `hook-${randomBytes(12).toString('hex')}`
const JWT_SECRET = randomBytes(32).toString('hex')

/** A fetch that notes every value the checker sent that must never be printed: bodies' shares and header values. */
function recordingFetch() {
  const sent = new Set<string>()
  const fetchImpl: typeof fetch = async (input, init) => {
    for (const value of Object.values((init?.headers ?? {}) as Record<string, string>))
      if (value.length >= 8) sent.add(value.replace(/^Bearer /, ''))
    if (typeof init?.body === 'string' && init.body.length < 10_000) {
      try {
        const body = JSON.parse(init.body) as Record<string, unknown>
        for (const field of ['cipherText', 'share', 'backupShare'])
          if (typeof body[field] === 'string' && (body[field] as string).length >= 8) sent.add(body[field] as string)
      } catch {}
    }
    return fetch(input, init)
  }
  return { fetchImpl, sent }
}

async function runCommand(base: string, clients: string[], extra: string[] = []) {
  const { fetchImpl, sent } = recordingFetch()
  const output: string[] = []
  const [a, b] = clients as [string, string]
  const env = {
    RMB_CHECK_CLIENT_A: a,
    RMB_CHECK_CLIENT_B: b,
    RMB_CHECK_CLIENT_A_TOKEN: signJwt({ sub: a, exp: Math.floor(Date.now() / 1000) + 600 }, JWT_SECRET),
    RMB_CHECK_CLIENT_B_TOKEN: signJwt({ sub: b, exp: Math.floor(Date.now() / 1000) + 600 }, JWT_SECRET),
    RMB_CHECK_WEBHOOK_SECRET: WEBHOOK_SECRET,
  }
  const code = await checkServerCommand(['check-server', base, ...extra], env, (l) => output.push(l), fetchImpl)
  const text = output.join('\n')
  sent.add(WEBHOOK_SECRET)
  sent.add(env.RMB_CHECK_CLIENT_A_TOKEN)
  sent.add(env.RMB_CHECK_CLIENT_B_TOKEN)
  const leaked = [...sent].filter((value) => text.includes(value))
  return { code, text, leaked, sentCount: sent.size }
}

function failedRows(text: string): string[] {
  return [...text.matchAll(/^FAIL {2}(\S+)/gm)].map((m) => m[1]!)
}

/** Where the kit is served from: `/api` of a loopback URL, and how to stop it. */
type Serve = (options: BackupRouterOptions) => Promise<{ base: string; close(): Promise<void> }>

const SERVERS: Array<{ name: string; serve: Serve }> = [
  {
    name: 'the bundled server',
    async serve(options) {
      const running = await startServer({ ...options, port: 0 })
      return { base: `${running.url}/api`, close: () => running.close() }
    },
  },
  ...HOSTS.map((host) => ({
    name: `the ${host.name} adapter`,
    async serve(options: BackupRouterOptions) {
      const hosted = await host.serve(options)
      return {
        base: hosted.base,
        close: async () => {
          await hosted.close()
          await options.store.close()
        },
      }
    },
  })),
]

describe.each(SERVERS)('$name', ({ serve }) => {
  describe.each([
    { name: 'sqlite', skip: false },
    { name: 'postgres', skip: !postgresUrl },
  ])('on $name', ({ name, skip }) => {
    const cleanup: Array<() => Promise<void>> = []
    afterAll(async () => {
      for (const step of cleanup.reverse()) await step()
    })

    it.skipIf(skip)(
      `passes every row of the checker, and the printed table carries no secret${skip ? ` (${postgresSkipReason})` : ''}`,
      async () => {
        let store: BackupStore
        if (name === 'sqlite') {
          const dir = mkdtempSync(join(tmpdir(), 'rmb-check-'))
          store = sqliteStore({ filename: join(dir, 'backups.db') })
          cleanup.push(async () => rmSync(dir, { recursive: true, force: true }))
        } else {
          store = postgresStore({ connectionString: postgresUrl, schema: `check_${randomBytes(4).toString('hex')}` })
        }
        // Production-like: JWT sign-in and the default rate limits.
        const served = await serve({
          store,
          authenticate: jwtAuthenticate({ secret: JWT_SECRET }),
          webhookSecret: WEBHOOK_SECRET,
          encryptionKey: randomBytes(32),
        })
        cleanup.push(() => served.close())
        const result = await runCommand(served.base, ['alice-check', 'bob-check'])
        expect(failedRows(result.text), result.text).toEqual([])
        expect(result.text).toMatch(/^13 passed, 0 failed$/m)
        expect(result.code).toBe(0)
        expect(result.sentCount).toBeGreaterThan(10)
        expect(result.leaked).toEqual([])
      },
    )
  })
})

describe('the checker against an independent backend', () => {
  const tokens = { alice: `tok-a-${randomBytes(8).toString('hex')}`, bob: `tok-b-${randomBytes(8).toString('hex')}` }
  const check = async (defects: ShareServerDefect[]) => {
    const server = await startSloppyShareServer({ tokens, webhookSecret: WEBHOOK_SECRET, defects })
    try {
      const { fetchImpl } = recordingFetch()
      return await checkShareServer({
        baseUrl: server.base,
        clients: [
          { clientId: 'alice', headers: { Authorization: `Bearer ${tokens.alice}` } },
          { clientId: 'bob', headers: { Authorization: `Bearer ${tokens.bob}` } },
        ],
        webhookSecret: WEBHOOK_SECRET,
        oversizeBytes: 200_000,
        webhookDeadlineMs: 200,
        fetch: fetchImpl,
      })
    } finally {
      await server.close()
    }
  }

  it('passes every row when the backend keeps the contract', async () => {
    const report = await check([])
    expect(report.rows.filter((r) => !r.ok)).toEqual([])
    expect(report.ok).toBe(true)
  })

  it.each<[ShareServerDefect, ShareServerCheckName[]]>([
    ['no-owner-check', ['owner-only']],
    // No DELETE route at all: its 401 and 403 are missing too.
    ['no-erase', ['unauthenticated', 'owner-only', 'erase']],
    ['erase-not-idempotent', ['erase']],
    ['echo-share', ['no-echo']],
    ['crash-on-bad-json', ['malformed']],
    ['no-idempotency', ['idempotent-replay']],
    ['ignore-if-match', ['if-match']],
    ['no-size-limit', ['oversize']],
    ['no-webhook-secret', ['webhook-secret']],
    ['fetch-latest-only', ['webhook-round-trip']],
    ['unknown-route-as-no-backup', ['not-found']],
    ['slow-webhook', ['webhook-deadline']],
    ['anonymous-allowed', ['unauthenticated']],
  ])('a backend with the defect %s fails exactly %j, with a reason', async (defect, rows) => {
    const report = await check([defect])
    const failed = report.rows.filter((r) => !r.ok)
    expect(failed.map((r) => r.name)).toEqual(rows)
    for (const row of failed) expect(row.reason).toMatch(/\S/)
    expect(report.ok).toBe(false)
  })

  it('prints no share, cipherText, token or secret even when the backend echoes them, and exits 1', async () => {
    const server = await startSloppyShareServer({
      tokens: { 'alice-check': 'x', 'bob-check': 'y' },
      webhookSecret: WEBHOOK_SECRET,
      defects: ['echo-share', 'crash-on-bad-json', 'anonymous-allowed'],
    })
    try {
      const result = await runCommand(server.base, ['alice-check', 'bob-check'], ['--oversize-bytes', '200000'])
      expect(failedRows(result.text)).toContain('no-echo')
      expect(result.code).toBe(1)
      expect(result.sentCount).toBeGreaterThan(10)
      expect(result.leaked).toEqual([])
    } finally {
      await server.close()
    }
  })

  it('throws ShareServerCheckError for options it cannot run, before sending anything, quoting none of them', async () => {
    const secret = randomBytes(12).toString('hex')
    const { fetchImpl, sent } = recordingFetch()
    const options = {
      clients: [
        { clientId: 'alice', headers: { Authorization: `Bearer ${secret}` } },
        { clientId: 'bob', headers: { Authorization: `Bearer ${secret}` } },
      ] as const,
      webhookSecret: WEBHOOK_SECRET,
      fetch: fetchImpl,
    }
    for (const baseUrl of [`http://[${secret}/api`, `ftp://u:${secret}@127.0.0.1/api`]) {
      const error = await checkShareServer({ ...options, baseUrl }).catch((e: unknown) => e)
      expect(error).toMatchObject({ name: 'ShareServerCheckError', code: 'invalid_base_url' })
      expect(String((error as Error).message)).not.toContain(secret)
    }
    for (const cap of ['maxBodyBytes', 'maxRetryAfterMs', 'maxRunMs', 'requestTimeoutMs'])
      for (const value of [0, -1, Number.NaN])
        await expect(
          checkShareServer({ ...options, baseUrl: 'http://127.0.0.1:1/api', [cap]: value }),
        ).rejects.toMatchObject({ name: 'ShareServerCheckError', code: 'invalid_option' })
    expect(sent.size).toBe(0)

    const output: string[] = []
    const code = await checkServerCommand(
      ['check-server', `http://[${secret}/api`, '--dev-header', '--client-a', 'a', '--client-b', 'b'],
      { RMB_CHECK_WEBHOOK_SECRET: WEBHOOK_SECRET },
      (l) => output.push(l),
    )
    expect(code).toBe(2)
    expect(output.join('\n')).toContain('baseUrl is not an absolute URL')
    expect(output.join('\n')).not.toContain(secret)
  })

  it('refuses to run without the credentials it needs (exit 2, usage printed)', async () => {
    const output: string[] = []
    const code = await checkServerCommand(['check-server', 'http://127.0.0.1:1/api'], {}, (l) => output.push(l))
    expect(code).toBe(2)
    expect(output.join('\n')).toContain('--client-a (or RMB_CHECK_CLIENT_A) is required')
  })
})
