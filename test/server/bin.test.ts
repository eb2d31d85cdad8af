import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { startBin } from './support/bin.js'
import { signJwt } from './support/http.js'

const dirs: string[] = []
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'rmb-bin-'))
  dirs.push(d)
  return d
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

// Production takes secrets of 32 bytes or more.
const LONG = 'x'.repeat(32)
const secrets = {
  WEBHOOK_SECRET: 'bin-test-secret-0123456789abcdefgh',
  BACKUP_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
}

describe('server bin', () => {
  it('still serves a custodian share and a client backup after being SIGKILLed right after answering', async () => {
    const dataDir = tempDir()
    const env = { ...secrets, DATA_DIR: dataDir, PORT: '0' }
    const first = await startBin(env).ready
    const share = JSON.stringify({ custodian: randomBytes(8).toString('hex') })
    const stored = await fetch(`${first.api}/webhook/backup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-webhook-secret': secrets.WEBHOOK_SECRET },
      body: JSON.stringify({ clientId: 'durable', share, backupMethod: 'GDRIVE-SECP256K1' }),
    })
    expect(stored.status).toBe(200)
    first.child.kill('SIGKILL')
    expect(await first.exited).toMatchObject({ signal: 'SIGKILL' })

    const posted = await startBin(env).ready
    const client = await fetch(`${posted.api}/clients/durable/backup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-client-id': 'durable' },
      body: JSON.stringify({ backupMethod: 'GDRIVE', cipherText: 'durable-ct', keyVersion: 7 }),
    })
    expect(client.status).toBe(200)
    posted.child.kill('SIGKILL')
    await posted.exited

    const second = await startBin(env).ready
    try {
      const fetched = await fetch(`${second.api}/webhook/backup/fetch`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-webhook-secret': secrets.WEBHOOK_SECRET },
        body: JSON.stringify({ clientId: 'durable' }),
      })
      expect(await fetched.json()).toEqual({ backupShares: [share], backupShare: share })
      const read = await fetch(`${second.api}/clients/durable/backup`, { headers: { 'x-client-id': 'durable' } })
      expect(await read.json()).toMatchObject({ cipherText: 'durable-ct', keyVersion: 7 })
    } finally {
      second.child.kill('SIGKILL')
      await second.exited
    }
  })

  it('generates a 0600 dev encryption key once and reuses it on restart', async () => {
    const dataDir = tempDir()
    const env = { WEBHOOK_SECRET: 'x', DATA_DIR: dataDir, PORT: '0' }
    const first = await startBin(env).ready
    expect(first.output()).toMatch(/dev-only|Development only/i)
    await fetch(`${first.api}/clients/k/backup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-client-id': 'k' },
      body: JSON.stringify({ backupMethod: 'GDRIVE', cipherText: 'kept' }),
    })
    first.child.kill('SIGTERM')
    expect((await first.exited).code).toBe(0)
    const keyFile = join(dataDir, 'encryption.key')
    expect(statSync(keyFile).mode & 0o777).toBe(0o600)
    expect(Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'base64')).toHaveLength(32)

    const second = await startBin(env).ready
    try {
      const read = await fetch(`${second.api}/clients/k/backup`, { headers: { 'x-client-id': 'k' } })
      expect(await read.json()).toMatchObject({ cipherText: 'kept' })
    } finally {
      second.child.kill('SIGTERM')
      await second.exited
    }
  })

  it.each([
    ['BACKUP_ENCRYPTION_KEY', { WEBHOOK_SECRET: LONG, AUTH_JWT_SECRET: LONG }],
    ['WEBHOOK_SECRET', { BACKUP_ENCRYPTION_KEY: secrets.BACKUP_ENCRYPTION_KEY, AUTH_JWT_SECRET: LONG }],
    ['AUTH_JWT_SECRET', { BACKUP_ENCRYPTION_KEY: secrets.BACKUP_ENCRYPTION_KEY, WEBHOOK_SECRET: LONG }],
  ])('refuses to start in production without %s (exit 1, clear message)', async (missing, env) => {
    const run = startBin({ ...env, NODE_ENV: 'production', DATA_DIR: tempDir(), PORT: '0' })
    const { code } = await run.exited
    expect(code).toBe(1)
    expect(run.output()).toContain(`${missing} is required when NODE_ENV=production`)
  })

  it('refuses to start with a key that opens none of the stored rows, naming the key ids; starts with it as previous key', async () => {
    const dataDir = tempDir()
    const keyA = randomBytes(32).toString('base64')
    const keyB = randomBytes(32).toString('base64')
    const first = await startBin({ WEBHOOK_SECRET: LONG, BACKUP_ENCRYPTION_KEY: keyA, DATA_DIR: dataDir, PORT: '0' })
      .ready
    await expect.poll(() => first.output()).toMatch(/encryption key id fp-/)
    const idA = /encryption key id (fp-[0-9a-f]{16})/.exec(first.output())![1]!
    await fetch(`${first.api}/clients/rot/backup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-client-id': 'rot' },
      body: JSON.stringify({ backupMethod: 'PASSWORD', cipherText: 'sealed-with-a' }),
    })
    first.child.kill('SIGTERM')
    await first.exited

    const wrong = startBin({ WEBHOOK_SECRET: LONG, BACKUP_ENCRYPTION_KEY: keyB, DATA_DIR: dataDir, PORT: '0' })
    expect((await wrong.exited).code).toBe(1)
    expect(wrong.output()).toMatch(/opens none of the 1 newest stored rows/)
    expect(wrong.output()).toContain(idA)
    expect(wrong.output()).not.toContain(keyB)
    expect(wrong.output()).not.toMatch(/listening on/)

    const rotated = await startBin({
      WEBHOOK_SECRET: LONG,
      BACKUP_ENCRYPTION_KEY: keyB,
      BACKUP_ENCRYPTION_PREVIOUS_KEYS: keyA,
      DATA_DIR: dataDir,
      PORT: '0',
    }).ready
    try {
      const read = await fetch(`${rotated.api}/clients/rot/backup`, { headers: { 'x-client-id': 'rot' } })
      expect(await read.json()).toMatchObject({ cipherText: 'sealed-with-a' })
    } finally {
      rotated.child.kill('SIGTERM')
      await rotated.exited
    }
  }, 45_000)

  it.each([
    ['WEBHOOK_SECRET', { WEBHOOK_SECRET: 'x'.repeat(31), AUTH_JWT_SECRET: LONG }],
    ['AUTH_JWT_SECRET', { WEBHOOK_SECRET: LONG, AUTH_JWT_SECRET: 'j' }],
  ])('refuses to start in production with a %s shorter than 32 bytes, saying how to make one', async (name, env) => {
    const run = startBin({
      ...env,
      BACKUP_ENCRYPTION_KEY: secrets.BACKUP_ENCRYPTION_KEY,
      NODE_ENV: 'production',
      DATA_DIR: tempDir(),
      PORT: '0',
    })
    expect((await run.exited).code).toBe(1)
    expect(run.output()).toContain(`${name} must be at least 32 bytes when NODE_ENV=production`)
    expect(run.output()).toContain('openssl rand -base64 32')
  })

  it('in production verifies an HS256 bearer token whose sub is the clientId, and serves no dev inspector', async () => {
    const jwtSecret = 'jwt-secret-for-tests-0123456789abcdef'
    const bin = await startBin({
      ...secrets,
      AUTH_JWT_SECRET: jwtSecret,
      NODE_ENV: 'production',
      DATA_DIR: tempDir(),
      PORT: '0',
    }).ready
    try {
      const token = signJwt({ sub: 'jwt-user', exp: Math.floor(Date.now() / 1000) + 60 }, jwtSecret)
      const post = (auth: string, clientId = 'jwt-user') =>
        fetch(`${bin.api}/clients/${clientId}/backup`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: auth, 'x-client-id': clientId },
          body: JSON.stringify({ backupMethod: 'GDRIVE', cipherText: 'c' }),
        })
      expect((await post(`Bearer ${token}`)).status).toBe(200)
      expect((await post(`Bearer ${token}`, 'someone-else')).status).toBe(403)
      expect(
        (await post(`Bearer ${signJwt({ sub: 'jwt-user', exp: Math.floor(Date.now() / 1000) + 60 }, 'other-secret')}`))
          .status,
      ).toBe(401)
      // Without exp a token would be valid forever.
      expect((await post(`Bearer ${signJwt({ sub: 'jwt-user' }, jwtSecret)}`)).status).toBe(401)
      // The dev header alone is not trusted once JWTs are configured.
      expect((await post('')).status).toBe(401)
      expect((await fetch(`${bin.api}/dev/rows`)).status).toBe(404)
    } finally {
      bin.child.kill('SIGTERM')
      await bin.exited
    }
  })
})
