// The documentation site (VitePress): `npm run docs` builds it into docs/.vitepress/dist, `npm run docs:dev` serves it.
// Dead links fail the build (VitePress's default, left on): test/docsSite.test.ts builds it in `npm test`.
import { defineConfig } from 'vitepress'

export const guides = [
  { text: 'Client and hooks', link: '/client' },
  { text: 'Server and hosts', link: '/server' },
  { text: 'Your own backend', link: '/backend' },
  { text: 'Operating the server', link: '/operating' },
  { text: 'Error codes', link: '/errors' },
  { text: 'Testing your app', link: '/testing' },
  { text: 'TypeScript and the Portal types', link: '/typescript' },
  { text: 'Styling', link: '/styling' },
]

export const reference = [
  { text: 'Fault matrix', link: '/FAULTS' },
  { text: 'Performance', link: '/PERFORMANCE' },
]

// VitePress reads the config's default export.
export default defineConfig({
  title: 'react-mpc-backup',
  description: "Back up, check and recover a user's MPC wallet (Portal) from any React app.",
  cleanUrls: true,
  markdown: {
    // Inline code is shown as written: `server={{ baseURL }}` is a prop, not a Vue interpolation (VitePress already
    // leaves fenced blocks alone).
    config(md) {
      const render = md.renderer.rules.code_inline!
      md.renderer.rules.code_inline = (tokens, index, options, env, self) => {
        tokens[index]!.attrSet('v-pre', '')
        return render(tokens, index, options, env, self)
      }
    },
  },
  themeConfig: {
    nav: [{ text: 'Guides', link: '/client' }],
    sidebar: [
      { text: 'Guides', items: guides },
      { text: 'Reference', items: reference },
    ],
    outline: [2, 3],
  },
})
