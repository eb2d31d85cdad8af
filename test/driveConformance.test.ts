// Conformance with Google's official Node client: `@googleapis/drive` drives the Drive emulator (MSW intercepts its
// requests; nothing leaves the machine), and every Drive request the kit sends is replayed through the official
// client to check that both mean the same. The assertions are Google's documented statuses, bodies and fields.
import { createHash } from 'node:crypto'
import { auth, drive, type drive_v3 } from '@googleapis/drive'
import { http, HttpResponse } from 'msw'
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { parseMultipart } from '../src/testing/google/drive/parseMultipart.js'
import { createGoogleEmulator, type GoogleEmulator, type GoogleEmulatorOptions } from '../src/testing/index.js'
import { DRIVE_APPDATA_SCOPE } from '../src/core/index.js'
import { createDriveKeyStore, keyFilePrefix } from '../src/core/clients/driveKeyStore.js'
import { getBackupStatus } from '../src/core/actions/getBackupStatus.js'
import { createWorld, server as kitServer } from './support/nodeHarness.js'

const server = kitServer
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterAll(() => server.close())

let google: GoogleEmulator
let d: drive_v3.Drive
let token: string

function official(accessToken: string): drive_v3.Drive {
  const client = new auth.OAuth2()
  client.setCredentials({ access_token: accessToken })
  return drive({ version: 'v3', auth: client })
}

function world(options: GoogleEmulatorOptions = {}) {
  google = createGoogleEmulator(options)
  server.resetHandlers(...google.handlers)
  token = google.issueToken().access_token
  d = official(token)
}
beforeEach(() => world())

type GoogleError = {
  status: number
  body: {
    error: {
      code: number
      message: string
      status?: string
      errors: Array<Record<string, string>>
      details?: Array<Record<string, unknown>>
    }
  }
}

/** The official client throws a GaxiosError on any non-2xx: its status and Google's JSON body. */
async function failure(call: Promise<unknown>): Promise<GoogleError> {
  let thrown: unknown
  try {
    await call
  } catch (e) {
    thrown = e
  }
  const e = thrown as { status?: number; response?: { status?: number; data?: unknown } } | undefined
  if (!e?.response)
    throw new Error(`expected Google to refuse, got ${thrown === undefined ? 'success' : String(thrown)}`)
  const body = typeof e.response.data === 'string' ? JSON.parse(e.response.data) : e.response.data
  return { status: e.response.status!, body: body as GoogleError['body'] }
}

const create = (name: string, body: string, extra: drive_v3.Schema$File = {}, fields = 'id,name') =>
  d.files.create({
    requestBody: { name, parents: ['appDataFolder'], ...extra },
    media: { mimeType: 'text/plain', body },
    fields,
  })

const md5 = (s: string) => createHash('md5').update(s).digest('hex')

describe('files.create (multipart upload, appDataFolder, appProperties)', () => {
  test('stores content and metadata; answers the fields asked for, or the default brief resource', async () => {
    const made = await create(
      'k.v1.key',
      'hello',
      { appProperties: { key: 'secret-ish' } },
      'id,name,parents,mimeType,size,md5Checksum,headRevisionId,appProperties,spaces',
    )
    expect(made.status).toBe(200)
    expect(made.data).toEqual({
      id: expect.stringMatching(/^[A-Za-z0-9_-]{20,}$/),
      name: 'k.v1.key',
      // Drive answers the folder's real id, not the alias it was given.
      parents: [expect.not.stringMatching(/^appDataFolder$/)],
      mimeType: 'text/plain',
      size: '5',
      md5Checksum: md5('hello'),
      headRevisionId: expect.any(String),
      appProperties: { key: 'secret-ish' },
      spaces: ['appDataFolder'],
    })
    expect(google.files()).toMatchObject([{ name: 'k.v1.key', space: 'appDataFolder', size: 5 }])
    const brief = await create('b', 'x', {}, '')
    expect(Object.keys(brief.data).sort()).toEqual(['id', 'kind', 'mimeType', 'name'])
  })

  test('appProperties over 124 bytes (key + value) are refused with 400', async () => {
    const res = await failure(create('big', 'x', { appProperties: { key: 'v'.repeat(122) } }))
    expect(res.status).toBe(400)
  })
})

describe('files.list (spaces, q forms, fields, paging, orderBy)', () => {
  beforeEach(async () => {
    for (const [name, body] of [
      ['b.key', 'bb'],
      ['a.key', 'a'],
      ['c.txt', 'ccc'],
    ])
      await create(name!, body!)
  })
  const names = (files: drive_v3.Schema$File[] | undefined) => (files ?? []).map((f) => f.name)

  test.each([
    ["name = 'a.key'", ['a.key']],
    // `contains` on a name matches prefixes only (Drive's search reference), not any substring.
    ["name contains 'a'", ['a.key']],
    ["name contains '.key'", []],
    ["'appDataFolder' in parents", ['b.key', 'a.key', 'c.txt']],
    ["name = 'a.key' or name = 'c.txt'", ['a.key', 'c.txt']],
    ["trashed = false and name contains 'key'", ['b.key', 'a.key']],
    ["mimeType = 'text/plain' and not name contains 'key'", ['c.txt']],
    ["name = 'it\\'s'", []],
  ])('q=%s', async (q, expected) => {
    const res = await d.files.list({ spaces: 'appDataFolder', q, fields: 'files(id,name)' })
    expect(res.status).toBe(200)
    expect(names(res.data.files)).toEqual(expected)
  })

  test('fields: partial response; without fields the default list body', async () => {
    const partial = await d.files.list({ spaces: 'appDataFolder', fields: 'files(name,size)' })
    expect(partial.data).toEqual({
      files: [
        { name: 'b.key', size: '2' },
        { name: 'a.key', size: '1' },
        { name: 'c.txt', size: '3' },
      ],
    })
    const full = await d.files.list({ spaces: 'appDataFolder' })
    expect(full.data).toMatchObject({ kind: 'drive#fileList', incompleteSearch: false })
    expect(Object.keys(full.data.files![0]!).sort()).toEqual(['id', 'kind', 'mimeType', 'name'])
  })

  test('paging: pageSize and nextPageToken until it is absent', async () => {
    const seen: string[] = []
    let pageToken: string | undefined
    let pages = 0
    do {
      const res = await d.files.list({
        spaces: 'appDataFolder',
        pageSize: 2,
        fields: 'nextPageToken,files(name)',
        ...(pageToken ? { pageToken } : {}),
      })
      seen.push(...names(res.data.files).map(String))
      pageToken = res.data.nextPageToken ?? undefined
      pages++
    } while (pageToken)
    expect([pages, seen]).toEqual([2, ['b.key', 'a.key', 'c.txt']])
  })

  test('paging with short pages (realism switch): following every token still finds every file', async () => {
    world({ shortPages: true })
    for (const n of ['x', 'y']) await create(n, n)
    const first = await d.files.list({ spaces: 'appDataFolder', fields: 'nextPageToken,files(name)' })
    expect(first.data).toEqual({ files: [], nextPageToken: expect.any(String) })
    const all: string[] = []
    let pageToken: string | undefined = first.data.nextPageToken ?? undefined
    while (pageToken) {
      const res: { data: drive_v3.Schema$FileList } = await d.files.list({
        spaces: 'appDataFolder',
        fields: 'nextPageToken,files(name)',
        pageToken,
      })
      all.push(...names(res.data.files).map(String))
      pageToken = res.data.nextPageToken ?? undefined
    }
    expect(all).toEqual(['x', 'y'])
  })

  test.each([
    ['name', ['a.key', 'b.key', 'c.txt']],
    ['name desc', ['c.txt', 'b.key', 'a.key']],
    ['createdTime desc', ['c.txt', 'a.key', 'b.key']],
    ['modifiedTime', ['b.key', 'a.key', 'c.txt']],
  ])('orderBy=%s', async (orderBy, expected) => {
    expect(names((await d.files.list({ spaces: 'appDataFolder', orderBy, fields: 'files(name)' })).data.files)).toEqual(
      expected,
    )
  })
})

describe('files.get, files.update, files.delete', () => {
  test('get: metadata by id (fields) and content (alt=media)', async () => {
    const { data } = await create('g.key', 'content-1')
    const meta = await d.files.get({ fileId: data.id!, fields: 'id,name,size,md5Checksum,version' })
    expect(meta.data).toEqual({ id: data.id, name: 'g.key', size: '9', md5Checksum: md5('content-1'), version: '1' })
    const media = await d.files.get({ fileId: data.id!, alt: 'media' }, { responseType: 'text' })
    expect(media.data).toBe('content-1')
  })

  test('update: metadata only, media only, both; version, md5 and head revision follow', async () => {
    const { data } = await create('u.key', 'one', { appProperties: { key: 'a' } })
    const fileId = data.id!
    const meta = async () =>
      (await d.files.get({ fileId, fields: 'name,version,md5Checksum,headRevisionId,appProperties' })).data
    const v1 = await meta()

    const renamed = await d.files.update({
      fileId,
      requestBody: { name: 'u2.key', appProperties: { key: null as unknown as string } },
      fields: 'id,name',
    })
    expect(renamed.data).toEqual({ id: fileId, name: 'u2.key' })
    const v2 = await meta()
    expect(v2).toMatchObject({
      name: 'u2.key',
      version: '2',
      md5Checksum: v1.md5Checksum,
      headRevisionId: v1.headRevisionId,
    })
    expect(v2.appProperties).toBeUndefined()

    await d.files.update({ fileId, media: { mimeType: 'text/plain', body: 'two' } })
    const v3 = await meta()
    expect(v3).toMatchObject({ name: 'u2.key', version: '3', md5Checksum: md5('two') })
    expect(v3.headRevisionId).not.toBe(v2.headRevisionId)

    await d.files.update({ fileId, requestBody: { name: 'u3.key' }, media: { mimeType: 'text/plain', body: 'three' } })
    expect(await meta()).toMatchObject({ name: 'u3.key', version: '4', md5Checksum: md5('three') })
    expect((await d.files.get({ fileId, alt: 'media' }, { responseType: 'text' })).data).toBe('three')
  })

  test('delete: 204, then the id is 404 notFound', async () => {
    const { data } = await create('del.key', 'x')
    expect((await d.files.delete({ fileId: data.id! })).status).toBe(204)
    const gone = await failure(d.files.get({ fileId: data.id! }))
    expect(gone).toEqual({
      status: 404,
      body: {
        error: {
          code: 404,
          message: `File not found: ${data.id}.`,
          status: 'NOT_FOUND',
          errors: [
            {
              domain: 'global',
              reason: 'notFound',
              message: `File not found: ${data.id}.`,
              location: 'fileId',
              locationType: 'parameter',
            },
          ],
        },
      },
    })
  })
})

describe("Google's documented errors", () => {
  test('unknown name in fields: 400 invalidParameter "Invalid field selection <name>" (list and get)', async () => {
    const list = await failure(d.files.list({ spaces: 'appDataFolder', fields: 'nextPageToken,items(id)' }))
    expect(list.status).toBe(400)
    expect(list.body.error).toMatchObject({ code: 400, message: 'Invalid field selection items' })
    expect(list.body.error.errors).toEqual([
      {
        domain: 'global',
        reason: 'invalidParameter',
        message: 'Invalid field selection items',
        location: 'fields',
        locationType: 'parameter',
      },
    ])
    const { data } = await create('f', 'x')
    expect((await failure(d.files.get({ fileId: data.id!, fields: 'id,title' }))).body.error.message).toBe(
      'Invalid field selection title',
    )
  })

  test('invalid pageToken and invalid q: 400 invalid at that parameter', async () => {
    const page = await failure(d.files.list({ spaces: 'appDataFolder', pageToken: 'not-a-token' }))
    expect(page.status).toBe(400)
    expect(page.body.error.errors[0]).toMatchObject({
      reason: 'invalid',
      location: 'pageToken',
      locationType: 'parameter',
    })
    const q = await failure(d.files.list({ spaces: 'appDataFolder', q: "name === 'x'" }))
    expect(q.body.error.errors[0]).toMatchObject({ reason: 'invalid', location: 'q' })
  })

  test('parents in an update body: 403 fieldNotWritable (addParents/removeParents move files)', async () => {
    const { data } = await create('p', 'x')
    const res = await failure(d.files.update({ fileId: data.id!, requestBody: { parents: ['appDataFolder'] } }))
    expect(res.status).toBe(403)
    expect(res.body.error).toMatchObject({
      code: 403,
      message: 'The resource body includes fields which are not directly writable.',
    })
    expect(res.body.error.errors[0]).toMatchObject({ domain: 'global', reason: 'fieldNotWritable' })
  })

  test('a drive.file-only token on the app data folder: 403 insufficientScopes (list and create)', async () => {
    d = official(google.issueToken({ scope: 'https://www.googleapis.com/auth/drive.file' }).access_token)
    const list = await failure(d.files.list({ spaces: 'appDataFolder' }))
    expect(list.status).toBe(403)
    expect(list.body.error.errors[0]).toMatchObject({
      reason: 'insufficientScopes',
      message: 'The granted scopes do not give access to all of the requested spaces.',
    })
    const made = await failure(create('x', 'y'))
    expect(made.body.error.errors[0]).toMatchObject({
      reason: 'insufficientScopes',
      message: 'The granted scopes do not allow use of the Application Data folder.',
    })
  })

  test('a token with no Drive scope at all: 403 insufficientPermissions', async () => {
    d = official(google.issueToken({ scope: 'openid email' }).access_token)
    const res = await failure(d.files.list({ spaces: 'appDataFolder' }))
    expect(res.status).toBe(403)
    expect(res.body.error).toMatchObject({
      message: 'Request had insufficient authentication scopes.',
      status: 'PERMISSION_DENIED',
    })
    expect(res.body.error.errors[0]).toMatchObject({ reason: 'insufficientPermissions' })
  })

  test('the Drive API not enabled in the Cloud project: 403 accessNotConfigured with SERVICE_DISABLED details', async () => {
    google.setDriveApiEnabled(false)
    const res = await failure(d.files.list({ spaces: 'appDataFolder' }))
    expect(res.status).toBe(403)
    expect(res.body.error.errors[0]).toMatchObject({
      domain: 'usageLimits',
      reason: 'accessNotConfigured',
      extendedHelp: expect.stringContaining('drive.googleapis.com'),
    })
    expect(res.body.error.message).toMatch(
      /^Google Drive API has not been used in project \d+ before or it is disabled\. Enable it by visiting https:\/\//,
    )
    expect(res.body.error.details?.[0]).toMatchObject({
      '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
      reason: 'SERVICE_DISABLED',
      domain: 'googleapis.com',
      metadata: { service: 'drive.googleapis.com' },
    })
  })

  test('an expired token: 401 authError at the Authorization header', async () => {
    google.expire(token)
    const res = await failure(d.files.list({ spaces: 'appDataFolder' }))
    expect(res.status).toBe(401)
    expect(res.body.error).toMatchObject({ code: 401, status: 'UNAUTHENTICATED' })
    expect(res.body.error.errors).toEqual([
      {
        domain: 'global',
        reason: 'authError',
        message: 'Invalid Credentials',
        location: 'Authorization',
        locationType: 'header',
      },
    ])
  })

  test('over the storage quota: 403 storageQuotaExceeded in usageLimits', async () => {
    world({ storageQuotaBytes: 4 })
    const res = await failure(create('q', 'too long'))
    expect(res.status).toBe(403)
    expect(res.body.error.errors[0]).toMatchObject({ domain: 'usageLimits', reason: 'storageQuotaExceeded' })
  })
})

// -- Every request the kit sends, replayed through the official client --------------------------------------------

type Seen = {
  method: string
  path: string
  query: Record<string, string>
  metadata?: unknown
  media?: { type: string; body: string }
  json?: unknown
}

async function normalise(request: Request): Promise<Seen> {
  const url = new URL(request.url)
  const query = Object.fromEntries([...url.searchParams].sort(([a], [b]) => a.localeCompare(b)))
  const seen: Seen = { method: request.method, path: url.pathname, query }
  const type = request.headers.get('content-type')
  const bytes = new Uint8Array(await request.clone().arrayBuffer())
  if (type?.startsWith('multipart/')) {
    const [meta, media] = parseMultipart(bytes, type) ?? []
    seen.metadata = JSON.parse(new TextDecoder().decode(meta!.body))
    if (media)
      seen.media = { type: media.headers['content-type']!.split(';')[0]!, body: new TextDecoder().decode(media.body) }
  } else if (bytes.length) seen.json = JSON.parse(new TextDecoder().decode(bytes))
  return seen
}

/** The same operation through @googleapis/drive, from what the kit's request says. */
function replay(client: drive_v3.Drive, kit: Seen): Promise<unknown> {
  const id = decodeURIComponent(kit.path.split('/').at(-1)!)
  const q = kit.query
  const fields = q['fields'] !== undefined ? { fields: q['fields'] } : {}
  const media = kit.media && { media: { mimeType: kit.media.type, body: kit.media.body } }
  if (kit.method === 'GET' && kit.path === '/drive/v3/about') return client.about.get({ fields: q['fields']! })
  if (kit.method === 'GET' && kit.path === '/drive/v3/files')
    return client.files.list({
      ...(q['spaces'] ? { spaces: q['spaces'] } : {}),
      ...(q['q'] ? { q: q['q'] } : {}),
      ...fields,
      ...(q['pageToken'] ? { pageToken: q['pageToken'] } : {}),
    })
  if (kit.method === 'GET') return client.files.get({ fileId: id, ...(q['alt'] ? { alt: q['alt'] } : {}), ...fields })
  if (kit.method === 'DELETE') return client.files.delete({ fileId: id })
  const requestBody = (kit.metadata ?? kit.json) as drive_v3.Schema$File
  if (kit.method === 'POST') return client.files.create({ requestBody, ...media, ...fields })
  return client.files.update({ fileId: id, requestBody, ...media, ...fields })
}

describe("the kit's Drive requests mean the same through the official client", () => {
  test('backup, status, recovery, backup again (with pruning) and a second page: every request replayed', async () => {
    const w = createWorld({ google: { shortPages: true } })
    const pending: Array<Promise<Seen>> = []
    const record = ({ request }: { request: Request }) => {
      if (new URL(request.url).hostname === 'www.googleapis.com') pending.push(normalise(request))
    }
    server.events.on('request:start', record)
    try {
      await w.backup()
      await getBackupStatus(w.config, { accessToken: w.token })
      await w.newDevice().recover()
      await w.backup()
      // Pruning runs after the flow; wait until it has listed and deleted.
      await expect.poll(() => w.google.files().length).toBe(1)
      // A record from an older kit (no file id): status lists by name.
      const { keyFileId: _id, ...old } = w.share.rows()[0]!
      w.share.putRow(old)
      await getBackupStatus(w.config, { accessToken: w.token })
      // The store's other requests: find-then-update of an existing name (PATCH) and a key read by content.
      const store = createDriveKeyStore({ accessToken: w.token })
      const first = await store.write(`${keyFilePrefix(w.clientId)}manual.key`, 'k1')
      await store.write(`${keyFilePrefix(w.clientId)}manual.key`, 'k2')
      expect(await store.readById(first.id)).toBe('k2')
    } finally {
      server.events.removeListener('request:start', record)
    }
    const kitRequests = await Promise.all(pending)
    expect(kitRequests.length).toBeGreaterThanOrEqual(10)
    // Key file listings ask for today's names and the earlier ones in one query (the exact parse then decides).
    expect(kitRequests.map((r) => r.query['q'])).toContain(
      `(name contains '${keyFilePrefix(w.clientId)}' or name contains 'react-mpc-backup.${w.clientId}.v') and trashed=false`,
    )
    const kinds = new Set(
      kitRequests.map(
        (r) =>
          `${r.method} ${r.path.replace(/files\/[^/]+$/, 'files/:id')}${r.query['alt'] ? '?alt' : ''}${r.query['pageToken'] ? '?pageToken' : ''}`,
      ),
    )
    expect([...kinds].sort()).toEqual([
      'DELETE /drive/v3/files/:id',
      'GET /drive/v3/about',
      'GET /drive/v3/files',
      'GET /drive/v3/files/:id',
      'GET /drive/v3/files/:id?alt',
      'GET /drive/v3/files?pageToken',
      'PATCH /upload/drive/v3/files/:id',
      'POST /upload/drive/v3/files',
    ])

    // Replay: the official client's request, caught before it reaches any emulator, must say the same.
    const replayed: Seen[] = []
    server.use(
      http.all('https://www.googleapis.com/*', async ({ request }) => {
        replayed.push(await normalise(request))
        return request.method === 'DELETE' ? new HttpResponse(null, { status: 204 }) : HttpResponse.json({})
      }),
    )
    const client = official(google.issueToken({ scope: DRIVE_APPDATA_SCOPE }).access_token)
    for (const kit of kitRequests) await replay(client, kit)
    expect(replayed).toEqual(kitRequests)
  })
})
