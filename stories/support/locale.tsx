// The toolbar's language (.storybook/preview.tsx, global `locale`): the locale pack every story's provider gets.
import { createContext } from 'react'
import type { Messages } from '../../src/components/messages.js'
import { ar } from '../../src/locales/ar.js'
import { de } from '../../src/locales/de.js'
import { en } from '../../src/locales/en.js'
import { es } from '../../src/locales/es.js'
import { fr } from '../../src/locales/fr.js'
import { ja } from '../../src/locales/ja.js'
import { ptBR } from '../../src/locales/pt-BR.js'

/** Each pack with its name in its own language, for the toolbar. */
export const locales = {
  en: { title: 'English', messages: en },
  es: { title: 'Español', messages: es },
  de: { title: 'Deutsch', messages: de },
  fr: { title: 'Français', messages: fr },
  ja: { title: '日本語', messages: ja },
  'pt-BR': { title: 'Português (Brasil)', messages: ptBR },
  ar: { title: 'العربية', messages: ar },
} satisfies Record<string, { title: string; messages: Messages }>

export type Locale = keyof typeof locales

/** The toolbar's locale, read by WorldProvider (English outside the decorator). */
export const LocaleContext = createContext<Locale>('en')

/** Right to left for Arabic: set on the page, as an app sets `dir` on its root. */
export const directionOf = (locale: Locale) => (locale === 'ar' ? 'rtl' : 'ltr')
