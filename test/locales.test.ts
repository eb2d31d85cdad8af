// The locale packs (react-mpc-backup/locales/<lang>): each has exactly the English pack's keys, every text is a
// non-empty string (or a function giving one), and the English pack's `errors` says what the UI says in English:
// for real errors of each code (made by the kit's own code against the emulators), `en.errors[code]` gives the error's
// own `shortMessage`, which the buttons show when the app gave no text.
import { HttpResponse, http } from 'msw'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Messages, MessageText } from '../src/components/messages.js'
import { toWalletError } from '../src/core/actions/internal/toWalletError.js'
import { createShareApi } from '../src/core/clients/createShareApi.js'
import { createTokenBroker } from '../src/core/clients/createTokenBroker.js'
import {
  type BackupError,
  type BackupErrorCode,
  type ErrorFacts,
  RecoveryFailed,
  WalletBackupFailed,
} from '../src/core/errors/errors.js'
import { ar } from '../src/locales/ar.js'
import { de } from '../src/locales/de.js'
import { en } from '../src/locales/en.js'
import { es } from '../src/locales/es.js'
import { fr } from '../src/locales/fr.js'
import { ja } from '../src/locales/ja.js'
import { ptBR } from '../src/locales/pt-BR.js'
import { BASE, createWorld, server, type World } from './support/nodeHarness.js'

const packs: Record<string, Messages> = { en, es, de, fr, ja, 'pt-BR': ptBR, ar }

/** What a button shows for an error, as FlowButton looks it up. */
const shown = (text: MessageText | undefined, e: BackupError) =>
  typeof text === 'function' ? text(e.facts, e.step) : (text ?? e.shortMessage)

/** Every key path of a pack (`backupButton.idle`, `errors.WALLET_BUSY`), sorted. */
const keysOf = (pack: object) =>
  Object.entries(pack)
    .flatMap(([group, texts]) => Object.keys(texts as object).map((key) => `${group}.${key}`))
    .sort()

describe('the locale packs', () => {
  // An erase that stopped part-way (facts.erased) says, in every language, which parts are already erased, and an
  // erase's failed notify is not worded as a backup's.
  test.each(Object.entries(packs))('%s says which parts an erase already did', (_, pack) => {
    const text = (code: BackupErrorCode, facts: ErrorFacts, step: 'erase' | 'notify') => {
      const t = pack.errors[code]
      return typeof t === 'function' ? t(facts, step) : t
    }
    const erase = [undefined, ['drive'], ['server'], ['drive', 'server']] as const
    const failed = erase.map((erased) =>
      text('SHARE_ERASE_FAILED', { status: 503, ...(erased ? { erased: [...erased] } : {}) }, 'erase'),
    )
    expect(new Set(failed).size).toBe(erase.length)
    const notify = text('NOTIFY_FAILED', { erased: ['drive', 'server'] }, 'notify')
    expect(notify).not.toBe(text('NOTIFY_FAILED', {}, 'notify'))
    expect(notify).toContain(failed[3]?.slice(failed[0]?.length ?? 0).trim())
  })

  test.each(Object.entries(packs))('%s has exactly the English keys', (_, pack) => {
    expect(keysOf(pack)).toEqual(keysOf(en))
  })

  test('the English keys are every error code and every label of the components', () => {
    expect(Object.keys(en.errors)).toHaveLength(30)
    expect(keysOf(en).length).toBeGreaterThanOrEqual(67)
  })

  test('a pack missing a key, or with a key English lacks, fails the check above', () => {
    const { later: _, ...withoutLater } = es.backupReminder
    const missing = { ...es, backupReminder: withoutLater }
    const extra = { ...es, backupStatus: { ...es.backupStatus, unknown: 'x' } }
    expect(keysOf(missing)).not.toEqual(keysOf(en))
    expect(keysOf(extra)).not.toEqual(keysOf(en))
  })

  // Facts of every shape a text may read; a function must give a non-empty string for each.
  const full = { status: 500, browser: 'Instagram', expectedAccount: 'j***@gmail.com' }
  const factSets = [
    {},
    { status: 500 },
    { reason: 'timeout' },
    { reason: 'network' },
    { reason: 'other_account', expectedAccount: 'j***@gmail.com' },
    { reason: 'version_mismatch' },
    { reason: 'disallowed_useragent', browser: 'Instagram' },
    { reason: 'precondition_failed', status: 412 },
    { reason: 'wallet-not-ready' },
  ]
  test.each(Object.entries(packs))('%s: every text is a non-empty string, or a function giving one', (name, pack) => {
    for (const [group, texts] of Object.entries(pack))
      for (const [key, text] of Object.entries(texts as Record<string, MessageText>))
        for (const facts of factSets.map((f) => ({ ...full, ...f })))
          for (const step of ['read', 'store', 'erase', undefined] as const) {
            const value = typeof text === 'function' ? text(facts, step) : text
            expect(typeof value === 'string' && value.trim().length > 0, `${name} ${group}.${key}`).toBe(true)
            expect(value, `${name} ${group}.${key}`).not.toMatch(/undefined|\[object/)
          }
  })

  test.each(Object.entries(packs).filter(([name]) => name !== 'en'))(
    "%s names the values a text needs (the masked account, the browser, the server's status)",
    (_, pack) => {
      expect(
        shown(
          pack.errors.KEY_NOT_FOUND,
          error('KEY_NOT_FOUND', { reason: 'other_account', expectedAccount: 'j***@gmail.com' }),
        ),
      ).toContain('j***@gmail.com')
      expect(
        shown(pack.errors.GOOGLE_UNSUPPORTED_BROWSER, error('GOOGLE_UNSUPPORTED_BROWSER', { browser: 'Instagram' })),
      ).toContain('Instagram')
      expect(shown(pack.errors.SHARE_UPLOAD_FAILED, error('SHARE_UPLOAD_FAILED', { status: 503 }))).toContain('503')
    },
  )
})

/** A stand-in error for the value checks above (the English check below uses real ones). */
function error(code: BackupErrorCode, facts: object): BackupError {
  return { code, facts, step: 'store', shortMessage: '' } as unknown as BackupError
}

async function failure(p: Promise<unknown>): Promise<BackupError> {
  const outcome = await p.then(
    () => undefined,
    (e: unknown) => e as BackupError,
  )
  if (!outcome) throw new Error('expected a failure')
  return outcome
}

/** A token request the broker ends with `answer` (what Google's token client calls back with). */
async function brokerFailure(answer: (b: ReturnType<typeof createTokenBroker>) => void, options = {}) {
  const broker = createTokenBroker(options)
  broker.attach(() => {})
  const request = broker.request()
  answer(broker)
  return failure(request)
}

const world = (arm: (w: World) => void, options?: Parameters<typeof createWorld>[0]) => {
  const w = createWorld(options)
  arm(w)
  return w
}

/** Real errors of each code whose English text is fixed (or made of facts), as the kit's own code makes them. */
const representative: Array<[string, () => Promise<BackupError>]> = [
  ['Drive 401', () => failure(world((w) => w.google.faults.set('drive.create', { status: 401 })).backup())],
  [
    'Drive full',
    () =>
      failure(
        world((w) => w.google.faults.set('drive.create', { status: 403, reason: 'storageQuotaExceeded' })).backup(),
      ),
  ],
  [
    'Drive 429',
    () => failure(world((w) => w.google.faults.set('drive.create', { status: 429 }), { tries: 1 }).backup()),
  ],
  [
    'Drive 500',
    () => failure(world((w) => w.google.faults.set('drive.create', { status: 500 }), { tries: 1 }).backup()),
  ],
  [
    'Drive unreachable',
    () => failure(world((w) => w.google.faults.set('drive.list', { networkError: true }), { tries: 1 }).backup()),
  ],
  ['Drive API disabled', () => failure(world(() => {}, { google: { driveApiDisabled: true } }).backup())],
  ['server 403 on save', () => failure(world((w) => w.share.faults.set('share.post', { status: 403 })).backup())],
  [
    'server 500 on save',
    () => failure(world((w) => w.share.faults.set('share.post', { status: 500 }), { tries: 1 }).backup()),
  ],
  [
    'server 412 on save (another device backed up first)',
    () =>
      failure(
        world(() =>
          server.use(
            http.post(`${BASE}/clients/:clientId/backup`, () =>
              HttpResponse.json({ error: { code: 'precondition_failed' } }, { status: 412 }),
            ),
          ),
        ).backup(),
      ),
  ],
  [
    'server 500 on read',
    async () => {
      const w = createWorld({ tries: 1 })
      await w.backup()
      w.share.faults.set('share.get', { status: 500 })
      return failure(w.newDevice().recover())
    },
  ],
  [
    'server 401 on read',
    async () => {
      const w = createWorld()
      await w.backup()
      w.share.faults.set('share.get', { status: 401 })
      return failure(w.newDevice().recover())
    },
  ],
  ['no backup on the server', () => failure(createWorld().recover())],
  [
    'no key in Drive',
    async () => {
      const w = createWorld()
      await w.backup()
      w.google.reset()
      w.newToken()
      return failure(w.newDevice().recover())
    },
  ],
  [
    "a Drive key of another version than the server's",
    async () => {
      const w = createWorld()
      await w.backup()
      const [row] = w.share.rows()
      w.share.putRow({ ...row!, keyVersion: 'zzzz-other-version' })
      return failure(w.newDevice().recover())
    },
  ],
  [
    'server 500 on erase',
    async () => {
      const w = createWorld({ tries: 1 })
      await w.backup()
      w.share.faults.set('share.delete', { status: 500 })
      return failure(w.erase())
    },
  ],
  ['Google access denied', () => brokerFailure((b) => b.accept({ error: 'access_denied' } as never))],
  [
    'Drive scope unticked',
    () => brokerFailure((b) => b.accept({ access_token: 'ya29.t', expires_in: 3599, scope: 'openid' } as never)),
  ],
  ['popup blocked', () => brokerFailure((b) => b.reject({ type: 'popup_failed_to_open' }))],
  ['popup closed', () => brokerFailure((b) => b.reject({ type: 'popup_closed' }))],
  ['sign-in malformed answer', () => brokerFailure((b) => b.reject(null))],
  ['sign-in timeout', () => brokerFailure(() => {}, { requestTimeoutMs: 1 })],
  [
    'in-app browser',
    () =>
      failure(
        (() => {
          const broker = createTokenBroker({
            userAgent: 'Mozilla/5.0 (iPhone) AppleWebKit/605.1.15 Mobile/15E148 Instagram 300.0',
          })
          broker.attach(() => {})
          return broker.request()
        })(),
      ),
  ],
  ['not loaded', () => failure(createTokenBroker().request())],
  [
    "the app's getToken throws",
    () =>
      failure(
        createShareApi({
          baseURL: BASE,
          getToken: () => {
            throw new Error('signed out')
          },
        }).get('client-1', 'PASSWORD'),
      ),
  ],
  [
    'Drive delete fails on erase',
    async () => {
      const w = createWorld({ tries: 1 })
      await w.backup()
      w.google.faults.set('drive.delete', { status: 500 })
      return failure(w.erase())
    },
  ],
  ['wallet backup', async () => toWalletError(new Error('mpc failed'), 'generate', WalletBackupFailed)],
  [
    'wallet busy',
    async () => toWalletError({ code: 'WALLET_MODIFICATION_ALREADY_IN_PROGRESS' }, 'generate', WalletBackupFailed),
  ],
  ['wallet recovery', async () => toWalletError(new Error('mpc failed'), 'recover', RecoveryFailed)],
]

describe("the English pack's errors say what the buttons show in English (the error's own shortMessage)", () => {
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
  afterAll(() => server.close())

  test.each(representative)('%s', async (_, make) => {
    const e = await make()
    expect(e.code in en.errors, e.code).toBe(true)
    expect(shown(en.errors[e.code as BackupErrorCode], e)).toBe(e.shortMessage)
  })

  test('the cases cover most codes', async () => {
    const codes = new Set<string>()
    for (const [, make] of representative) codes.add((await make()).code)
    expect(codes.size).toBeGreaterThanOrEqual(22)
  })
})
