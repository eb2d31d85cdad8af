import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Ajv2020 } from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import { parse } from 'yaml'

export const openapiPath = fileURLToPath(new URL('../../../openapi/share-server.yaml', import.meta.url))
/** The bundled server's own routes (/healthz, /metrics, /api/health, /api/dev/rows), at absolute paths. */
export const operatorOpenapiPath = fileURLToPath(new URL('../../../openapi/operator.yaml', import.meta.url))

type Json = Record<string, unknown>
interface Documented {
  headers?: Record<string, { required?: boolean; schema?: unknown; $ref?: string }>
  content?: Record<string, { schema: unknown }>
}

type Paths = Record<string, Record<string, { responses: Record<string, Documented & { $ref?: string }> }>>

/**
 * Checks live answers against openapi/share-server.yaml (the contract, paths under the mount point) and
 * openapi/operator.yaml (the bundled server's own routes, absolute paths) with Ajv (JSON Schema 2020-12, the dialect of
 * OpenAPI 3.1): status documented for the operation, body valid against the documented schema (JSON parsed, text as a
 * string), required headers present and valid. Remembers which (operation, status) pairs were seen, so a test can ask
 * for every documented one.
 */
export function openapiContract() {
  // strict: false because a document's root holds OpenAPI's own keywords (openapi, info, paths) beside schemas.
  const ajv = new Ajv2020({ strict: false, allErrors: true })
  addFormats.default(ajv)
  const docs = [
    { id: 'share-server', doc: parse(readFileSync(openapiPath, 'utf8')) as Json },
    { id: 'operator', doc: parse(readFileSync(operatorOpenapiPath, 'utf8')) as Json },
  ]
  for (const { id, doc } of docs) ajv.addSchema(doc, id)
  const doc = docs[0]!.doc
  const seen = new Set<string>()
  const pathsOf = (d: Json) => d.paths as Paths

  const pointer = (id: string, ...parts: string[]) =>
    `${id}#/${parts.map((p) => encodeURIComponent(p.replaceAll('~', '~0').replaceAll('/', '~1'))).join('/')}`
  const resolve = <T>(root: Json, node: T & { $ref?: string }): [T, string[]] => {
    if (!node.$ref) return [node, []]
    const parts = node.$ref.replace(/^#\//, '').split('/')
    let value: unknown = root
    for (const part of parts) value = (value as Json)[part.replaceAll('~1', '/').replaceAll('~0', '~')]
    return [value as T, parts]
  }

  const checkAgainst = async (
    { id, doc: root }: { id: string; doc: Json },
    where: string[],
    documented: Documented,
    res: Response,
  ): Promise<string[]> => {
    const problems: string[] = []
    for (const [name, header] of Object.entries(documented.headers ?? {})) {
      const [h, hWhere] = resolve(root, header)
      const value = res.headers.get(name)
      if (value === null) {
        if (h.required) problems.push(`header ${name} is required`)
        continue
      }
      const schemaPointer = hWhere.length
        ? pointer(id, ...hWhere, 'schema')
        : pointer(id, ...where, 'headers', name, 'schema')
      if (!ajv.validate({ $ref: schemaPointer }, value)) problems.push(`header ${name}: ${ajv.errorsText(ajv.errors)}`)
    }
    const type = res.headers.get('content-type') ?? ''
    const media = Object.keys(documented.content ?? {})
    const text = await res.text()
    if (media.length === 0) {
      if (text !== '') problems.push(`a body where none is documented: ${text.slice(0, 200)}`)
      return problems
    }
    const matched = media.find((m) => type.startsWith(m))
    if (!matched) {
      problems.push(`content-type "${type}" is not one of ${media} (body ${JSON.stringify(text.slice(0, 200))})`)
      return problems
    }
    let body: unknown = text
    if (/json/.test(matched)) {
      try {
        body = JSON.parse(text)
      } catch {
        problems.push(`body is not JSON: ${JSON.stringify(text.slice(0, 200))}`)
        return problems
      }
    }
    if (!ajv.validate({ $ref: pointer(id, ...where, 'content', matched, 'schema') }, body))
      problems.push(`body ${text.slice(0, 200)}: ${ajv.errorsText(ajv.errors)}`)
    return problems
  }

  return {
    doc,
    docs,
    /** Problems of this answer to `method template` against the documents (empty when it conforms). */
    async check(method: string, template: string, res: Response): Promise<string[]> {
      const owner = docs.find((d) => pathsOf(d.doc)[template]?.[method.toLowerCase()])
      if (!owner) return [`${method} ${template} is not documented`]
      const operation = pathsOf(owner.doc)[template]![method.toLowerCase()]!
      const status = String(res.status)
      const response = operation.responses[status]
      if (!response) {
        const text = await res.text().catch(() => '')
        return [
          `${method} ${template}: status ${status} is not documented (body ${JSON.stringify(text.slice(0, 200))})`,
        ]
      }
      seen.add(`${method.toUpperCase()} ${template} ${status}`)
      const [documented, where] = resolve<Documented>(owner.doc, response)
      return checkAgainst(
        owner,
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
      const owner = docs[0]!
      return checkAgainst(owner, where, resolve<Documented>(owner.doc, { $ref: `#/${where.join('/')}` })[0], res)
    },
    /** Every documented (operation, status) pair, of both documents, that no answer has shown yet. */
    unseen(): string[] {
      const all: string[] = []
      for (const { doc: d } of docs)
        for (const [template, methods] of Object.entries(pathsOf(d)))
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
