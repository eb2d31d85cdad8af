import { defineMain } from '@storybook/react-vite/node'
import type { PluginOption } from 'vite'

// Names under which vite-plugin-dts registers itself (5.x: 'unplugin-dts'; older: 'vite:dts').
const dtsPlugins = new Set(['unplugin-dts', 'vite:dts'])

// Plugins may be nested arrays or promises (Vite flattens them later).
async function withoutDts(plugins: PluginOption[]): Promise<PluginOption[]> {
  const out: PluginOption[] = []
  for (const plugin of await Promise.all(plugins)) {
    if (Array.isArray(plugin)) out.push(await withoutDts(plugin))
    else if (plugin && typeof plugin === 'object' && 'name' in plugin && dtsPlugins.has(plugin.name)) continue
    else out.push(plugin)
  }
  return out
}

export default defineMain({
  framework: { name: '@storybook/react-vite', options: {} },
  stories: ['../stories/**/*.stories.@(ts|tsx)'],
  addons: ['@storybook/addon-docs', '@storybook/addon-a11y', '@storybook/addon-vitest'],
  // The MSW worker script (public/mockServiceWorker.js) must be served at the root.
  staticDirs: ['../public'],
  core: { disableTelemetry: true, disableWhatsNewNotifications: true },
  typescript: { reactDocgen: 'react-docgen-typescript' },
  // Storybook merges the root vite.config.ts: its dts plugin would write .d.ts files into the build, and its
  // library options (lib entry, externals, preserveModules) would turn the app build into a library build.
  async viteFinal(config) {
    config.plugins = await withoutDts(config.plugins ?? [])
    if (config.build) delete config.build.lib
    return config
  },
})
