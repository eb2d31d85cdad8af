// The README's client and server snippets as a new user copies them: every TypeScript/TSX block is type-checked
// (strict, the repository's tsconfig, the package's names resolving to its sources as for the testing-kit block),
// and the server block is run with `tsx`: it starts on a free port, stores a share through the API and reads it back.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, test } from 'vitest'
import { signJwt } from '../server/support/http.js'

const root = fileURLToPath(new URL('../..', import.meta.url))
const readme = readFileSync(join(root, 'README.md'), 'utf8')
const blocks = [...readme.matchAll(/```(tsx?)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1]!, code: m[2]! }))
// Checked elsewhere, character for character: the testing-kit test file and the @portal-hq/web declaration
// (test/readme.test.ts); the one-line stylesheet import is a CSS side effect.
const checkedElsewhere = (code: string) =>
  code.includes("from 'react-mpc-backup/testing'") ||
  code.startsWith('// Types for @portal-hq/web') ||
  code.trim() === "import 'react-mpc-backup/styles.css'"
const snippets = blocks.filter((b) => !checkedElsewhere(b.code))
const server = snippets.find((b) => b.code.includes("from 'react-mpc-backup/server'"))

// A folder outside the repository, as a user's app would be, seeing the repository's node_modules.
const dir = mkdtempSync(join(tmpdir(), 'rmb-readme-'))
symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir')
writeFileSync(
  join(dir, 'tsconfig.json'),
  JSON.stringify({ extends: join(root, 'tsconfig.json'), include: ['*.ts', '*.tsx'] }),
)
const files = snippets.map((b, i) => {
  const name = b === server ? 'server.ts' : `snippet${i}.${b.lang}`
  writeFileSync(join(dir, name), b.code)
  return name
})

let child: ChildProcess | undefined
afterAll(() => {
  child?.kill()
  rmSync(dir, { recursive: true, force: true })
})

describe('README snippets', () => {
  test('the client blocks (quick start, hook, recovery, erasure, Next.js) and the server block are all there', () => {
    expect(files).toContain('server.ts')
    expect(snippets.map((b) => b.code)).toEqual(
      expect.arrayContaining([
        expect.stringContaining('const portal = new Portal('),
        expect.stringContaining('useWalletBackup('),
        expect.stringContaining('<RecoverButton'),
        expect.stringContaining('useEraseBackup('),
        expect.stringMatching(/^'use client'/),
      ]),
    )
  })

  test('every snippet type-checks as written', () => {
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
    const run = spawnSync(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json')], { encoding: 'utf8' })
    expect(run.stdout + run.stderr, files.join(', ')).toBe('')
    expect(run.status).toBe(0)
  }, 120_000)

  test('the server snippet runs: it listens, stores a share and serves it back to its owner', async () => {
    const jwtSecret = randomBytes(32).toString('base64')
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      PORT: '0',
      AUTH_JWT_SECRET: jwtSecret,
      WEBHOOK_SECRET: randomBytes(32).toString('base64'),
      BACKUP_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    }
    child = spawn(process.execPath, ['--import', 'tsx', 'server.ts'], { cwd: dir, env })
    let output = ''
    child.stderr?.on('data', (d) => (output += String(d)))
    const base = await new Promise<string>((resolve, reject) => {
      child!.stdout?.on('data', (d) => {
        output += String(d)
        const m = /backup API on (http:\/\/127\.0\.0\.1:\d+\/api)/.exec(output)
        if (m) resolve(m[1]!)
      })
      child!.once('exit', (code) => reject(new Error(`server.ts exited (${code}): ${output}`)))
    })

    const clientId = `readme-${randomBytes(4).toString('hex')}`
    const now = Math.floor(Date.now() / 1000)
    const auth = { authorization: `Bearer ${signJwt({ sub: clientId, iat: now, exp: now + 600 }, jwtSecret)}` }
    const url = `${base}/clients/${clientId}/backup`
    const backup = { backupMethod: 'PASSWORD', cipherText: 'c2hhcmU', keyVersion: 'v1', keyFileId: 'drive-file-1' }
    const post = await fetch(url, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify(backup),
    })
    expect(post.status, await post.clone().text()).toBe(200)
    const get = await fetch(url, { headers: auth })
    expect(get.status).toBe(200)
    expect(await get.json()).toMatchObject(backup)
    expect((await fetch(url)).status).toBe(401)

    const exited = new Promise((resolve) => child!.once('exit', resolve))
    child.kill('SIGTERM')
    await exited
  }, 60_000)
})
