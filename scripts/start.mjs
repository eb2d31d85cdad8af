// `npm start`: the offline demo. One process serves
//   - the demo page (Vite dev server, demo/), with `Cross-Origin-Opener-Policy: same-origin-allow-popups`
//     (Google's popup must be able to reach its opener), proxying /api to
//   - the real share server (src/server: loadServerConfig + startServer, SQLite in DATA_DIR, dev header auth).
// Google and the wallet provider are emulated inside the page (see demo/README.md).
// Env: PORT (page, default 5173), API_PORT (server, default a free port), DATA_DIR (default .data/demo).
import { mkdirSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { register } from 'tsx/esm/api'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const env = process.env

function portFrom(name, fallback) {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  const port = Number(raw)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`react-mpc-backup demo: ${name} must be 0-65535, got "${raw}"`)
    process.exit(1)
  }
  return port
}

const pagePort = portFrom('PORT', 5173)
const apiPort = portFrom('API_PORT', 0)
const dataDir = resolve(root, env.DATA_DIR || '.data/demo')
mkdirSync(dataDir, { recursive: true })

// The server is TypeScript source: load it through tsx, as `npm run server` does.
register()
const { loadServerConfig, startServer } = await import('../src/server/index.ts')
const { config, storeDescription, warnings } = loadServerConfig(
  // The demo page shows the server's rows: the dev inspector is on here unless DEV_INSPECTOR=0 (loopback only).
  { ...env, DEV_INSPECTOR: env.DEV_INSPECTOR ?? '1', PORT: String(apiPort), HOST: '127.0.0.1', DATA_DIR: dataDir },
  root,
)
for (const warning of warnings) console.warn(`note: ${warning}`)
const api = await startServer(config)

const { createServer } = await import('vite')
const { default: react } = await import('@vitejs/plugin-react')
// Vite installs its own SIGTERM (and stdin 'end') handler that exits as soon as Vite is closed, before the share
// server has drained. This script owns shutdown: the listeners Vite adds are taken off again below.
const sigtermBefore = process.listeners('SIGTERM')
let vite
try {
  vite = await createServer({
    configFile: false,
    root: resolve(root, 'demo'),
    envDir: root,
    publicDir: resolve(root, 'public'), // mockServiceWorker.js
    cacheDir: resolve(root, 'node_modules/.vite-demo'),
    plugins: [react()],
    clearScreen: false,
    logLevel: 'warn',
    optimizeDeps: {
      // Known up front, so the first page load is not interrupted by a re-optimisation reload.
      include: [
        'react',
        'react-dom/client',
        'react/jsx-dev-runtime',
        '@tanstack/react-query',
        '@react-oauth/google',
        'axios',
        'msw',
        'msw/browser',
      ],
    },
    server: {
      host: '127.0.0.1',
      port: pagePort,
      // An explicit PORT is a promise to whoever asked for it; the default may move to the next free port.
      strictPort: env.PORT !== undefined && env.PORT !== '',
      headers: { 'Cross-Origin-Opener-Policy': 'same-origin-allow-popups' },
      fs: { allow: [root] },
      proxy: { '/api': { target: api.url, changeOrigin: false } },
    },
  })
  await vite.listen()
  for (const listener of process.listeners('SIGTERM'))
    if (!sigtermBefore.includes(listener)) process.off('SIGTERM', listener)
  process.stdin.removeAllListeners('end')
} catch (error) {
  await api.close()
  console.error(`react-mpc-backup demo: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
}

const url = vite.resolvedUrls?.local[0] ?? `http://127.0.0.1:${pagePort}/`
console.log(`react-mpc-backup demo: ${url}`)
console.log(`  share server ${api.url}/api (${storeDescription}); Ctrl+C stops both`)

let stopping = false
async function stop(signal) {
  if (stopping) process.exit(1) // a second signal: do not wait
  stopping = true
  console.log(`${signal}: shutting down`)
  try {
    await vite.close()
    await api.close(2_000)
    process.exit(0)
  } catch (error) {
    console.error(`shutdown failed: ${error instanceof Error ? error.message : String(error)}`)
    process.exit(1)
  }
}
process.on('SIGINT', () => void stop('SIGINT'))
process.on('SIGTERM', () => void stop('SIGTERM'))
