import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { createGoogleEmulator, type GoogleEmulator } from './createGoogleEmulator.js'
import { DRIVE_APPDATA_SCOPE } from './googleScopes.js'
import { gisEmulatorTokenUrl, gisRevokeUrl, gisStandInUrl } from './gis/gisStandInScript.js'

const API = 'https://www.googleapis.com'
const server = setupServer()
let google: GoogleEmulator
let token: string

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterAll(() => server.close())
beforeEach(() => {
  google = createGoogleEmulator()
  server.resetHandlers(...google.handlers)
  token = google.issueToken().access_token
})

const auth = (t = token) => ({ Authorization: `Bearer ${t}` })

async function create(name: string, content: string, t = token): Promise<Response> {
  const boundary = 'emu-boundary-42'
  const body =
    `--${boundary}\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n` +
    JSON.stringify({ name, parents: ['appDataFolder'], mimeType: 'application/json' }) +
    `\r\n--${boundary}\r\nContent-Type: application/json\r\n\r\n${content}\r\n--${boundary}--`
  return fetch(`${API}/upload/drive/v3/files?uploadType=multipart&fields=id,name,parents`, {
    method: 'POST',
    headers: { ...auth(t), 'Content-Type': `multipart/related; boundary=${boundary}` },
    body,
  })
}

async function list(q: string, t = token, extra = ''): Promise<Response> {
  const params = new URLSearchParams({ spaces: 'appDataFolder', q, fields: 'files(id,name,modifiedTime,size)' })
  return fetch(`${API}/drive/v3/files?${params}${extra}`, { headers: auth(t) })
}

describe('Drive v3 appDataFolder', () => {
  it('create -> list with q -> update media -> get alt=media -> delete', async () => {
    const created = await create('key.v1.json', '{"k":1}')
    expect(created.status).toBe(200)
    const file = (await created.json()) as { id: string; name: string; parents: string[] }
    expect(file.name).toBe('key.v1.json')
    // Drive answers the folder's real id, not the alias.
    expect(file.parents).toHaveLength(1)
    expect(file.parents[0]).not.toBe('appDataFolder')

    await create('other.json', '{}')
    const found = await list("name='key.v1.json' and trashed=false")
    expect(found.status).toBe(200)
    const listing = (await found.json()) as {
      files: Array<{ id: string; name: string; modifiedTime: string; size: string }>
    }
    expect(listing.files.map((f) => f.name)).toEqual(['key.v1.json'])
    expect(listing.files[0]?.size).toBe('7')

    expect(((await (await list("name contains 'key'")).json()) as { files: unknown[] }).files).toHaveLength(1)
    expect(((await (await list("'appDataFolder' in parents")).json()) as { files: unknown[] }).files).toHaveLength(2)
    expect(
      ((await (await list("name = 'nope' or name = 'other.json'")).json()) as { files: unknown[] }).files,
    ).toHaveLength(1)

    const updated = await fetch(`${API}/upload/drive/v3/files/${file.id}?uploadType=media`, {
      method: 'PATCH',
      headers: { ...auth(), 'Content-Type': 'application/json' },
      body: '{"k":2}',
    })
    expect(updated.status).toBe(200)
    expect(((await updated.json()) as { id: string }).id).toBe(file.id)

    const read = await fetch(`${API}/drive/v3/files/${file.id}?alt=media`, { headers: auth() })
    expect(read.status).toBe(200)
    expect(await read.text()).toBe('{"k":2}')
    expect(google.readFile(file.id)?.text).toBe('{"k":2}')

    const meta = await fetch(`${API}/drive/v3/files/${file.id}?fields=id,name,version`, { headers: auth() })
    expect(await meta.json()).toEqual({ id: file.id, name: 'key.v1.json', version: '2' })

    const ordered = await list('trashed = false', token, '&orderBy=modifiedTime%20desc')
    expect(((await ordered.json()) as { files: Array<{ name: string }> }).files.map((f) => f.name)).toEqual([
      'key.v1.json',
      'other.json',
    ])

    const deleted = await fetch(`${API}/drive/v3/files/${file.id}`, { method: 'DELETE', headers: auth() })
    expect(deleted.status).toBe(204)
    expect(await deleted.text()).toBe('')
    const gone = await fetch(`${API}/drive/v3/files/${file.id}?alt=media`, { headers: auth() })
    expect(gone.status).toBe(404)
    expect(((await gone.json()) as { error: { errors: Array<{ reason: string }> } }).error.errors[0]?.reason).toBe(
      'notFound',
    )
    expect(google.files().map((f) => f.name)).toEqual(['other.json'])
  })

  it('appProperties: set at create, listed only when fields ask, private to the app that set them, limits enforced', async () => {
    const boundary = 'props-boundary'
    const createWith = (appProperties: unknown) =>
      fetch(`${API}/upload/drive/v3/files?uploadType=multipart&fields=id,appProperties`, {
        method: 'POST',
        headers: { ...auth(), 'Content-Type': `multipart/related; boundary=${boundary}` },
        body:
          `--${boundary}\r\nContent-Type: application/json\r\n\r\n${JSON.stringify({ name: 'p.key', parents: ['appDataFolder'], appProperties })}` +
          `\r\n--${boundary}\r\nContent-Type: text/plain\r\n\r\nbody\r\n--${boundary}--`,
      })
    const made = (await (await createWith({ k: 'v1' })).json()) as { id: string; appProperties: Record<string, string> }
    expect(made.appProperties).toEqual({ k: 'v1' })

    const listed = async (fields: string, t = token) => {
      const params = new URLSearchParams({ spaces: 'appDataFolder', q: "name='p.key'", fields })
      return (
        (await (await fetch(`${API}/drive/v3/files?${params}`, { headers: auth(t) })).json()) as {
          files?: Array<Record<string, unknown>>
        }
      ).files
    }
    expect(await listed('files(id,name,appProperties)')).toEqual([
      { id: made.id, name: 'p.key', appProperties: { k: 'v1' } },
    ])
    expect(await listed('files(id,name)')).toEqual([{ id: made.id, name: 'p.key' }])

    // Another OAuth client (app) of the same account sees neither the appDataFolder file nor, in Drive, its properties.
    const otherApp = google.issueToken({ clientId: 'other-app' }).access_token
    expect(await listed('files(id,appProperties)', otherApp)).toEqual([])

    // PATCH merges; null removes a key.
    const patch = (appProperties: unknown) =>
      fetch(`${API}/drive/v3/files/${made.id}?fields=appProperties`, {
        method: 'PATCH',
        headers: { ...auth(), 'Content-Type': 'application/json' },
        body: JSON.stringify({ appProperties }),
      })
    expect(await (await patch({ extra: 'x' })).json()).toEqual({ appProperties: { k: 'v1', extra: 'x' } })
    expect(await (await patch({ k: null, extra: null })).json()).toEqual({})

    // 124 bytes of UTF-8 for key + value, string values only.
    expect((await createWith({ k: 'x'.repeat(123) })).status).toBe(200)
    const tooLong = await createWith({ k: 'x'.repeat(124) })
    expect(tooLong.status).toBe(400)
    expect(((await tooLong.json()) as { error: { errors: Array<{ reason: string }> } }).error.errors[0]?.reason).toBe(
      'badRequest',
    )
    expect((await createWith({ k: 'é'.repeat(62) })).status).toBe(400)
    expect((await createWith({ k: 1 })).status).toBe(400)
  })

  it('accepts multipart/form-data uploads too (FormData)', async () => {
    const form = new FormData()
    form.append(
      'metadata',
      new Blob([JSON.stringify({ name: 'f.bin', parents: ['appDataFolder'] })], { type: 'application/json' }),
    )
    form.append('file', new Blob([new Uint8Array([0, 255, 128, 10])], { type: 'application/octet-stream' }))
    const res = await fetch(`${API}/upload/drive/v3/files?uploadType=multipart`, {
      method: 'POST',
      headers: auth(),
      body: form,
    })
    expect(res.status).toBe(200)
    const { id } = (await res.json()) as { id: string }
    expect([...(google.readFile(id)?.bytes ?? [])]).toEqual([0, 255, 128, 10])
  })

  it('pages with pageSize / nextPageToken', async () => {
    for (const n of ['a', 'b', 'c']) await create(n, n)
    const page = async (token?: string) => {
      const params = new URLSearchParams({
        spaces: 'appDataFolder',
        pageSize: '2',
        fields: 'nextPageToken,files(name)',
      })
      if (token) params.set('pageToken', token)
      return (await (await fetch(`${API}/drive/v3/files?${params}`, { headers: auth() })).json()) as {
        nextPageToken?: string
        files: Array<{ name: string }>
      }
    }
    const first = await page()
    expect(first.files.map((f) => f.name)).toEqual(['a', 'b'])
    const second = await page(first.nextPageToken)
    expect(second).toEqual({ files: [{ name: 'c' }] })
  })

  it('names are not unique: two creates make two files', async () => {
    await create('same.json', 'a')
    await create('same.json', 'b')
    const listing = (await (await list("name='same.json'")).json()) as { files: Array<{ id: string }> }
    expect(listing.files).toHaveLength(2)
    expect(new Set(listing.files.map((f) => f.id)).size).toBe(2)
  })

  it('putFile seeds a file with the id and times it had elsewhere; Drive serves it under that id', async () => {
    const seeded = google.putFile({
      id: '1seededFileId0123456789abcdefghij',
      name: 'seeded.key',
      content: 'k',
      appProperties: { key: 'k' },
      createdTime: '2026-01-02T03:04:05.006Z',
      modifiedTime: '2026-01-02T03:04:06.007Z',
    })
    expect(seeded).toMatchObject({ id: '1seededFileId0123456789abcdefghij', createdTime: '2026-01-02T03:04:05.006Z' })
    const got = await fetch(`${API}/drive/v3/files/${seeded.id}?fields=id,name,modifiedTime,appProperties`, {
      headers: auth(),
    })
    expect(await got.json()).toEqual({
      id: seeded.id,
      name: 'seeded.key',
      modifiedTime: '2026-01-02T03:04:06.007Z',
      appProperties: { key: 'k' },
    })
    expect(google.files().map((f) => f.id)).toEqual([seeded.id])
    expect(() => google.putFile({ id: seeded.id, name: 'again.key', content: 'x' })).toThrow(/exists/)
    expect(google.files()).toHaveLength(1)
  })

  it('401 with Google’s body for expired, revoked, unknown and missing tokens', async () => {
    google.expire(token)
    const res = await list('')
    expect(res.status).toBe(401)
    expect(await res.json()).toEqual({
      error: {
        code: 401,
        message: expect.stringContaining('invalid authentication credentials'),
        status: 'UNAUTHENTICATED',
        errors: [
          {
            domain: 'global',
            reason: 'authError',
            message: 'Invalid Credentials',
            location: 'Authorization',
            locationType: 'header',
          },
        ],
      },
    })
    const other = google.issueToken().access_token
    google.revoke(other)
    expect((await list('', other)).status).toBe(401)
    expect((await list('', 'ya29.unknown')).status).toBe(401)
    const missing = await fetch(`${API}/drive/v3/files?spaces=appDataFolder`)
    expect(missing.status).toBe(401)
    expect(((await missing.json()) as { error: { status: string } }).error.status).toBe('UNAUTHENTICATED')
  })

  it('403 insufficientPermissions for a token without drive.appdata', async () => {
    const noScope = google.issueToken({ scope: 'openid email profile' }).access_token
    const res = await list('', noScope)
    expect(res.status).toBe(403)
    const body = (await res.json()) as { error: { code: number; status: string; errors: Array<{ reason: string }> } }
    expect(body.error.code).toBe(403)
    expect(body.error.status).toBe('PERMISSION_DENIED')
    expect(body.error.errors[0]?.reason).toBe('insufficientPermissions')
    expect((await create('x', 'y', noScope)).status).toBe(403)
  })

  it("the app data scope is Google's name for it (the emulator uses the kit's constant: this pins its value)", () => {
    expect(DRIVE_APPDATA_SCOPE).toBe('https://www.googleapis.com/auth/drive.appdata')
  })

  it("another account's token sees nothing", async () => {
    const created = (await (await create('mine.json', 'secret')).json()) as { id: string }
    const other = google.issueToken({ account: 'other@example.com' }).access_token
    expect(((await (await list('', other)).json()) as { files: unknown[] }).files).toEqual([])
    expect((await fetch(`${API}/drive/v3/files/${created.id}?alt=media`, { headers: auth(other) })).status).toBe(404)
    expect(
      (await fetch(`${API}/drive/v3/files/${created.id}`, { method: 'DELETE', headers: auth(other) })).status,
    ).toBe(404)
    expect(google.files('other@example.com')).toEqual([])
    expect(google.files('user@example.com')).toHaveLength(1)
  })

  it('listing the drive space with only drive.appdata is refused; bad q is 400', async () => {
    const res = await fetch(`${API}/drive/v3/files`, { headers: auth() })
    expect(res.status).toBe(403)
    expect((await list("name === 'x'")).status).toBe(400)
  })

  it.each([
    ['drive.list', () => list('')],
    ['drive.create', () => create('a', 'b')],
    ['drive.get', () => fetch(`${API}/drive/v3/files/x?alt=media`, { headers: auth() })],
    [
      'drive.update',
      () => fetch(`${API}/upload/drive/v3/files/x?uploadType=media`, { method: 'PATCH', headers: auth(), body: 'z' }),
    ],
    ['drive.delete', () => fetch(`${API}/drive/v3/files/x`, { method: 'DELETE', headers: auth() })],
  ] as const)('fault switch on %s: status, reason, retryAfter, times', async (endpoint, call) => {
    google.faults.set(endpoint, { status: 429, reason: 'rateLimitExceeded', retryAfter: 2 }, { times: 1 })
    const faulty = await call()
    expect(faulty.status).toBe(429)
    expect(faulty.headers.get('retry-after')).toBe('2')
    const body = (await faulty.json()) as { error: { errors: Array<{ reason: string; domain: string }> } }
    expect(body.error.errors[0]).toMatchObject({ reason: 'rateLimitExceeded', domain: 'usageLimits' })
    // `times` spent: the next request is served normally.
    const next = await call()
    expect([200, 204, 404]).toContain(next.status)
    expect(google.faults.active()).toEqual([])
  })

  it('fault switch: 403 storageQuotaExceeded, 503, network error, delay; clear()', async () => {
    google.faults.set('drive.create', { status: 403, reason: 'storageQuotaExceeded' })
    for (let i = 0; i < 2; i++) {
      const res = await create('a', 'b')
      expect(res.status).toBe(403)
      expect(((await res.json()) as { error: { errors: Array<{ reason: string }> } }).error.errors[0]?.reason).toBe(
        'storageQuotaExceeded',
      )
    }
    google.faults.clear()
    expect((await create('a', 'b')).status).toBe(200)

    google.faults.set('drive.list', { status: 503 }, { times: 2 })
    expect((await list('')).status).toBe(503)
    expect((await list('')).status).toBe(503)
    expect((await list('')).status).toBe(200)

    google.faults.set('drive.get', { networkError: true }, { times: 1 })
    await expect(fetch(`${API}/drive/v3/files/x`, { headers: auth() })).rejects.toThrow(TypeError)
  })

  describe('a delay fault holds the request until its timer fires', () => {
    // Only setTimeout is faked: the delay is the emulator's timer, so the test moves it instead of sleeping.
    beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout'] }))
    afterEach(() => vi.useRealTimers())

    it('{ delayMs: 120 }: no answer at 119 ms, a normal answer at 120 ms', async () => {
      google.faults.set('drive.list', { delayMs: 120 }, { times: 1 })
      let answered = false
      const pending = list('').then((res) => {
        answered = true
        return res
      })
      // The request has reached the fault once its timer exists (setImmediate is real: it only lets the request run).
      while (vi.getTimerCount() === 0) await new Promise((r) => setImmediate(r))
      expect(vi.getTimerCount()).toBe(1)
      await vi.advanceTimersByTimeAsync(119)
      expect(answered).toBe(false)
      await vi.advanceTimersByTimeAsync(1)
      expect((await pending).status).toBe(200)
    })
  })

  it('{ until }: the request is held until the promise settles, then served normally', async () => {
    let release!: () => void
    google.faults.set('drive.create', { until: new Promise<void>((r) => (release = r)) }, { times: 1 })
    let answered = false
    const pending = create('held.key', 'k').then((res) => {
      answered = true
      return res
    })
    // Other calls go on meanwhile; the held one has not been served.
    expect((await list('')).status).toBe(200)
    expect(answered).toBe(false)
    expect(google.files()).toEqual([])
    release()
    expect((await pending).status).toBe(200)
    expect(google.files().map((f) => f.name)).toEqual(['held.key'])
  })

  it('serves the GIS stand-in script and the consent endpoint (Node: records calls from the request)', async () => {
    const script = await fetch(gisStandInUrl)
    expect(script.headers.get('content-type')).toMatch(/javascript/)
    expect(await script.text()).toContain('initTokenClient')

    google.consent.next('dropScope')
    const post = (body: object) =>
      fetch(gisEmulatorTokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
    const dropped = (await (
      await post({ client_id: 'c', scope: `openid ${DRIVE_APPDATA_SCOPE}`, call: { inUserEvent: true } })
    ).json()) as {
      callback: { scope: string; access_token: string }
    }
    expect(dropped.callback.scope.split(' ')).not.toContain(DRIVE_APPDATA_SCOPE)
    const approved = (await (await post({ client_id: 'c', scope: DRIVE_APPDATA_SCOPE })).json()) as {
      callback: { access_token: string; scope: string }
    }
    expect(approved.callback.scope.split(' ')).toContain(DRIVE_APPDATA_SCOPE)
    expect(google.tokenInfo(approved.callback.access_token)?.account).toBe('user@example.com')
    expect(google.calls.map((c) => c.kind === 'requestAccessToken' && [c.outcome, c.inUserEvent])).toEqual([
      ['dropScope', true],
      ['approve', false],
    ])

    google.faults.set('gis.script', { status: 500 }, { times: 1 })
    expect((await fetch(gisStandInUrl)).status).toBe(500)
  })
})

describe('the emulator clock (`now`): every time it compares or stamps is read from it', () => {
  let clock = Date.UTC(2026, 0, 1)
  beforeEach(() => {
    clock = Date.UTC(2026, 0, 1)
    google = createGoogleEmulator({ now: () => clock, tokenLifetimeSeconds: 60 })
    server.resetHandlers(...google.handlers)
  })

  it('a token expires when the clock reaches expiresAt (Drive 401, revoke 400), not when the machine says so', async () => {
    const issued = google.issueToken()
    expect(issued.expires_in).toBe(60)
    expect(google.tokenInfo(issued.access_token)?.expiresAt).toBe(clock + 60_000)
    clock += 59_999
    expect((await list('', issued.access_token)).status).toBe(200)
    clock += 1
    expect((await list('', issued.access_token)).status).toBe(401)
    const revoke = await fetch(gisRevokeUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: issued.access_token }),
    })
    expect(revoke.status).toBe(400)

    const other = google.issueToken().access_token
    google.expire(other)
    expect(google.tokenInfo(other)?.expiresAt).toBe(clock - 1)
    expect((await list('', other)).status).toBe(401)
  })

  it('createdTime and modifiedTime are stamped from the clock (strictly increasing when it stands still)', async () => {
    const t = google.issueToken().access_token
    const made = google.putFile({ name: 'a', content: 'x' })
    expect(made.createdTime).toBe(new Date(clock).toISOString())
    await create('b', 'y', t)
    expect(google.files().find((f) => f.name === 'b')?.modifiedTime).toBe(new Date(clock + 1).toISOString())
    clock += 30_000
    const res = await fetch(`${API}/upload/drive/v3/files/${made.id}?uploadType=media&fields=modifiedTime`, {
      method: 'PATCH',
      headers: { ...auth(t), 'content-type': 'text/plain' },
      body: 'z',
    })
    expect(await res.json()).toEqual({ modifiedTime: new Date(clock).toISOString() })
  })
})

describe('Drive realism switches (opt-in; defaults stay fast and deterministic)', () => {
  const use = (options: Parameters<typeof createGoogleEmulator>[0]) => {
    google = createGoogleEmulator(options)
    server.resetHandlers(...google.handlers)
    token = google.issueToken().access_token
  }
  const names = async (res: Response) =>
    ((await res.json()) as { files: Array<{ name: string }> }).files.map((f) => f.name)

  it('nameQueryLagMs: name queries miss a file created or renamed moments ago (by the emulator clock); get by id and non-name queries see it', async () => {
    // The lag is measured on the injected clock, so the outcome does not depend on how fast this machine runs.
    let clock = Date.UTC(2026, 0, 1)
    use({ nameQueryLagMs: 150, now: () => clock })
    const made = (await (await create('fresh.key', 'k')).json()) as { id: string }
    expect(await names(await list("name = 'fresh.key'"))).toEqual([])
    expect(await names(await list("name contains 'fresh'"))).toEqual([])
    expect(await names(await list("'appDataFolder' in parents"))).toEqual(['fresh.key'])
    expect((await fetch(`${API}/drive/v3/files/${made.id}?fields=id,name`, { headers: auth() })).status).toBe(200)
    clock += 149
    expect(await names(await list("name = 'fresh.key'"))).toEqual([])
    clock += 1
    expect(await names(await list("name = 'fresh.key'"))).toEqual(['fresh.key'])
    const renamed = await fetch(`${API}/drive/v3/files/${made.id}`, {
      method: 'PATCH',
      headers: { ...auth(), 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'renamed.key' }),
    })
    expect(renamed.status).toBe(200)
    expect(await names(await list("name = 'renamed.key'"))).toEqual([])
    expect(await names(await list("'appDataFolder' in parents"))).toEqual(['renamed.key'])
    clock += 100
    expect(await names(await list("name = 'renamed.key'"))).toEqual([])
    clock += 50
    expect(await names(await list("name = 'renamed.key'"))).toEqual(['renamed.key'])
  })

  it('shortPages: an empty first page with a nextPageToken, then one file per other page; following every token finds all', async () => {
    use({ shortPages: true })
    for (const n of ['a', 'b', 'c']) await create(n, n)
    const pages: Array<{ files: Array<{ name: string }>; nextPageToken?: string }> = []
    let pageToken: string | undefined
    do {
      const params = new URLSearchParams({ spaces: 'appDataFolder', fields: 'nextPageToken,files(name)' })
      if (pageToken) params.set('pageToken', pageToken)
      const page = (await (
        await fetch(`${API}/drive/v3/files?${params}`, { headers: auth() })
      ).json()) as (typeof pages)[number]
      pages.push(page)
      pageToken = page.nextPageToken
    } while (pageToken)
    expect(pages[0]).toEqual({ files: [], nextPageToken: expect.any(String) })
    expect(pages.flatMap((p) => p.files.map((f) => f.name))).toEqual(['a', 'b', 'c'])
    expect(pages.map((p) => p.files.length)).toEqual([0, 1, 0, 1, 0, 1])
  })

  it('400 on an invalid pageToken and on an unknown name in fields (Google refuses, not drops)', async () => {
    const bad = await fetch(`${API}/drive/v3/files?spaces=appDataFolder&pageToken=%21%21not-a-token`, {
      headers: auth(),
    })
    expect(bad.status).toBe(400)
    expect(((await bad.json()) as { error: { errors: unknown[] } }).error.errors[0]).toMatchObject({
      reason: 'invalid',
      location: 'pageToken',
      locationType: 'parameter',
    })
    for (const fields of ['files(id,title)', 'items(id)', 'nextPageToken,bogus']) {
      const res = await list('', token).then(() =>
        fetch(`${API}/drive/v3/files?spaces=appDataFolder&fields=${encodeURIComponent(fields)}`, { headers: auth() }),
      )
      expect(res.status).toBe(400)
      const body = (await res.json()) as { error: { message: string; errors: unknown[] } }
      expect(body.error.message).toMatch(/^Invalid field selection (title|items|bogus)$/)
      expect(body.error.errors[0]).toMatchObject({
        domain: 'global',
        reason: 'invalidParameter',
        location: 'fields',
        locationType: 'parameter',
      })
    }
    const made = (await (await create('f', 'x')).json()) as { id: string }
    expect((await fetch(`${API}/drive/v3/files/${made.id}?fields=id,nope`, { headers: auth() })).status).toBe(400)
  })

  it('403 fieldNotWritable for parents in an update body', async () => {
    const made = (await (await create('f', 'x')).json()) as { id: string }
    const res = await fetch(`${API}/drive/v3/files/${made.id}`, {
      method: 'PATCH',
      headers: { ...auth(), 'content-type': 'application/json' },
      body: JSON.stringify({ parents: ['appDataFolder'] }),
    })
    expect(res.status).toBe(403)
    expect(((await res.json()) as { error: { errors: unknown[] } }).error.errors[0]).toMatchObject({
      reason: 'fieldNotWritable',
    })
  })

  it('403 insufficientScopes for a drive.file-only token on the app data folder (list and create)', async () => {
    const fileOnly = google.issueToken({ scope: 'https://www.googleapis.com/auth/drive.file' }).access_token
    for (const res of [await list('', fileOnly), await create('x', 'y', fileOnly)]) {
      expect(res.status).toBe(403)
      expect(((await res.json()) as { error: { errors: unknown[] } }).error.errors[0]).toMatchObject({
        reason: 'insufficientScopes',
      })
    }
  })

  it('driveApiDisabled / setDriveApiEnabled: 403 accessNotConfigured with SERVICE_DISABLED details; 401 still first', async () => {
    use({ driveApiDisabled: true })
    const res = await list('')
    expect(res.status).toBe(403)
    const body = (await res.json()) as { error: { status: string; errors: unknown[]; details: unknown[] } }
    expect(body.error.status).toBe('PERMISSION_DENIED')
    expect(body.error.errors[0]).toMatchObject({
      domain: 'usageLimits',
      reason: 'accessNotConfigured',
      message: expect.stringContaining('Google Drive API has not been used in project'),
    })
    expect(body.error.details[0]).toMatchObject({
      reason: 'SERVICE_DISABLED',
      metadata: { service: 'drive.googleapis.com', activationUrl: expect.stringContaining('drive.googleapis.com') },
    })
    expect((await list('', 'ya29.unknown')).status).toBe(401)
    google.setDriveApiEnabled(true)
    expect((await list('')).status).toBe(200)
  })

  it('md5Checksum and headRevisionId when fields ask; a content write changes both', async () => {
    const made = (await (await create('f', 'hello')).json()) as { id: string }
    const meta = async () =>
      (await (
        await fetch(`${API}/drive/v3/files/${made.id}?fields=md5Checksum,headRevisionId`, { headers: auth() })
      ).json()) as {
        md5Checksum: string
        headRevisionId: string
      }
    const before = await meta()
    expect(before.md5Checksum).toBe('5d41402abc4b2a76b9719d911017c592')
    await fetch(`${API}/upload/drive/v3/files/${made.id}?uploadType=media`, {
      method: 'PATCH',
      headers: auth(),
      body: 'world',
    })
    const after = await meta()
    expect(after.md5Checksum).toBe('7d793037a0760186574b0282f2f435e7')
    expect(after.headRevisionId).not.toBe(before.headRevisionId)
  })
})

describe('GIS setup mistakes', () => {
  it('originMismatch / invalidClient: Google shows its error in the popup; the page only hears popup_closed', async () => {
    for (const behaviour of ['originMismatch', 'invalidClient'] as const) {
      google.consent.next(behaviour)
      const res = await fetch(gisEmulatorTokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ client_id: 'c', scope: DRIVE_APPDATA_SCOPE }),
      })
      expect(await res.json()).toEqual({
        outcome: behaviour,
        errorCallback: { type: 'popup_closed', message: 'Popup window closed' },
      })
    }
    expect(google.calls.map((c) => c.kind === 'requestAccessToken' && c.outcome)).toEqual([
      'originMismatch',
      'invalidClient',
    ])
  })
})

describe('GIS account chooser and setup checks', () => {
  const ask = (body: object) =>
    fetch(gisEmulatorTokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }).then((r) => r.json() as Promise<Record<string, unknown>>)

  it('an unauthorized origin or an unknown client id: the page hears only popup_closed', async () => {
    const strict = createGoogleEmulator({ authorizedOrigins: ['http://localhost:5173'], clientIds: ['good-id'] })
    server.resetHandlers(...strict.handlers)
    expect(await ask({ client_id: 'good-id', scope: DRIVE_APPDATA_SCOPE, origin: 'http://evil.test' })).toMatchObject({
      outcome: 'originMismatch',
      errorCallback: { type: 'popup_closed' },
    })
    expect(
      await ask({ client_id: 'bad-id', scope: DRIVE_APPDATA_SCOPE, origin: 'http://localhost:5173' }),
    ).toMatchObject({
      outcome: 'invalidClient',
      errorCallback: { type: 'popup_closed' },
    })
    expect(
      await ask({ client_id: 'good-id', scope: DRIVE_APPDATA_SCOPE, origin: 'http://localhost:5173' }),
    ).toMatchObject({ outcome: 'approve' })
  })

  it('noAnswer never calls back; nullError passes null to error_callback', async () => {
    google.consent.next('noAnswer')
    expect(await ask({ client_id: 'c', scope: DRIVE_APPDATA_SCOPE })).toEqual({ outcome: 'noAnswer', silent: true })
    google.consent.next('nullError')
    expect(await ask({ client_id: 'c', scope: DRIVE_APPDATA_SCOPE })).toEqual({
      outcome: 'nullError',
      errorCallback: null,
    })
  })

  it('the chooser: the user pick wins, else the login_hint pre-selects, else the top account', async () => {
    google.addAccount('bob@example.com')
    google.consent.next('approve', { account: 'bob@example.com' })
    expect(await ask({ client_id: 'c', scope: DRIVE_APPDATA_SCOPE, login_hint: 'user@example.com' })).toMatchObject({
      chooser: true,
      account: 'bob@example.com',
    })
    expect(await ask({ client_id: 'c', scope: DRIVE_APPDATA_SCOPE, login_hint: 'bob@example.com' })).toMatchObject({
      account: 'bob@example.com',
    })
    expect(await ask({ client_id: 'c', scope: DRIVE_APPDATA_SCOPE })).toMatchObject({ account: 'user@example.com' })
  })
})

describe('GIS token revocation', () => {
  const ask = (body: object) =>
    fetch(gisEmulatorTokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }).then((r) => r.json() as Promise<{ consent?: boolean; callback: { access_token: string } }>)
  const revoke = (t: string) =>
    fetch(gisRevokeUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `token=${encodeURIComponent(t)}`,
    })
  const about = (t: string) => fetch(`${API}/drive/v3/about?fields=user`, { headers: auth(t) })

  it("revokes the whole grant: the account's tokens get 401, the revoke is recorded, the next request asks consent again", async () => {
    const first = await ask({ client_id: 'c', scope: DRIVE_APPDATA_SCOPE, prompt: '' })
    expect(first.consent).toBe(true)
    const second = await ask({ client_id: 'c', scope: DRIVE_APPDATA_SCOPE, prompt: '' })
    expect(second.consent).toBe(false)
    const otherClient = (await ask({ client_id: 'other', scope: DRIVE_APPDATA_SCOPE })).callback.access_token
    expect((await about(first.callback.access_token)).status).toBe(200)

    expect((await revoke(second.callback.access_token)).status).toBe(200)
    expect(google.revocations).toEqual([{ account: 'user@example.com', clientId: 'c', at: expect.any(Number) }])
    expect((await about(first.callback.access_token)).status).toBe(401)
    expect((await about(second.callback.access_token)).status).toBe(401)
    // Another OAuth client's grant of the same account stands.
    expect((await about(otherClient)).status).toBe(200)
    expect((await ask({ client_id: 'c', scope: DRIVE_APPDATA_SCOPE, prompt: '' })).consent).toBe(true)
    // A revoked token cannot be revoked again: Google answers invalid_token, nothing more is recorded.
    expect((await revoke(second.callback.access_token)).status).toBe(400)
    expect(google.revocations).toHaveLength(1)
    google.reset()
    expect(google.revocations).toEqual([])
  })
})

describe('Drive about.get', () => {
  it('a drive.appdata token reads user(permissionId,emailAddress,displayName); fields is required and checked', async () => {
    const about = (fields?: string, t = token) =>
      fetch(`${API}/drive/v3/about${fields === undefined ? '' : `?fields=${encodeURIComponent(fields)}`}`, {
        headers: auth(t),
      })
    const ok = await about('user(permissionId,emailAddress,displayName)')
    expect(ok.status).toBe(200)
    const body = (await ok.json()) as { user: Record<string, string> }
    expect(Object.keys(body)).toEqual(['user'])
    expect(body.user).toEqual({
      permissionId: expect.stringMatching(/^\d{20}$/),
      emailAddress: 'user@example.com',
      displayName: 'user',
    })
    const bob = google.issueToken({ account: 'bob@example.com' }).access_token
    const other = (await (await about('user/permissionId', bob)).json()) as { user: { permissionId: string } }
    expect(other.user.permissionId).not.toBe(body.user.permissionId)
    expect((await about()).status).toBe(400)
    const unknown = await about('user(email)')
    expect(unknown.status).toBe(400)
    expect(JSON.stringify(await unknown.json())).toContain('Invalid field selection email')
    expect((await about('user', 'ya29.nope')).status).toBe(401)
  })
})
