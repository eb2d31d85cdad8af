// Issue #27: three replicas of the bundled server (real child processes running `startServer` over `postgresStore`)
// on one PostgreSQL schema, requests spread round-robin. What one replica counted or wrote binds the others: a
// client's rate limit, the wrong-secret budget of an address (webhook and /metrics), an Idempotency-Key's first
// answer and an If-Match revision. The limits refill one token per 100 minutes, so nothing refills during the test
// however slow the machine: no assertion here depends on timing.
import { type ChildProcess, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { getBackup, postBackup, postWebhook, uniqueClient, WEBHOOK_SECRET } from './support/http.js'
import { postgresSkipReason, postgresUrl } from './support/stores.js'

if (!postgresUrl) console.warn(`replicas over PostgreSQL: ${postgresSkipReason}`)

const root = fileURLToPath(new URL('../../', import.meta.url))
const REPLICAS = 3
// One token per 100 minutes: a spent budget stays spent for the whole test.
const NO_REFILL = 0.01
const RATE_BURST = 6
const FAILURE_BURST = 6
const METRICS_TOKEN = `metrics-${randomBytes(12).toString('hex')}`

interface Replica {
  child: ChildProcess
  api: string
  url: string
  output(): string
}

function startReplica(schema: string): Promise<Replica> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/server/support/replicaServer.ts'], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      REPLICA_DATABASE_URL: postgresUrl,
      REPLICA_SCHEMA: schema,
      REPLICA_ENCRYPTION_KEY: KEY.toString('base64'),
      REPLICA_WEBHOOK_SECRET: WEBHOOK_SECRET,
      REPLICA_METRICS_TOKEN: METRICS_TOKEN,
      REPLICA_LIMITS: JSON.stringify({
        rate: { perMinute: NO_REFILL, burst: RATE_BURST },
        webhookFailures: { perMinute: NO_REFILL, burst: FAILURE_BURST },
      }),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()))
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()))
  return new Promise((resolve, reject) => {
    const check = () => {
      const match = out.match(/replica listening on (http:\/\/\S+)\/api/)
      if (match?.[1]) resolve({ child, api: `${match[1]}/api`, url: match[1], output: () => out })
    }
    child.stdout?.on('data', check)
    child.once('exit', (code, signal) =>
      reject(new Error(`replica exited (${code ?? signal}) before listening:\n${out}`)),
    )
  })
}

const KEY = randomBytes(32)

describe.skipIf(!postgresUrl)('three replicas over one PostgreSQL, requests round-robin', () => {
  const schema = `rmb_test_replicas_${randomBytes(6).toString('hex')}`
  const admin = new pg.Pool({ connectionString: postgresUrl, max: 1 })
  let replicas: Replica[] = []
  let turn = 0
  /** The next replica in round-robin order. */
  const next = () => replicas[turn++ % REPLICAS] as Replica

  beforeAll(async () => {
    // One at a time: the first migrates the schema, the others find it migrated (they would also agree under the
    // migrations' advisory lock, which postgresOwnSchema.test.ts covers).
    for (let i = 0; i < REPLICAS; i++) replicas.push(await startReplica(schema))
  }, 120_000)

  afterAll(async () => {
    await Promise.all(
      replicas.map(
        (r) =>
          new Promise<void>((resolve) => {
            if (r.child.exitCode !== null) return resolve()
            r.child.once('exit', () => resolve())
            r.child.kill('SIGTERM')
          }),
      ),
    )
    replicas = []
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
    await admin.end()
  })

  it(`one client's rate limit: ${RATE_BURST} requests spread over the replicas pass, the next answers 429 on every replica`, async () => {
    const clientId = uniqueClient('replicated')
    const statuses: number[] = []
    for (let i = 0; i < RATE_BURST; i++) {
      const replica = next()
      const res =
        i % 2 === 0
          ? await postBackup(replica.api, clientId, { backupMethod: 'GDRIVE', cipherText: `ct-${i}` })
          : await getBackup(replica.api, clientId, 'GDRIVE')
      statuses.push(res.status)
    }
    expect(statuses).toEqual(Array(RATE_BURST).fill(200))

    for (const replica of replicas) {
      const refused = await getBackup(replica.api, clientId, 'GDRIVE')
      expect(refused.status, `replica ${replica.url}`).toBe(429)
      expect(await refused.json()).toEqual({ error: { code: 'rate_limited' } })
      // One token per 100 minutes: the wait asked for is the time to the next token, in whole seconds.
      const retryAfter = Number(refused.headers.get('retry-after'))
      expect(retryAfter).toBeGreaterThan(5_900)
      expect(retryAfter).toBeLessThanOrEqual(6_000)
    }
    // Another client is not touched by it.
    const other = uniqueClient('untouched')
    expect((await postBackup(next().api, other, { backupMethod: 'GDRIVE', cipherText: 'x' })).status).toBe(200)
  })

  it(`wrong webhook secrets: ${FAILURE_BURST} spread over the replicas spend the address's budget on all of them`, async () => {
    const clientId = uniqueClient('custodian')
    for (let i = 0; i < FAILURE_BURST; i++) {
      const res = await postWebhook(next().api, '/webhook/backup', { clientId, share: 'guess' }, `wrong-${i}`)
      expect(res.status).toBe(401)
    }
    for (const replica of replicas) {
      // Even the right secret is not checked once the address's budget is spent.
      const refused = await postWebhook(replica.api, '/webhook/backup', { clientId, share: 's' }, WEBHOOK_SECRET)
      expect(refused.status, `replica ${replica.url}`).toBe(429)
      expect(await refused.json()).toEqual({ error: { code: 'rate_limited' } })
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(5_900)
    }
  })

  it(`wrong /metrics tokens: ${FAILURE_BURST} spread over the replicas spend the address's budget on all of them`, async () => {
    const metrics = (replica: Replica, token: string) =>
      fetch(`${replica.url}/metrics`, { headers: { authorization: `Bearer ${token}` } })
    expect((await metrics(next(), METRICS_TOKEN)).status).toBe(200)
    for (let i = 0; i < FAILURE_BURST; i++) expect((await metrics(next(), `wrong-${i}`)).status).toBe(401)
    for (const replica of replicas) {
      const refused = await metrics(replica, METRICS_TOKEN)
      expect(refused.status, `replica ${replica.url}`).toBe(429)
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(5_900)
    }
  })

  it("an Idempotency-Key's first answer, written by one replica, is replayed by the others", async () => {
    const clientId = uniqueClient('idem')
    const key = `${clientId}:1`
    const body = { backupMethod: 'GDRIVE', cipherText: `ct-${clientId}`, keyVersion: 1 }
    const [first, second, third] = replicas as [Replica, Replica, Replica]
    const stored = await postBackup(first.api, clientId, body, { 'idempotency-key': key })
    expect(stored.status).toBe(200)
    expect(stored.headers.get('idempotent-replayed')).toBeNull()
    const storedBody = await stored.json()
    for (const replica of [second, third]) {
      const replayed = await postBackup(replica.api, clientId, body, { 'idempotency-key': key })
      expect(replayed.status, `replica ${replica.url}`).toBe(200)
      expect(replayed.headers.get('idempotent-replayed')).toBe('true')
      expect(await replayed.json()).toEqual(storedBody)
    }
    // The same key for another request is refused on any replica, not stored.
    const reused = await postBackup(third.api, clientId, { ...body, cipherText: 'other' }, { 'idempotency-key': key })
    expect(reused.status).toBe(422)
    expect(await (await getBackup(second.api, clientId, 'GDRIVE')).json()).toMatchObject({
      cipherText: body.cipherText,
    })
  })

  it('concurrent If-Match writes of one revision on different replicas: exactly one 200, the others 412', async () => {
    const clientId = uniqueClient('ifmatch')
    const created = await postBackup(next().api, clientId, { backupMethod: 'GDRIVE', cipherText: 'v1' })
    expect(created.status).toBe(200)
    const etag = created.headers.get('etag')
    expect(etag).toMatch(/^"/)
    const answers = await Promise.all(
      replicas.map((replica, i) =>
        postBackup(replica.api, clientId, { backupMethod: 'GDRIVE', cipherText: `v2-${i}` }, { 'if-match': etag! }),
      ),
    )
    const statuses = answers.map((a) => a.status)
    expect(statuses.filter((s) => s === 200)).toHaveLength(1)
    expect(statuses.filter((s) => s === 412)).toHaveLength(REPLICAS - 1)
    const winner = statuses.indexOf(200)
    const read = await getBackup(next().api, clientId, 'GDRIVE')
    expect(await read.json()).toMatchObject({ cipherText: `v2-${winner}` })
    expect(read.headers.get('etag')).toBe(answers[winner]!.headers.get('etag'))
  })
})
