import { googleJson } from '../googleJson.js'
import { parseMultipart } from './parseMultipart.js'
import { toBytes } from '../toBytes.js'

/** A Drive upload as sent: the file's metadata (empty for a media upload), its content and content type. */
interface DriveUpload {
  metadata: Record<string, unknown>
  content: Uint8Array<ArrayBuffer> | undefined
  contentType: string | undefined
}

/**
 * Reads a Drive upload body by its `uploadType`: `media` (the content alone) or `multipart` (JSON metadata, then the
 * content). Anything else, or a malformed body, is Google's 400.
 */
export async function readDriveUpload(request: Request, url: URL): Promise<DriveUpload | Response> {
  const uploadType = url.searchParams.get('uploadType')
  const contentType = request.headers.get('content-type')
  const bytes = new Uint8Array(await request.arrayBuffer())
  if (uploadType === 'media') {
    return { metadata: {}, content: bytes, contentType: contentType?.split(';')[0]?.trim() }
  }
  if (uploadType !== 'multipart')
    return googleJson(
      400,
      'invalid',
      `Invalid value for uploadType: ${uploadType ?? '(missing)'}`,
      {},
      {
        location: 'uploadType',
        locationType: 'parameter',
      },
    )
  const parts = parseMultipart(bytes, contentType)
  const [meta, media] = parts ?? []
  if (!meta) return googleJson(400, 'badRequest', 'Malformed multipart body.')
  let metadata: unknown
  try {
    metadata = JSON.parse(new TextDecoder().decode(meta.body))
  } catch {
    return googleJson(400, 'badRequest', 'Malformed multipart body: metadata is not JSON.')
  }
  if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) {
    return googleJson(400, 'badRequest', 'Malformed multipart body: metadata is not a JSON object.')
  }
  const content = media ? toBytes(media.body) : new Uint8Array(0)
  return { metadata: metadata as Record<string, unknown>, content, contentType: media?.headers['content-type'] }
}
