import type { Preview } from '@storybook/react-vite'
import { setupWorker } from 'msw/browser'
import { mswLoader } from 'msw-storybook-addon/csf3'

// msw-storybook-addon 3 has no `initialize()`: the loader takes the setup function that starts the worker.
// Unhandled requests (Storybook's own modules, fonts) go to the network as usual.
const startWorker = async () => {
  const worker = setupWorker()
  await worker.start({ quiet: true, onUnhandledRequest: 'bypass' })
  return worker
}

const preview: Preview = {
  loaders: [mswLoader(startWorker)],
  parameters: {
    // Accessibility violations fail the story's test (and show as errors in the a11y panel).
    a11y: { test: 'error' },
    controls: { matchers: { color: /(background|color)$/i, date: /Date$/i } },
  },
}

export default preview
