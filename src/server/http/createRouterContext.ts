import type { BackupStore } from '../store/BackupStore.js'
import type { Authenticate, BackupEventType, BackupRouterOptions } from './BackupRouterOptions.js'
import { buildAllowlist } from './buildAllowlist.js'
import { encryptAtRest } from '../sealing/encryptAtRest.js'
import type { AtRestCipher } from '../sealing/encryptAtRest.js'
import { limiterStoreOf } from './limiterStoreOf.js'
import type { RateLimiter } from './rateLimiter.js'
import { secretFailureLimiter } from './secretFailureLimiter.js'
import { ServerConfigError } from '../errors/ServerConfigError.js'
import { sha256Digest } from './sha256Digest.js'
import { StorageKeyMismatchError } from '../errors/StorageKeyMismatchError.js'

/** What the route modules share: the options resolved once, with their defaults, and the reporting helpers. */
export interface RouterContext {
  store: BackupStore
  authenticate: Authenticate
  encryptionKey: BackupRouterOptions['encryptionKey']
  checkEncryptionKey: boolean
  cipher: AtRestCipher
  secretDigest: Buffer
  bodyBytes: number
  idempotencyTtlMs: number
  webhookDeadlineMs: number
  requestDeadlineMs: number
  limiter: RateLimiter | undefined
  secretFailures: RateLimiter | undefined
  allowlist: ((ip: string) => boolean) | undefined
  logger: { error(message: string): void }
  emit(type: BackupEventType, clientId: string | null, method: string | null): void
  /** Opens a row, or reports it (event and log line, ids only) and returns undefined when its key does not open it. */
  openOrSkip(open: () => string, kind: 'client' | 'custodian', clientId: string, method: string): string | undefined
  /** Opens a row; a key mismatch is reported as an event and thrown on (the route answers 500). */
  openOrReport(open: () => string, clientId: string, method: string): string
}

export function createRouterContext(options: BackupRouterOptions): RouterContext {
  if (typeof options.webhookSecret !== 'string' || options.webhookSecret.length === 0) {
    throw new ServerConfigError('webhookSecret must be a non-empty string (the X-Webhook-Secret the provider sends)')
  }
  const { onEvent } = options
  const rateOption = options.limits?.rate ?? { perMinute: 60, burst: 20 }
  const logger = options.logger ?? console

  const emit: RouterContext['emit'] = (type, clientId, method) => {
    if (!onEvent) return
    try {
      onEvent({ type, clientId, method })
    } catch {
      // An observer must never break a backup.
    }
  }

  return {
    store: options.store,
    authenticate: options.authenticate,
    encryptionKey: options.encryptionKey,
    checkEncryptionKey: options.checkEncryptionKey !== false,
    cipher: encryptAtRest(options.encryptionKey),
    secretDigest: sha256Digest(options.webhookSecret),
    bodyBytes: options.limits?.bodyBytes ?? 64 * 1024,
    idempotencyTtlMs: options.limits?.idempotencyTtlMs ?? 24 * 60 * 60 * 1000,
    webhookDeadlineMs: options.limits?.webhookDeadlineMs ?? 8_000,
    requestDeadlineMs: options.limits?.requestDeadlineMs ?? 10_000,
    limiter: rateOption === false ? undefined : limiterStoreOf(options).createLimiter('client', rateOption),
    secretFailures: secretFailureLimiter(options.limits?.webhookFailures, limiterStoreOf(options), 'webhook'),
    allowlist: options.webhookAllowlist ? buildAllowlist(options.webhookAllowlist) : undefined,
    logger,
    emit,
    openOrSkip(open, kind, clientId, method) {
      try {
        return open()
      } catch (error) {
        if (!(error instanceof StorageKeyMismatchError)) throw error
        emit('storage_key_mismatch', clientId, method)
        logger.error(
          `[react-mpc-backup] ${error.code}: ${kind} row of client ${clientId}, method ${method}: ${error.message}`,
        )
        return undefined
      }
    },
    openOrReport(open, clientId, method) {
      try {
        return open()
      } catch (error) {
        if (error instanceof StorageKeyMismatchError) emit('storage_key_mismatch', clientId, method)
        throw error
      }
    },
  }
}
