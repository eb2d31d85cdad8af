// One place for how every test and bench launches Debian's Chromium (toolchain.md): the closed network refuses
// Chromium's background connections, and Playwright refuses --user-data-dir.
export const chromiumLaunchOptions = () => ({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
})

/** Pre-bundled up front so Vite never re-optimizes mid-run (two Reacts -> "reading 'useState'"). */
export const browserTestDeps = [
  'react',
  'react-dom',
  'react-dom/client',
  'react-dom/server',
  'react/jsx-dev-runtime',
  '@testing-library/react',
  '@react-oauth/google',
  '@tanstack/react-query',
  'axios',
  'axe-core',
  'msw/browser',
  '@portal-hq/web',
]
