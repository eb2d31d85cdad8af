// The contract's rows (openapi/share-server.yaml), each a probe of the live server that throws RowFailure when the
// server breaks its part. Failures name requests by fixed labels, never by what was sent or answered.
import type { ShareServerCheckName, ShareServerClient } from './checkShareServerTypes.js'
import {
  errorCodeOf,
  expectError,
  expectStatus,
  expectStrongEtag,
  parseJson,
  sameJson,
} from './shareServerExpectations.js'
import type { Exchange, SendRequest } from './shareServerTransport.js'
import { RowFailure } from './shareServerTransport.js'

export const SHARE_SERVER_CHECK_TITLES: Record<ShareServerCheckName, string> = {
  'round-trip': 'POST then GET /clients/{clientId}/backup returns what was stored, with a strong ETag and no-store',
  unauthenticated: 'no credentials -> 401 unauthorized (POST, GET and DELETE)',
  'owner-only': "another client's backup -> 403 forbidden (read, write and erase), nothing changed",
  'idempotent-replay': 'same Idempotency-Key and body -> the same answer, stored once; other body -> 422',
  'if-match': 'If-Match with a stale ETag -> 412 and nothing written; the current ETag writes',
  oversize: 'a body larger than the server accepts -> 413',
  malformed: 'malformed bodies -> 400 with an error code, never 500 (client and webhook routes)',
  'not-found': 'no backup -> 404 backup_not_found; an unknown route -> 404 with another code',
  erase: 'DELETE /clients/{clientId}/backup -> 204 (again 204); then GET -> 404 backup_not_found; a new backup works',
  'webhook-secret': 'webhook without or with a wrong X-Webhook-Secret -> 401, nothing stored',
  'webhook-round-trip': '/webhook/backup then /webhook/backup/fetch returns every method; unknown client -> 404',
  'webhook-deadline': "every webhook answer arrives within the provider's window",
  'no-echo': 'no answer echoes a share, cipherText, credential or secret it was sent (reads aside)',
}

interface ProbeContext {
  send: SendRequest
  /** Every answer so far, in order (the rows that judge them all read it). */
  exchanges: readonly Exchange[]
  clients: readonly [ShareServerClient, ShareServerClient]
  webhookSecret: string
  oversizeBytes: number
  webhookDeadlineMs: number
}

/** One probe per row; they share the run's state (what was sent), so they run once each, in order. */
export function createShareServerProbes(p: ProbeContext): Record<ShareServerCheckName, () => Promise<void>> {
  const { send, exchanges, oversizeBytes, webhookDeadlineMs } = p
  const [a, b] = p.clients
  // Values the server must never send back outside a read; fresh per run, so a stale row cannot pass for a new one.
  const sent = { cipherTexts: [] as string[], shares: [] as string[] }
  const fresh = (prefix: string) => `${prefix}-${randomHex(16)}`

  const clientPath = (clientId: string, query = '') => `/clients/${encodeURIComponent(clientId)}/backup${query}`

  const json = (headers: Readonly<Record<string, string>>) => ({ 'content-type': 'application/json', ...headers })
  const postBackup = (label: string, as: ShareServerClient | null, clientId: string, body: unknown, extra = {}) =>
    send(label, 'POST', clientPath(clientId), {
      headers: { ...json(as?.headers ?? {}), ...extra },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    })
  const getBackup = (label: string, as: ShareServerClient | null, clientId: string, query = '') =>
    send(label, 'GET', clientPath(clientId, query), { headers: { ...(as?.headers ?? {}) }, readBack: true })
  const deleteBackup = (label: string, as: ShareServerClient | null, clientId: string) =>
    send(label, 'DELETE', clientPath(clientId), { headers: { ...(as?.headers ?? {}) } })
  const webhook = (label: string, path: '/webhook/backup' | '/webhook/backup/fetch', body: unknown, secret?: string) =>
    send(label, 'POST', path, {
      headers: json(secret === undefined ? {} : { 'x-webhook-secret': secret }),
      body: typeof body === 'string' ? body : JSON.stringify(body),
      readBack: path === '/webhook/backup/fetch',
    })

  const storeFor = async (label: string, client: ShareServerClient, backupMethod: string, extra = {}) => {
    const cipherText = fresh('check-cipher')
    sent.cipherTexts.push(cipherText)
    const res = await postBackup(label, client, client.clientId, { backupMethod, cipherText, keyVersion: 1 }, extra)
    return { res, cipherText }
  }
  const cipherTextOf = (ex: Exchange): string | undefined => {
    const body = parseJson(ex.text) as { cipherText?: unknown } | undefined
    return typeof body?.cipherText === 'string' ? body.cipherText : undefined
  }

  return {
    async 'round-trip'() {
      const { res: stored, cipherText } = await storeFor('POST own backup', a, 'CHECK')
      expectStatus(stored, 200)
      const answer = parseJson(stored.text) as { backupMethod?: unknown } | undefined
      if (answer?.backupMethod !== 'CHECK')
        throw new RowFailure('POST own backup: the answer has no backupMethod "CHECK"')
      expectStrongEtag(stored)
      const read = await getBackup('GET own backup', a, a.clientId, '?backupMethod=CHECK')
      expectStatus(read, 200)
      if (cipherTextOf(read) !== cipherText)
        throw new RowFailure('GET own backup: cipherText is not the one just stored')
      expectStrongEtag(read)
      for (const ex of [stored, read])
        if (!/\bno-store\b/i.test(ex.headers.get('cache-control') ?? ''))
          throw new RowFailure(`${ex.label}: Cache-Control is not no-store (shares must not sit in caches)`)
    },
    async unauthenticated() {
      const body = { backupMethod: 'CHECK', cipherText: fresh('check-cipher') }
      sent.cipherTexts.push(body.cipherText)
      expectError(await postBackup('POST without credentials', null, a.clientId, body), 401, 'unauthorized')
      expectError(await getBackup('GET without credentials', null, a.clientId), 401, 'unauthorized')
      expectError(await deleteBackup('DELETE without credentials', null, a.clientId), 401, 'unauthorized')
    },
    async 'owner-only'() {
      const { res: own, cipherText } = await storeFor('POST own backup', a, 'CHECK')
      expectStatus(own, 200)
      const read = await getBackup("GET another client's backup", b, a.clientId, '?backupMethod=CHECK')
      expectError(read, 403, 'forbidden')
      const intruder = fresh('check-cipher')
      sent.cipherTexts.push(intruder)
      const write = await postBackup("POST another client's backup", b, a.clientId, {
        backupMethod: 'CHECK',
        cipherText: intruder,
      })
      expectError(write, 403, 'forbidden')
      expectError(await deleteBackup("DELETE another client's backup", b, a.clientId), 403, 'forbidden')
      const after = await getBackup('GET own backup after', a, a.clientId, '?backupMethod=CHECK')
      expectStatus(after, 200)
      if (cipherTextOf(after) !== cipherText)
        throw new RowFailure("another client's POST or DELETE changed the owner's backup")
    },
    async 'idempotent-replay'() {
      const key = fresh('check-idem')
      const first = fresh('check-cipher')
      const other = fresh('check-cipher')
      sent.cipherTexts.push(first, other)
      const body = { backupMethod: 'CHECK-IDEM', cipherText: first, keyVersion: 1 }
      const withKey = { 'idempotency-key': key }
      const one = await postBackup('POST with Idempotency-Key', a, a.clientId, body, withKey)
      expectStatus(one, 200)
      const two = await postBackup('POST replay', a, a.clientId, body, withKey)
      expectStatus(two, 200)
      if (!sameJson(one.text, two.text)) throw new RowFailure('POST replay: the answer differs from the first answer')
      const between = await postBackup('POST without key', a, a.clientId, { ...body, cipherText: other })
      expectStatus(between, 200)
      const three = await postBackup('POST replay after another write', a, a.clientId, body, withKey)
      expectStatus(three, 200)
      if (!sameJson(one.text, three.text)) throw new RowFailure('POST replay: the answer differs from the first answer')
      const read = await getBackup('GET after replay', a, a.clientId, '?backupMethod=CHECK-IDEM')
      expectStatus(read, 200)
      if (cipherTextOf(read) !== other)
        throw new RowFailure('a replayed request was stored again (it replaced a later write)')
      const reused = await postBackup(
        'POST same key, other body',
        a,
        a.clientId,
        { ...body, cipherText: other },
        withKey,
      )
      expectError(reused, 422, 'idempotency_key_reused')
    },
    async 'if-match'() {
      const { res: stored, cipherText } = await storeFor('POST own backup', a, 'CHECK')
      expectStatus(stored, 200)
      const current = await getBackup('GET own backup', a, a.clientId, '?backupMethod=CHECK')
      expectStatus(current, 200)
      const etag = expectStrongEtag(current)
      const stale = await storeFor('POST with a stale If-Match', a, 'CHECK', { 'if-match': '"check-stale-revision"' })
      expectError(stale.res, 412, 'precondition_failed')
      const after = await getBackup('GET after 412', a, a.clientId, '?backupMethod=CHECK')
      if (cipherTextOf(after) !== cipherText) throw new RowFailure('a write refused with 412 changed the stored backup')
      const matching = await storeFor('POST with the current If-Match', a, 'CHECK', { 'if-match': etag })
      expectStatus(matching.res, 200)
    },
    async oversize() {
      const big = { backupMethod: 'CHECK', cipherText: 'x'.repeat(oversizeBytes) }
      expectError(await postBackup(`POST ${oversizeBytes}-byte body`, a, a.clientId, big), 413, 'payload_too_large')
    },
    async malformed() {
      const bodies: Array<[string, string]> = [
        ['truncated JSON', '{"backupMethod":'],
        ['a JSON array', '[]'],
        ['cipherText as a number', '{"backupMethod":"CHECK","cipherText":5}'],
        ['an empty cipherText', '{"backupMethod":"CHECK","cipherText":""}'],
      ]
      for (const [what, body] of bodies) expectError(await postBackup(`POST ${what}`, a, a.clientId, body), 400)
      const hookBodies: Array<['/webhook/backup' | '/webhook/backup/fetch', string, string]> = [
        ['/webhook/backup', 'truncated JSON', '{"clientId":'],
        ['/webhook/backup', 'null', 'null'],
        ['/webhook/backup', 'share as a number', JSON.stringify({ clientId: a.clientId, share: 5 })],
        ['/webhook/backup/fetch', 'an empty object', '{}'],
        ['/webhook/backup/fetch', 'truncated JSON', '{"clientId"'],
      ]
      for (const [path, what, body] of hookBodies)
        expectError(await webhook(`POST ${path} with ${what}`, path, body, p.webhookSecret), 400)
    },
    async 'not-found'() {
      const none = await getBackup('GET a method never stored', a, a.clientId, `?backupMethod=NONE-${randomHex(6)}`)
      expectError(none, 404, 'backup_not_found')
      const unknown = await send('GET an unknown route', 'GET', `/clients/${encodeURIComponent(a.clientId)}/backups`, {
        headers: { ...a.headers },
      })
      if (unknown.status !== 404) throw new RowFailure(`GET an unknown route: got ${unknown.status}, want 404`)
      if (errorCodeOf(unknown) === 'backup_not_found')
        throw new RowFailure('GET an unknown route: answered backup_not_found, which clients read as "no backup yet"')
    },
    async erase() {
      // The second client's: the first one's rate-limit budget is spent by the rows before, and a wait costs seconds.
      for (const method of ['CHECK', 'CHECK-ERASE'])
        expectStatus((await storeFor(`POST own backup (${method})`, b, method)).res, 200)
      const erased = await deleteBackup('DELETE own backup', b, b.clientId)
      expectStatus(erased, 204)
      if (erased.text !== '') throw new RowFailure('DELETE own backup: a 204 with a body')
      // Without a method: the latest backup of any method, so a 404 here means none of the two is left.
      expectError(await getBackup('GET after DELETE', b, b.clientId), 404, 'backup_not_found')
      // What a client retrying after a lost answer sends: nothing is left, and it must still succeed.
      expectStatus(await deleteBackup('DELETE own backup again', b, b.clientId), 204)
      const { res: again, cipherText } = await storeFor('POST after DELETE', b, 'CHECK-ERASE')
      expectStatus(again, 200)
      const read = await getBackup('GET after a new POST', b, b.clientId, '?backupMethod=CHECK-ERASE')
      expectStatus(read, 200)
      if (cipherTextOf(read) !== cipherText)
        throw new RowFailure('GET after a new POST: cipherText is not the one stored after the erase')
    },
    async 'webhook-secret'() {
      const clientId = `check-${randomHex(8)}`
      const share = fresh('check-share')
      sent.shares.push(share)
      const body = { clientId, share, backupMethod: 'GDRIVE-SECP256K1' }
      expectError(await webhook('POST /webhook/backup without secret', '/webhook/backup', body), 401, 'unauthorized')
      const wrong = `${p.webhookSecret}-wrong`
      expectError(
        await webhook('POST /webhook/backup, wrong secret', '/webhook/backup', body, wrong),
        401,
        'unauthorized',
      )
      const fetchWrong = await webhook(
        'POST /webhook/backup/fetch, wrong secret',
        '/webhook/backup/fetch',
        { clientId },
        wrong,
      )
      expectError(fetchWrong, 401, 'unauthorized')
      const after = await webhook('fetch after refused stores', '/webhook/backup/fetch', { clientId }, p.webhookSecret)
      expectError(after, 404, 'not_found')
    },
    async 'webhook-round-trip'() {
      const methods = ['GDRIVE-SECP256K1', 'GDRIVE-ED25519']
      const shares = new Map(methods.map((m) => [m, fresh('check-share')]))
      for (const [backupMethod, share] of shares) {
        sent.shares.push(share)
        const res = await webhook(
          `POST /webhook/backup (${backupMethod})`,
          '/webhook/backup',
          { clientId: a.clientId, share, backupMethod },
          p.webhookSecret,
        )
        expectStatus(res, 200)
      }
      const fetched = await webhook(
        'POST /webhook/backup/fetch',
        '/webhook/backup/fetch',
        { clientId: a.clientId },
        p.webhookSecret,
      )
      expectStatus(fetched, 200)
      const body = parseJson(fetched.text) as { backupShares?: unknown; backupShare?: unknown } | undefined
      const list = Array.isArray(body?.backupShares) ? body.backupShares : []
      const missing = methods.filter((m) => !list.includes(shares.get(m)))
      if (missing.length > 0)
        throw new RowFailure(`/webhook/backup/fetch: backupShares lacks the share of ${missing.join(', ')}`)
      if (typeof body?.backupShare !== 'string' || !list.includes(body.backupShare))
        throw new RowFailure('/webhook/backup/fetch: backupShare is not one of backupShares')
      const unknown = await webhook(
        'POST /webhook/backup/fetch (unknown client)',
        '/webhook/backup/fetch',
        { clientId: `check-none-${randomHex(8)}` },
        p.webhookSecret,
      )
      expectError(unknown, 404)
    },
    async 'webhook-deadline'() {
      const hooks = exchanges.filter((ex) => ex.label.includes('/webhook/'))
      if (hooks.length === 0) throw new RowFailure('no webhook request was answered')
      const slow = hooks.filter((ex) => ex.ms > webhookDeadlineMs)
      if (slow.length > 0)
        throw new RowFailure(
          `${slow[0]!.label}: answered after ${Math.round(slow[0]!.ms)} ms (limit ${webhookDeadlineMs} ms)` +
            (slow.length > 1 ? `, and ${slow.length - 1} more` : ''),
        )
    },
    async 'no-echo'() {
      // A header that only names the clientId (the dev mode's X-Client-Id) is no secret: answers may name the client.
      const credentials = p.clients
        .flatMap((c) => Object.values(c.headers).filter((v) => v !== c.clientId))
        .filter((v) => v.length >= 8)
      const never = [p.webhookSecret, ...credentials]
      for (const ex of exchanges) {
        if (never.some((v) => ex.text.includes(v)))
          throw new RowFailure(`${ex.label}: the answer contains a credential or the webhook secret`)
        if (ex.readBack && ex.status === 200) continue
        if ([...sent.cipherTexts, ...sent.shares].some((v) => ex.text.includes(v)))
          throw new RowFailure(
            `${ex.label}: the answer (status ${ex.status}) contains a share or cipherText it was sent`,
          )
      }
    },
  }
}

function randomHex(bytes: number): string {
  const buf = new Uint8Array(bytes)
  globalThis.crypto.getRandomValues(buf)
  return [...buf].map((n) => n.toString(16).padStart(2, '0')).join('')
}
