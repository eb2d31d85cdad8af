import { http, HttpResponse, type HttpHandler } from 'msw'
import { createDriveAccess } from './createDriveAccess.js'
import type { GoogleState, StoredFile, StoredToken } from '../createGoogleState.js'
import { driveErrors } from './driveErrors.js'
import { driveOrderComparator } from './driveOrderComparator.js'
import { drivePageToken } from './drivePageToken.js'
import { driveSchemas } from './driveSchemas.js'
import { googleCors as cors, googleJson, readJsonObject } from '../googleJson.js'
import { md5Hex } from './md5.js'
import { mergeAppProperties } from './mergeAppProperties.js'
import { parseDriveQuery, type DriveQueryFile } from './parseDriveQuery.js'
import { projectFields } from './projectFields.js'
import { randomId } from '../randomId.js'
import { readDriveUpload } from './readDriveUpload.js'

const API = 'https://www.googleapis.com'

/**
 * MSW handlers of Drive v3 as the kit and Google's own clients use it (www.googleapis.com): about.get and files
 * list/create/update/get/delete, over the emulator's shared state. As strict as Drive: a token's scopes and OAuth
 * client decide what it sees, `fields` names only real fields, updates refuse read-only fields.
 */
export function createDriveHandlers(state: GoogleState): HttpHandler[] {
  const { options, files, folders, parentsOf, usedBytes } = state
  const { admit, admitFile, canAppData, canDrive, visible } = createDriveAccess(state)
  const { notFound, invalid, badFields, insufficientScope, appDataScopes, param } = driveErrors
  const nameLag = options.nameQueryLagMs ?? 0

  const resource = (f: StoredFile, t?: StoredToken): Record<string, unknown> => ({
    // Only the app that set them sees its appProperties (Drive omits the field when there are none).
    ...(t && f.appProperties.get(t.clientId) ? { appProperties: { ...f.appProperties.get(t.clientId) } } : {}),
    kind: 'drive#file',
    id: f.id,
    name: f.name,
    mimeType: f.mimeType,
    parents: parentsOf(f),
    spaces: [f.space],
    createdTime: f.createdTime,
    modifiedTime: f.modifiedTime,
    size: String(f.content.length),
    version: String(f.version),
    trashed: false,
    md5Checksum: md5Of(f),
    headRevisionId: f.headRevisionId,
  })
  function md5Of(f: StoredFile): string {
    f.md5 ??= md5Hex(f.content)
    return f.md5
  }
  const brief = (f: StoredFile) => ({ kind: 'drive#file', mimeType: f.mimeType, id: f.id, name: f.name })

  const quotaExceeded = (account: string, extra: number): boolean =>
    options.storageQuotaBytes !== undefined && usedBytes(account) + extra > options.storageQuotaBytes

  const createFile = (
    t: StoredToken,
    metadata: Record<string, unknown>,
    content: Uint8Array<ArrayBuffer>,
    contentType: string | undefined,
  ): StoredFile | Response => {
    const props = mergeAppProperties(undefined, metadata['appProperties'])
    if (props instanceof Response) return props
    const parents = Array.isArray(metadata['parents']) ? metadata['parents'].map(String) : []
    const ids = folders(t.account)
    let space: 'appDataFolder' | 'drive' = 'drive'
    for (const p of parents) {
      if (p === 'appDataFolder' || p === ids.appData) space = 'appDataFolder'
      else if (p !== 'root' && p !== ids.root) return notFound(p)
    }
    if (space === 'appDataFolder' && !canAppData(t))
      return appDataScopes('The granted scopes do not allow use of the Application Data folder.')
    if (space === 'drive' && !canDrive(t)) return insufficientScope()
    if (quotaExceeded(t.account, content.length)) return googleJson(403, 'storageQuotaExceeded')
    return state.storeFile({
      name: typeof metadata['name'] === 'string' ? metadata['name'] : 'Untitled',
      mimeType:
        typeof metadata['mimeType'] === 'string' ? metadata['mimeType'] : (contentType ?? 'application/octet-stream'),
      content,
      space,
      account: t.account,
      clientId: t.clientId,
      appProperties: props,
    })
  }

  const fileAnswer = (f: StoredFile, url: URL, t: StoredToken): Response => {
    try {
      const fields = url.searchParams.get('fields')
      return HttpResponse.json(fields ? projectFields(resource(f, t), fields, driveSchemas.file) : brief(f), {
        headers: cors,
      })
    } catch (error) {
      return badFields(error)
    }
  }

  // Drive's permission ids are long digit strings, stable per account.
  const permissionIdOf = (account: string) => {
    const hex = md5Hex(new TextEncoder().encode(`permission:${account}`))
    return BigInt(`0x${hex.slice(0, 16)}`)
      .toString()
      .padStart(20, '0')
      .slice(0, 20)
  }

  return [
    // about.get: every Drive scope may read `user` (drive.appdata included); `fields` is required.
    http.get(`${API}/drive/v3/about`, async ({ request }) => {
      const auth = await admit('drive.about', request)
      if ('response' in auth) return auth.response
      const fields = new URL(request.url).searchParams.get('fields')
      if (!fields?.trim())
        return googleJson(400, 'required', "The 'fields' parameter is required for this method.", {}, param('fields'))
      const account = auth.token.account
      const about = {
        kind: 'drive#about',
        user: {
          kind: 'drive#user',
          displayName: account.split('@')[0] ?? account,
          me: true,
          permissionId: permissionIdOf(account),
          emailAddress: account,
        },
        storageQuota: {
          usage: String(usedBytes(account)),
          usageInDrive: String(usedBytes(account)),
          usageInDriveTrash: '0',
        },
        appInstalled: false,
        canCreateDrives: true,
        maxUploadSize: '5242880000000',
      }
      try {
        return HttpResponse.json(projectFields(about, fields, driveSchemas.about), { headers: cors })
      } catch (error) {
        return badFields(error)
      }
    }),
    http.get(`${API}/drive/v3/files`, async ({ request }) => {
      const auth = await admit('drive.list', request)
      if ('response' in auth) return auth.response
      const t = auth.token
      const url = new URL(request.url)
      const spaces = (url.searchParams.get('spaces') ?? 'drive').split(',').map((s) => s.trim())
      for (const s of spaces) {
        if (s !== 'appDataFolder' && s !== 'drive') return invalid(`Invalid Value: spaces=${s}`, 'spaces')
      }
      if (spaces.includes('appDataFolder') && !canAppData(t))
        return appDataScopes('The granted scopes do not give access to all of the requested spaces.')
      if (spaces.includes('drive') && !canDrive(t)) return googleJson(403, 'insufficientScopes')
      let predicate: (f: DriveQueryFile) => boolean
      const q = url.searchParams.get('q') ?? ''
      try {
        predicate = parseDriveQuery(q)
      } catch {
        return invalid('Invalid Value', 'q')
      }
      // Drive's search index lags behind writes; a term on `name` (outside quoted strings) is served by it.
      const lagged = nameLag > 0 && /\bname\b/.test(q.replace(/'(?:\\.|[^'\\])*'/g, "''"))
      const now = state.now()
      const compare = driveOrderComparator(url.searchParams.get('orderBy'))
      if (!compare) return invalid('Invalid Value', 'orderBy')
      const pageSize = Number(url.searchParams.get('pageSize') ?? '100')
      if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000) return invalid('Invalid Value', 'pageSize')
      const pageToken = url.searchParams.get('pageToken')
      const position = pageToken === null ? { offset: 0, full: !options.shortPages } : drivePageToken.decode(pageToken)
      if (!position) return invalid('Invalid Value', 'pageToken')
      const { offset } = position
      const ids = folders(t.account)
      const matching = [...files.values()]
        .filter((f) => visible(t, f) && spaces.includes(f.space))
        .filter((f) => !lagged || now - f.nameChangedAt >= nameLag)
        .filter((f) =>
          predicate({
            name: f.name,
            mimeType: f.mimeType,
            // Queries may name the folder by its alias or its real id.
            parents: f.space === 'appDataFolder' ? [ids.appData, 'appDataFolder'] : [ids.root, 'root'],
            trashed: false,
            createdTime: f.createdTime,
            modifiedTime: f.modifiedTime,
          }),
        )
        .sort(compare)
      // Short pages: an empty page, then one file, and so on, always with a token while files remain.
      const size = options.shortPages ? (position.full ? 1 : 0) : pageSize
      const page = matching.slice(offset, offset + size)
      const next =
        offset + size < matching.length
          ? drivePageToken.encode({ offset: offset + size, full: options.shortPages ? !position.full : true })
          : undefined
      const fields = url.searchParams.get('fields')
      const full: Record<string, unknown> = {
        kind: 'drive#fileList',
        ...(next ? { nextPageToken: next } : {}),
        incompleteSearch: false,
        files: page.map((f) => resource(f, t)),
      }
      try {
        const body = fields ? projectFields(full, fields, driveSchemas.fileList) : { ...full, files: page.map(brief) }
        return HttpResponse.json(body, { headers: cors })
      } catch (error) {
        return badFields(error)
      }
    }),

    http.post(`${API}/upload/drive/v3/files`, async ({ request }) => {
      const auth = await admit('drive.create', request)
      if ('response' in auth) return auth.response
      const url = new URL(request.url)
      const upload = await readDriveUpload(request, url)
      if (upload instanceof Response) return upload
      const made = createFile(auth.token, upload.metadata, upload.content ?? new Uint8Array(0), upload.contentType)
      return made instanceof Response ? made : fileAnswer(made, url, auth.token)
    }),

    http.post(`${API}/drive/v3/files`, async ({ request }) => {
      const auth = await admit('drive.create', request)
      if ('response' in auth) return auth.response
      const metadata = (await readJsonObject(request)) ?? {}
      const made = createFile(auth.token, metadata, new Uint8Array(0), undefined)
      return made instanceof Response ? made : fileAnswer(made, new URL(request.url), auth.token)
    }),

    ...(['upload', 'metadata'] as const).map((kind) =>
      http.patch(`${API}${kind === 'upload' ? '/upload' : ''}/drive/v3/files/:id`, async ({ request, params }) => {
        const auth = await admitFile('drive.update', request, params)
        if ('response' in auth) return auth.response
        const { file } = auth
        const url = new URL(request.url)
        let metadata: Record<string, unknown> = {}
        let content: Uint8Array<ArrayBuffer> | undefined
        if (kind === 'upload') {
          const upload = await readDriveUpload(request, url)
          if (upload instanceof Response) return upload
          metadata = upload.metadata
          content = upload.content
        } else {
          metadata = (await readJsonObject(request)) ?? {}
        }
        if (Object.keys(metadata).some((k) => driveSchemas.notWritableOnUpdate.has(k)))
          return googleJson(403, 'fieldNotWritable')
        if (content && quotaExceeded(file.account, content.length - file.content.length))
          return googleJson(403, 'storageQuotaExceeded')
        const props = mergeAppProperties(file.appProperties.get(auth.token.clientId), metadata['appProperties'])
        if (props instanceof Response) return props
        if (props) file.appProperties.set(auth.token.clientId, props)
        else file.appProperties.delete(auth.token.clientId)
        if (typeof metadata['name'] === 'string' && metadata['name'] !== file.name) {
          file.name = metadata['name']
          file.nameChangedAt = state.now()
        }
        if (typeof metadata['mimeType'] === 'string') file.mimeType = metadata['mimeType']
        if (content) {
          file.content = content
          file.headRevisionId = `0B${randomId(40)}`
          delete file.md5
        }
        file.modifiedTime = state.stamp()
        file.version += 1
        return fileAnswer(file, url, auth.token)
      }),
    ),

    http.get(`${API}/drive/v3/files/:id`, async ({ request, params }) => {
      const auth = await admitFile('drive.get', request, params)
      if ('response' in auth) return auth.response
      const { file } = auth
      const url = new URL(request.url)
      if (url.searchParams.get('alt') === 'media') {
        return new HttpResponse(file.content.slice(), {
          headers: { ...cors, 'Content-Type': file.mimeType, 'Content-Length': String(file.content.length) },
        })
      }
      return fileAnswer(file, url, auth.token)
    }),

    http.delete(`${API}/drive/v3/files/:id`, async ({ request, params }) => {
      const auth = await admitFile('drive.delete', request, params)
      if ('response' in auth) return auth.response
      const { file } = auth
      files.delete(file.id)
      return new HttpResponse(null, { status: 204, headers: cors })
    }),
  ]
}
