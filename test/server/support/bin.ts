import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../../../', import.meta.url))

export interface BinProcess {
  child: ChildProcess
  /** e.g. http://127.0.0.1:41234/api */
  api: string
  output(): string
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

/** The real bin (`node --import tsx src/server/cli/bin.ts`) with a clean environment plus `env`. */
export function startBin(env: Record<string, string>): {
  process: ChildProcess
  ready: Promise<BinProcess>
  exited: BinProcess['exited']
  output(): string
} {
  const base = { ...process.env }
  // The child must not pick up the test run's PostgreSQL or mode unless asked to.
  for (const name of [
    'DATABASE_URL',
    'TEST_DATABASE_URL',
    'NODE_ENV',
    'AUTH_JWT_SECRET',
    'WEBHOOK_SECRET',
    'BACKUP_ENCRYPTION_KEY',
    'PORT',
    'HOST',
    'DATA_DIR',
    'DATABASE_SCHEMA',
    'DEV_INSPECTOR',
    'TRUST_PROXY',
    'WEBHOOK_ALLOWLIST',
    'BACKUP_ENCRYPTION_PREVIOUS_KEYS',
  ]) {
    delete base[name]
  }
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/cli/bin.ts'], {
    cwd: root,
    env: { ...base, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()))
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  )
  const ready = new Promise<BinProcess>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`bin did not start in time:\n${out}`)), 20_000)
    const check = () => {
      const match = out.match(/listening on (http:\/\/\S+\/api)/)
      if (match?.[1]) {
        clearTimeout(timer)
        resolve({ child, api: match[1], output: () => out, exited })
      }
    }
    child.stdout?.on('data', check)
    void exited.then(({ code, signal }) => {
      clearTimeout(timer)
      reject(new Error(`bin exited (${code ?? signal}) before listening:\n${out}`))
    })
  })
  ready.catch(() => {})
  return { process: child, ready, exited, output: () => out }
}
