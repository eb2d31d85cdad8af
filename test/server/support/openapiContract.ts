import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Ajv2020 } from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import { parse } from 'yaml'

export const openapiPath = fileURLToPath(new URL('../../../openapi/share-server.yaml', import.meta.url))

type Json = Record<string, unknown>
interface Documented {
  headers?: Record<string, { required?: boolean; schema?: unknown; $ref?: string }>
  content?: Record<string, { schema: unknown }>
}

/**
 * Checks live answers against openapi/share-server.yaml with Ajv (JSON Schema 2020-12, the dialect of OpenAPI 3.1):
 * status documented for the operation, JSON body valid against the documented schema, required headers present and
 * valid. Remembers which (operation, status) pairs were seen, so a test can ask for every documented one.
 */
export function openapiContract() {
  const doc = parse(readFileSync(openapiPath, 'utf8')) as Json
  // strict: false because the document's root holds OpenAPI's own keywords (openapi, info, paths) beside schemas.
  const ajv = new Ajv2020({ strict: false, allErrors: true })
  addFormats.default(ajv)
  ajv.addSchema(doc, 'share-server')
  const seen = new Set<string>()
  const paths = doc.paths as Record<
    string,
    Record<string, { responses: Record<string, Documented & { $ref?: string }> }>
  >

  const pointer = (...parts: string[]) =>
    `share-server#/${parts.map((p) => encodeURIComponent(p.replaceAll('~', '~0').replaceAll('/', '~1'))).join('/')}`
  const resolve = <T>(node: T & { $ref?: string }): [T, string[]] => {
    if (!node.$ref) return [node, []]
    const parts = node.$ref.replace(/^#\//, '').split('/')
    let value: unknown = doc
    for (const part of parts) value = (value as Json)[part.replaceAll('~1', '/').replaceAll('~0', '~')]
    return [value as T, parts]
  }

  const checkAgainst = async (where: string[], documented: Documented, res: Response): Promise<string[]> => {
    const problems: string[] = []
    for (const [name, header] of Object.entries(documented.headers ?? {})) {
      const [h, hWhere] = resolve(header)
      const value = res.headers.get(name)
      if (value === null) {
        if (h.required) problems.push(`header ${name} is required`)
        continue
      }
      const schemaPointer = hWhere.length ? pointer(...hWhere, 'schema') : pointer(...where, 'headers', name, 'schema')
      if (!ajv.validate({ $ref: schemaPointer }, value)) problems.push(`header ${name}: ${ajv.errorsText(ajv.errors)}`)
    }
    const type = res.headers.get('content-type') ?? ''
    const media = Object.keys(documented.content ?? {})
    const text = await res.text()
    if (media.length > 0) {
      if (!media.some((m) => type.startsWith(m))) problems.push(`content-type ${type} is not one of ${media}`)
      let body: unknown
      try {
        body = JSON.parse(text)
      } catch {
        problems.push('body is not JSON')
      }
      const first = media[0]!
      if (body !== undefined && !ajv.validate({ $ref: pointer(...where, 'content', first, 'schema') }, body))
        problems.push(`body ${text.slice(0, 200)}: ${ajv.errorsText(ajv.errors)}`)
    }
    return problems
  }

  return {
    doc,
    /** Problems of this answer to `method template` against the document (empty when it conforms). */
    async check(method: string, template: string, res: Response): Promise<string[]> {
      const operation = paths[template]?.[method.toLowerCase()]
      if (!operation) return [`${method} ${template} is not documented`]
      const status = String(res.status)
      const response = operation.responses[status]
      if (!response) return [`${method} ${template}: status ${status} is not documented`]
      seen.add(`${method.toUpperCase()} ${template} ${status}`)
      const [documented, where] = resolve<Documented>(response)
      return checkAgainst(
        where.length ? where : ['paths', template, method.toLowerCase(), 'responses', status],
        documented,
        res,
      )
    },
    /** Problems of an answer to a path the server does not serve, against `components.responses.RouteNotFound`. */
    async checkUnknownRoute(res: Response): Promise<string[]> {
      if (res.status !== 404) return [`unknown route answered ${res.status}, not 404`]
      seen.add('unknown route 404')
      const where = ['components', 'responses', 'RouteNotFound']
      return checkAgainst(where, resolve<Documented>({ $ref: `#/${where.join('/')}` })[0], res)
    },
    /** Every documented (operation, status) pair that no answer has shown yet. */
    unseen(): string[] {
      const all: string[] = []
      for (const [template, methods] of Object.entries(paths))
        for (const [method, operation] of Object.entries(methods)) {
          if (method === 'parameters') continue
          for (const status of Object.keys(operation.responses))
            all.push(`${method.toUpperCase()} ${template} ${status}`)
        }
      all.push('unknown route 404')
      return all.filter((key) => !seen.has(key))
    },
  }
}
