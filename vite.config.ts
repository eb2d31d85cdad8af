import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'
import type { Plugin } from 'vite'
import type { BrowserCommand } from 'vitest/node'
import react from '@vitejs/plugin-react'
import dts from 'vite-plugin-dts'
import { playwright } from '@vitest/browser-playwright'
import { browserTestDeps, chromiumLaunchOptions } from './test/support/chromium.js'
import { portalStandInCommands } from './test/support/portalStandInCommands.js'
import { storybookTest } from '@storybook/addon-vitest/vitest-plugin'

/** The locale packs of src/locales/, each its own entry. */
const locales = readdirSync(new URL('./src/locales/', import.meta.url))
  .filter((f) => /^[a-zA-Z-]+\.ts$/.test(f))
  .map((f) => f.slice(0, -3))

// Peers and Node-only packages never enter the client bundle.
const external = [/^react($|\/)/, /^react-dom($|\/)/, /^@tanstack\//, /^@react-oauth\//, /^axios($|\/)/, /^msw($|\/)/]

// The optional stylesheet ships as written (`react-mpc-backup/styles.css`): apps' bundlers minify it. Library builds
// only; Storybook drops `build.lib` and imports the source file itself.
function stylesheet(): Plugin {
  let isLib = false
  return {
    name: 'react-mpc-backup:styles',
    apply: 'build',
    configResolved: (config) => void (isLib = Boolean(config.build.lib)),
    generateBundle() {
      if (isLib)
        this.emitFile({
          type: 'asset',
          fileName: 'styles.css',
          source: readFileSync(new URL('./src/styles.css', import.meta.url)),
        })
    },
  }
}

/** Browser command: emulate the OS media preferences (colour scheme, reduced motion) for the test's page. */
const emulateMedia: BrowserCommand<
  [media: { colorScheme?: 'light' | 'dark' | null; reducedMotion?: 'reduce' | 'no-preference' | null }]
> = async (ctx, media) => {
  await ctx.page.emulateMedia(media)
}

// Vitest mutates the browser config object, so each project gets its own.
const chromium = () => playwright({ launchOptions: chromiumLaunchOptions() })

export default defineConfig({
  plugins: [
    react(),
    stylesheet(),
    dts({
      include: ['src'],
      exclude: ['src/server', '**/*.test.ts', '**/*.test.tsx'],
      tsconfigPath: './tsconfig.json',
    }),
  ],
  build: {
    target: 'es2022',
    minify: false,
    copyPublicDir: false,
    sourcemap: true,
    lib: {
      entry: {
        index: 'src/index.ts',
        'core/index': 'src/core/index.ts',
        'testing/index': 'src/testing/index.ts',
        // The locale packs (`react-mpc-backup/locales/<lang>`): one plain object each, an entry each.
        ...Object.fromEntries(locales.map((l) => [`locales/${l}`, `src/locales/${l}.ts`])),
      },
      formats: ['es'],
    },
    rolldownOptions: {
      external,
      output: { preserveModules: true, preserveModulesRoot: 'src' },
    },
  },
  test: {
    projects: [
      {
        test: {
          name: 'node',
          environment: 'node',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: ['**/*.browser.test.*', 'node_modules/**', 'test/e2e/nextjsExample.e2e.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        // The Next.js example end to end (examples/nextjs): minutes of installing and building, mostly on one core,
        // so a project of its own that `npm test` runs beside the others (scripts/test.mjs).
        test: {
          name: 'e2e-nextjs',
          environment: 'node',
          include: ['test/e2e/nextjsExample.e2e.test.ts'],
          testTimeout: 300_000,
          hookTimeout: 900_000,
        },
      },
      {
        // Type tests (`*.test-d.ts`, expectTypeOf): the public types of every hook, option factory, component and
        // error, checked by tsc under the repository's strict tsconfig.
        test: {
          name: 'types',
          include: [],
          typecheck: {
            enabled: true,
            only: true,
            include: ['test/types/**/*.test-d.ts'],
            tsconfig: './tsconfig.json',
          },
        },
      },
      {
        plugins: [react()],
        // The examples of the README and docs/ import the package by name, as users do.
        resolve: {
          alias: [
            {
              find: /^react-mpc-backup\/testing$/,
              replacement: fileURLToPath(new URL('./src/testing/index.ts', import.meta.url)),
            },
            {
              find: /^react-mpc-backup\/locales\/([a-zA-Z-]+)$/,
              replacement: fileURLToPath(new URL('./src/locales/$1.ts', import.meta.url)),
            },
            {
              find: /^react-mpc-backup\/core$/,
              replacement: fileURLToPath(new URL('./src/core/index.ts', import.meta.url)),
            },
            { find: /^react-mpc-backup$/, replacement: fileURLToPath(new URL('./src/index.ts', import.meta.url)) },
          ],
        },
        optimizeDeps: { include: browserTestDeps },
        test: {
          name: 'browser',
          provide: { hostQueryClient: 'default' },
          include: ['test/**/*.browser.test.{ts,tsx}'],
          testTimeout: 30_000,
          browser: {
            enabled: true,
            headless: true,
            provider: chromium(),
            instances: [{ browser: 'chromium' }],
            // emulateMedia: the screenshot tests; portalStandIn*: the real @portal-hq/web SDK's iframe, answered by a
            // stand-in at its real origin (realPortalSdk test).
            commands: { emulateMedia, ...portalStandInCommands },
            expect: {
              toMatchScreenshot: {
                // Anti-aliased pixels are ignored (pixelmatch's default) and up to 1% of pixels may differ; the colour
                // threshold is low enough that a shade change (#1d4ed8 -> #1e40af) fails, which 0.1 lets pass.
                comparatorName: 'pixelmatch',
                comparatorOptions: { threshold: 0.05, allowedMismatchedPixelRatio: 0.01 },
                // The baselines are committed and double as docs/styling.md's pictures of each state. Failure diffs go
                // to .vitest-attachments/ (ignored).
                resolveScreenshotPath: ({ arg, browserName, platform, ext, root }) =>
                  `${root}/docs/screenshots/${arg}-${browserName}-${platform}${ext}`,
              },
            },
          },
        },
      },
      {
        // The component tests and the fault matrix again, inside a host QueryClient with hostile defaults (issue 19).
        plugins: [react()],
        optimizeDeps: { include: browserTestDeps },
        test: {
          name: 'browser-hostile',
          include: [
            'test/BackupButton.browser.test.tsx',
            'test/RecoverButton.browser.test.tsx',
            'test/faultMatrix.browser.test.tsx',
            'test/offline.browser.test.tsx',
            'test/eraseBackup.browser.test.tsx',
            'test/BackupReminder.browser.test.tsx',
          ],
          provide: { hostQueryClient: 'hostile' },
          testTimeout: 30_000,
          browser: {
            enabled: true,
            headless: true,
            provider: chromium(),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
      {
        // Every story in stories/ is a test: its play function, then the a11y check (a violation fails it).
        plugins: [storybookTest({ configDir: '.storybook' })],
        test: {
          name: 'storybook',
          testTimeout: 30_000,
          browser: {
            enabled: true,
            headless: true,
            provider: chromium(),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
    ],
  },
})
