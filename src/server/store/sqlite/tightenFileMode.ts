import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs'

/**
 * Makes `path` owner-only: a missing file is created 0600 (a folder 0700); an existing one that group or others can
 * reach is tightened, and `warn` hears about it (what it was, what it is now). No-op where modes mean nothing (Windows).
 */
export function tightenFileMode(path: string, kind: 'file' | 'folder', warn: (message: string) => void): void {
  if (process.platform === 'win32') return
  const wanted = kind === 'folder' ? 0o700 : 0o600
  if (!existsSync(path)) {
    if (kind === 'folder') mkdirSync(path, { recursive: true, mode: wanted })
    else closeSync(openSync(path, 'a', wanted))
    // The process umask may have taken bits away, never added them; set exactly.
    chmodSync(path, wanted)
    return
  }
  const mode = statSync(path).mode & 0o777
  if ((mode & 0o077) === 0) return
  chmodSync(path, wanted)
  warn(
    `${path} was mode ${mode.toString(8).padStart(4, '0')} (readable by others): tightened to ${wanted.toString(8).padStart(4, '0')}`,
  )
}
