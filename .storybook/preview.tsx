import type { Preview } from '@storybook/react-vite'
import axe from 'axe-core'
import { setupWorker } from 'msw/browser'
import { mswLoader } from 'msw-storybook-addon/csf3'
import stylesheet from '../src/styles.css?inline'
import { directionOf, type Locale, LocaleContext, locales } from '../stories/support/locale.js'

// msw-storybook-addon 3 has no `initialize()`: the loader takes the setup function that starts the worker.
// Unhandled requests (Storybook's own modules, fonts) go to the network as usual.
const startWorker = async () => {
  const worker = setupWorker()
  await worker.start({ quiet: true, onUnhandledRequest: 'bypass' })
  return worker
}

type Theme = 'light' | 'dark' | 'unstyled'
const styledThemes = ['light', 'dark'] as const

/**
 * The toolbar's theme: react-mpc-backup/styles.css forced light or dark on the page (whose background follows it,
 * as an app's would), or not loaded at all ("unstyled": the headless components as apps without it see them).
 * The stylesheet is a <style> element of its own so "unstyled" can take it out again.
 */
function applyTheme(theme: Theme) {
  const root = document.documentElement
  let style = document.getElementById('rmb-styles')
  if (theme === 'unstyled') {
    style?.remove()
    delete root.dataset['rmbTheme']
    document.body.style.removeProperty('background')
    document.body.style.removeProperty('color')
    return
  }
  if (!style) {
    style = document.createElement('style')
    style.id = 'rmb-styles'
    style.textContent = stylesheet
    document.head.append(style)
  }
  root.dataset['rmbTheme'] = theme
  document.body.style.background = 'var(--rmb-bg)'
  document.body.style.color = 'var(--rmb-fg)'
}

/**
 * The a11y addon checks each story in the toolbar's theme (light in tests). This checks the same final state of the
 * story in the other styled theme(s), with colour-contrast explicitly on, so every story is checked in both light
 * and dark without playing it twice. Any violation fails the story, as the addon's do.
 */
async function checkOtherThemes(current: Theme) {
  const failures: string[] = []
  try {
    for (const theme of styledThemes.filter((t) => t !== current)) {
      applyTheme(theme)
      const result = await axe.run(
        { include: [document.body], exclude: [['.sb-wrapper'], ['#storybook-docs'], ['#storybook-highlights-root']] },
        { rules: { region: { enabled: false }, 'color-contrast': { enabled: true } } },
      )
      if (
        !result.passes.some((r) => r.id === 'color-contrast') &&
        !result.violations.some((r) => r.id === 'color-contrast')
      )
        failures.push(`${theme}: color-contrast did not run on any element`)
      for (const v of result.violations)
        failures.push(
          `${theme}: ${v.id} (${v.impact}): ${v.help}\n${v.nodes.map((n) => `  ${n.target.join(' ')}: ${n.failureSummary ?? ''}`).join('\n')}`,
        )
    }
  } finally {
    applyTheme(current)
  }
  if (failures.length) throw new Error(`Accessibility violations in another theme:\n${failures.join('\n')}`)
}

const preview: Preview = {
  loaders: [mswLoader(startWorker)],
  globalTypes: {
    theme: {
      description: 'react-mpc-backup/styles.css',
      toolbar: {
        title: 'Theme',
        icon: 'mirror',
        items: [
          { value: 'light', title: 'Light' },
          { value: 'dark', title: 'Dark' },
          { value: 'unstyled', title: 'Unstyled (no stylesheet)' },
        ],
        dynamicTitle: true,
      },
    },
    locale: {
      description: "The components' language: the locale pack given to the provider (react-mpc-backup/locales/*)",
      toolbar: {
        title: 'Language',
        icon: 'globe',
        items: Object.entries(locales).map(([value, { title }]) => ({ value, title })),
        dynamicTitle: true,
      },
    },
  },
  initialGlobals: { theme: 'light', locale: 'en' },
  decorators: [
    (Story, { globals }) => {
      applyTheme((globals['theme'] as Theme | undefined) ?? 'light')
      const locale = (globals['locale'] as Locale | undefined) ?? 'en'
      // Arabic mirrors the page, as an app does with `dir="rtl"` on its root.
      document.documentElement.dir = directionOf(locale)
      document.documentElement.lang = locale
      return (
        <LocaleContext.Provider value={locale}>
          <Story />
        </LocaleContext.Provider>
      )
    },
  ],
  afterEach: async ({ globals, viewMode, parameters }) => {
    if (viewMode !== 'story' || parameters['a11y']?.test === 'off') return
    await checkOtherThemes((globals['theme'] as Theme | undefined) ?? 'light')
  },
  parameters: {
    // Accessibility violations fail the story's test (and show as errors in the a11y panel).
    a11y: { test: 'error' },
    controls: { matchers: { color: /(background|color)$/i, date: /Date$/i } },
  },
}

export default preview
