// Issue #14, point 6: a connection string is printed with no user info and no password-like parameter.
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { loadServerConfig } from '../../src/server/index.js'
import { startBin } from './support/bin.js'
import { postgresSkipReason, postgresUrl } from './support/stores.js'

const dirs: string[] = []
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})
const dataDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'rmb-redact-'))
  dirs.push(d)
  return d
}
const secrets = {
  WEBHOOK_SECRET: randomBytes(32).toString('base64url'),
  BACKUP_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
}

describe('connection strings in the start-up log', () => {
  it.each([
    ['user info', 'postgres://alice:S3cretPw@db.example:5432/app', ['alice', 'S3cretPw']],
    ['?password=', 'postgres://db.example/app?password=UrlParamPw&sslmode=require', ['UrlParamPw']],
    [
      'sslpassword, passfile and unknown parameters',
      'postgres://bob@db.example/app?sslpassword=KeyPw&passfile=%2Fhome%2Fbob%2F.pgpass&x_token=Tok',
      ['bob', 'KeyPw', 'pgpass', 'Tok'],
    ],
    ['mixed case', 'postgresql://db.example/app?PASSWORD=UpperPw', ['UpperPw']],
  ])('%s are not printed', async (_what, url, secretsInUrl) => {
    const { storeDescription, config } = loadServerConfig({ ...secrets, DATABASE_URL: url, DATA_DIR: dataDir() })
    await config.store.close()
    for (const secret of secretsInUrl) expect(storeDescription).not.toContain(secret)
    expect(storeDescription).toContain('db.example')
  })

  it('an unparsable connection string is not printed at all', async () => {
    const { storeDescription, config } = loadServerConfig({
      ...secrets,
      DATABASE_URL: 'host=db password=KvPw',
      DATA_DIR: dataDir(),
    })
    await config.store.close()
    expect(storeDescription).not.toContain('KvPw')
  })

  it.skipIf(!postgresUrl)(
    `the bin's start-up output carries no password given as a URL parameter${postgresUrl ? '' : ` (skipped: ${postgresSkipReason})`}`,
    async () => {
      const schema = `rmb_redact_${randomBytes(4).toString('hex')}`
      const url = new URL(postgresUrl)
      url.searchParams.set('password', 'NeverPrintMe123')
      const bin = await startBin({
        ...secrets,
        DATABASE_URL: url.toString(),
        DATABASE_SCHEMA: schema,
        DATA_DIR: dataDir(),
        PORT: '0',
      }).ready
      try {
        expect(bin.output()).toMatch(/PostgreSQL postgres:\/\//)
        expect(bin.output()).not.toContain('NeverPrintMe123')
      } finally {
        bin.child.kill('SIGTERM')
        await bin.exited
        const admin = new pg.Pool({ connectionString: postgresUrl, max: 1 })
        await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).finally(() => admin.end())
      }
    },
  )
})
