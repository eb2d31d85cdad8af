// Runs bench/renders.bench.tsx in real Chromium (same browser setup as the root config's browser project). Not part of
// `npm test`: it prints a figure, it does not pass or fail on it. Used by scripts/bench.mjs.
import react from '@vitejs/plugin-react'
import { playwright } from '@vitest/browser-playwright'
import { defineConfig } from 'vitest/config'
import { browserTestDeps, chromiumLaunchOptions } from '../test/support/chromium.js'

export default defineConfig({
  plugins: [react()],
  optimizeDeps: { include: browserTestDeps },
  test: {
    include: ['bench/renders.bench.tsx'],
    testTimeout: 30_000,
    browser: {
      enabled: true,
      headless: true,
      provider: playwright({ launchOptions: chromiumLaunchOptions() }),
      instances: [{ browser: 'chromium' }],
    },
  },
})
