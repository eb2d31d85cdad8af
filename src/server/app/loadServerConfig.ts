import { randomBytes } from 'node:crypto'
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { ServerConfig } from './createServer.js'
import { devHeaderAuthenticate } from '../auth/devHeaderAuthenticate.js'
import type { EncryptionKeyConfig } from '../sealing/encryptAtRest.js'
import { isLoopbackHost } from './isLoopbackHost.js'
import { jwtAuthenticate } from '../auth/jwtAuthenticate.js'
import { parseIpRange } from '../http/parseIpRange.js'
import { redactConnectionString } from '../store/postgres/redactConnectionString.js'
import { postgresStore } from '../store/postgres/postgresStore.js'
import { ServerConfigError } from '../errors/ServerConfigError.js'
import { sqliteStore } from '../store/sqlite/sqliteStore.js'
import { tightenFileMode } from '../store/sqlite/tightenFileMode.js'

export interface LoadedServerConfig {
  config: ServerConfig
  /** Human-readable description of the store, without credentials. */
  storeDescription: string
  /** Things the operator should see at startup (dev-only shortcuts in use). */
  warnings: string[]
}

/**
 * Reads the bin's configuration from the environment. Dev conveniences (generated secrets, header auth)
 * are refused under NODE_ENV=production, where a missing secret is a ServerConfigError instead.
 */
export function loadServerConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): LoadedServerConfig {
  const production = modeOf(env.NODE_ENV)
  const dataDir = resolve(cwd, env.DATA_DIR || '.data')
  const warnings: string[] = []
  // DATA_DIR holds dev secrets and the SQLite database: owner-only, made so the first time something goes in it.
  let privateDir = false
  const ensurePrivateDir = () => {
    if (!privateDir) tightenFileMode(dataDir, 'folder', (m) => warnings.push(m))
    privateDir = true
  }

  const port = env.PORT === undefined || env.PORT === '' ? 8787 : Number(env.PORT)
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new ServerConfigError(`PORT must be 0-65535, got "${env.PORT}"`)
  const host = env.HOST || '127.0.0.1'

  let encryptionKey = readEncryptionKey(env.BACKUP_ENCRYPTION_KEY, production, dataDir, warnings, ensurePrivateDir)
  const previousKeys = (env.BACKUP_ENCRYPTION_PREVIOUS_KEYS ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '')
  if (previousKeys.length > 0) {
    if (typeof encryptionKey !== 'string')
      throw new ServerConfigError(
        'BACKUP_ENCRYPTION_PREVIOUS_KEYS cannot be combined with a JSON keyring in BACKUP_ENCRYPTION_KEY',
      )
    // Rotation: the new key seals, the previous ones still open the rows they sealed.
    encryptionKey = { key: encryptionKey, previous: previousKeys }
  }

  let webhookSecret = env.WEBHOOK_SECRET ?? ''
  if (webhookSecret === '') {
    if (production)
      throw new ServerConfigError(
        'WEBHOOK_SECRET is required when NODE_ENV=production (the secret registered with Portal).',
      )
    ensurePrivateDir()
    webhookSecret = readOrCreateSecretFile(
      join(dataDir, 'webhook.secret'),
      () => randomBytes(24).toString('base64url'),
      warnings,
    )
    warnings.push(`WEBHOOK_SECRET not set: using the dev secret in ${join(dataDir, 'webhook.secret')}`)
  }

  if (production) requireStrongSecret('WEBHOOK_SECRET', webhookSecret)
  let authenticate: ServerConfig['authenticate']
  if (env.AUTH_JWT_SECRET) {
    if (production) requireStrongSecret('AUTH_JWT_SECRET', env.AUTH_JWT_SECRET)
    const maxLifetimeSec = env.AUTH_JWT_MAX_LIFETIME_SEC ? Number(env.AUTH_JWT_MAX_LIFETIME_SEC) : undefined
    if (maxLifetimeSec !== undefined && !(Number.isInteger(maxLifetimeSec) && maxLifetimeSec > 0)) {
      throw new ServerConfigError(
        `AUTH_JWT_MAX_LIFETIME_SEC must be a positive whole number of seconds, got "${env.AUTH_JWT_MAX_LIFETIME_SEC}"`,
      )
    }
    authenticate = jwtAuthenticate({
      secret: env.AUTH_JWT_SECRET,
      ...(maxLifetimeSec !== undefined ? { maxLifetimeSec } : {}),
      ...(env.AUTH_JWT_ISSUER ? { issuer: env.AUTH_JWT_ISSUER } : {}),
      ...(env.AUTH_JWT_AUDIENCE ? { audience: env.AUTH_JWT_AUDIENCE } : {}),
    })
  } else {
    if (production)
      throw new ServerConfigError(
        'AUTH_JWT_SECRET is required when NODE_ENV=production (HS256 secret of the tokens whose `sub` is the clientId).',
      )
    authenticate = devHeaderAuthenticate()
    warnings.push(
      'AUTH_JWT_SECRET not set: trusting the X-Client-Id header. Development only: anyone can claim any clientId.',
    )
  }

  let store: ServerConfig['store']
  let storeDescription: string
  if (env.DATABASE_URL) {
    store = postgresStore({
      connectionString: env.DATABASE_URL,
      ...(env.DATABASE_SCHEMA ? { schema: env.DATABASE_SCHEMA } : {}),
    })
    storeDescription = `PostgreSQL ${redactConnectionString(env.DATABASE_URL)}`
  } else {
    const filename = join(dataDir, 'backups.db')
    ensurePrivateDir()
    store = sqliteStore({ filename, onWarning: (m) => warnings.push(m) })
    storeDescription = `SQLite ${filename}`
  }

  const list = (value: string | undefined) =>
    (value ?? '')
      .split(',')
      .map((v) => v.trim())
      .filter((v) => v !== '')
  const allowlist = list(env.WEBHOOK_ALLOWLIST)
  const corsOrigins = list(env.CORS_ORIGINS)
  for (const entry of allowlist) parseIpRange(entry, 'WEBHOOK_ALLOWLIST')
  const trustProxy = parseTrustProxy(env.TRUST_PROXY ?? '', allowlist)

  const devInspector = flag(env.DEV_INSPECTOR, 'DEV_INSPECTOR')
  if (devInspector) {
    if (production)
      throw new ServerConfigError(
        "DEV_INSPECTOR cannot be on when NODE_ENV=production (it lists every client's rows without authentication).",
      )
    if (!isLoopbackHost(host))
      throw new ServerConfigError(
        `DEV_INSPECTOR needs a loopback HOST (127.0.0.1, ::1 or localhost), got "${host}": it lists every client's rows without authentication.`,
      )
    warnings.push(
      "DEV_INSPECTOR on: GET /api/dev/rows lists every client's rows (metadata only) without authentication, on loopback only.",
    )
  }

  const config: ServerConfig = {
    store,
    authenticate,
    webhookSecret,
    encryptionKey,
    production,
    devInspector,
    host,
    port,
    logger: console,
    ...(allowlist.length > 0 ? { webhookAllowlist: allowlist } : {}),
    ...(corsOrigins.length > 0 ? { corsOrigins } : {}),
    ...(trustProxy !== undefined ? { trustProxy } : {}),
    ...(env.METRICS_TOKEN ? { metricsToken: metricsToken(env.METRICS_TOKEN, production) } : {}),
  }
  return { config, storeDescription, warnings }
}

function readEncryptionKey(
  value: string | undefined,
  production: boolean,
  dataDir: string,
  warnings: string[],
  ensurePrivateDir: () => void,
): EncryptionKeyConfig {
  if (value) {
    // A JSON keyring allows rotation: {"current":"k2","keys":{"k1":"<base64>","k2":"<base64>"}}.
    if (value.trim().startsWith('{')) {
      try {
        return JSON.parse(value) as EncryptionKeyConfig
      } catch {
        throw new ServerConfigError('BACKUP_ENCRYPTION_KEY looks like JSON but does not parse')
      }
    }
    return value
  }
  if (production) {
    throw new ServerConfigError(
      'BACKUP_ENCRYPTION_KEY is required when NODE_ENV=production (32 bytes, base64: `openssl rand -base64 32`). ' +
        'Losing it makes every stored share unreadable.',
    )
  }
  const file = join(dataDir, 'encryption.key')
  warnings.push(`BACKUP_ENCRYPTION_KEY not set: using the dev key in ${file}`)
  ensurePrivateDir()
  return readOrCreateSecretFile(file, () => randomBytes(32).toString('base64'), warnings)
}

function readOrCreateSecretFile(file: string, make: () => string, warnings: string[]): string {
  if (existsSync(file)) {
    tightenFileMode(file, 'file', (m) =>
      warnings.push(`${m}; anyone who could read it may hold the secret: replace it if that matters`),
    )
    return readFileSync(file, 'utf8').trim()
  }
  mkdirSync(resolve(file, '..'), { recursive: true })
  const value = make()
  // `wx` refuses to overwrite a file another process created meanwhile; mode applies to new files only.
  try {
    writeFileSync(file, `${value}\n`, { mode: 0o600, flag: 'wx' })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(file, 'utf8').trim()
    throw error
  }
  chmodSync(file, 0o600)
  return value
}

/** HMAC secrets guessable offline from one signed token or request must carry at least 256 bits. */
function requireStrongSecret(name: string, value: string): void {
  const bytes = Buffer.byteLength(value, 'utf8')
  if (bytes < 32) {
    throw new ServerConfigError(
      `${name} must be at least 32 bytes when NODE_ENV=production (got ${bytes}); generate one with \`openssl rand -base64 32\`.`,
    )
  }
}

/**
 * NODE_ENV as a mode. Anything but unset, `development`, `test` or `production` is a start-up error: a misspelt
 * production value (`Production`, `prod`) must not quietly run the development mode (generated secrets, header
 * auth), and quietly treating an unknown value as production would hide the typo from whoever set it.
 */
function modeOf(value: string | undefined): boolean {
  if (value === 'production') return true
  if (value === undefined || value === '' || value === 'development' || value === 'test') return false
  throw new ServerConfigError(
    `NODE_ENV must be production, development or test (or unset for development), got "${value}".`,
  )
}

function flag(value: string | undefined, name: string): boolean {
  if (value === undefined || value === '' || value === '0' || value === 'false') return false
  if (value === '1' || value === 'true') return true
  throw new ServerConfigError(`${name} must be 1/true or 0/false, got "${value}".`)
}

/**
 * TRUST_PROXY: how many proxies stand in front (a hop count), or which addresses are the proxies (a CIDR list, or
 * express's `loopback` / `linklocal` / `uniquelocal`). `true` (trust every hop) lets any caller pick its own
 * address with X-Forwarded-For, so it is refused beside an allowlist.
 */
function parseTrustProxy(value: string, allowlist: readonly string[]): boolean | number | string[] | undefined {
  const text = value.trim()
  if (text === '' || text === 'false') return undefined
  if (text === 'true') {
    if (allowlist.length > 0) {
      throw new ServerConfigError(
        "TRUST_PROXY=true lets any caller spoof X-Forwarded-For past WEBHOOK_ALLOWLIST: give the hop count (e.g. 1) or the proxies' addresses instead.",
      )
    }
    return true
  }
  if (/^\d+$/.test(text)) return Number(text)
  return text.split(',').map((entry) => {
    const item = entry.trim()
    if (['loopback', 'linklocal', 'uniquelocal'].includes(item)) return item
    parseIpRange(item, 'TRUST_PROXY')
    return item
  })
}

/** GET /metrics is served only to scrapers presenting this bearer token; in production as strong as every secret. */
function metricsToken(value: string, production: boolean): string {
  if (production) requireStrongSecret('METRICS_TOKEN', value)
  if (value.length < 16)
    throw new ServerConfigError('METRICS_TOKEN must be at least 16 characters (e.g. `openssl rand -base64 24`).')
  return value
}
