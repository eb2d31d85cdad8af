/**
 * A request as the kit's server core sees it, whatever hosts it (express, a web `Request`, `node:http`): the host
 * adapters in `src/server/hosts/` build one, the core answers it with a {@link ServerResponse}. `authenticate`
 * receives it too, so a cookie session or a bearer token is read the same way on every host.
 */
export interface ServerRequest {
  /** Upper case, e.g. `GET`. */
  method: string
  /** The path below the handler's mount point (base path), as sent: percent-encoded, without the query. */
  path: string
  /** The query string's parameters; a name given twice holds an array. */
  query: Readonly<Record<string, string | string[]>>
  /** Header values by lower-case name (Node's `IncomingHttpHeaders` shape). */
  headers: Readonly<Record<string, string | string[] | undefined>>
  /** One header's value by name (any case); repeated headers joined with `, `. */
  get(name: string): string | undefined
  /** The `Cookie` header's pairs, parsed when first read. */
  readonly cookies: Readonly<Record<string, string>>
  /** The caller's address (after the host's proxy settings), when the host knows it. */
  address: string | undefined
  body: RequestBody
  /** Whether the body arrived to its end; when it did not, an answer closes the connection. Hosts without one: true. */
  bodyComplete(): boolean
}

/** The request body as the host holds it: still streaming, already in memory, or already parsed by the app. */
export type RequestBody =
  | {
      kind: 'stream'
      /** The body's chunks; the core stops iterating past its size limit. */
      chunks: AsyncIterable<Uint8Array>
    }
  | { kind: 'bytes'; bytes: Uint8Array }
  /** A body an app-level parser (e.g. `express.json()`) read before the kit: used as it is. */
  | { kind: 'parsed'; value: unknown }

/** The core's answer: the host writes it as it is. */
export interface ServerResponse {
  status: number
  headers: Record<string, string>
  body: string
}
