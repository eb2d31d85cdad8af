import { Worker } from 'node:worker_threads'
import { ServerConfigError } from '../../errors/ServerConfigError.js'
import { type FromWriter, type WriterData, type WriterStart, writerError } from './sqliteWriterProtocol.js'

/**
 * Starts sqliteStore's writer thread (sqliteWriter.ts) on `data`; resolves once it has opened and migrated the
 * database, rejects with the reason it could not. The worker is unref'd: it never keeps a process alive on its own.
 *
 * Where the writer's code comes from:
 * - Built (`dist/`, or an app's bundle): `new Worker(new URL('./sqliteWriter.js', import.meta.url))`, written out in
 *   full because bundlers recognise exactly that shape (Turbopack, checked with Next.js 16.5; webpack 5 documents
 *   it): they emit the writer as an entry chunk of its own and rewrite the URL to it.
 * - A bundle whose bundler leaves that URL alone (Vite's SSR build handles workers for the browser only): the file is
 *   not beside the bundle, so the worker fails to find its entry. Then the writer is reached by a dynamic import, which
 *   every bundler that splits code puts in a chunk of its own, and the worker runs that chunk (sqliteWriter.ts
 *   exports its own URL, and runs only when its `workerData` says it is the writer). The writer imports nothing of
 *   ours at run time, so the chunk pulls no other part of the app into the worker.
 * - From source (tsx: `npm start`, the bin through `node --import tsx`; Vitest): this module's URL ends in `.ts` and
 *   there is no `sqliteWriter.js` beside it; Node 20 gives a worker none of the main thread's loaders (tsx registers
 *   its hooks on the main thread only). So the worker is a small CommonJS bootstrap that registers tsx's require hook
 *   in the worker (found from the source file, so the working directory does not matter) and requires
 *   `sqliteWriter.ts`, which tsx compiles to CommonJS. Its ESM hooks would do too, but they start a hooks thread
 *   with its own esbuild per worker: several times slower to start, and the test suites open many stores. The bootstrap is
 *   a string and its URL is computed, so bundlers see neither.
 */
export async function startSqliteWriter(data: WriterData): Promise<Worker> {
  const workerData: WriterStart = { sqliteWriter: data }
  if (import.meta.url.endsWith('.ts')) {
    const entry = import.meta.url.replace(/[^/]+\.ts$/, 'sqliteWriter.ts')
    return whenReady(new Worker(fromSource, { eval: true, workerData: { ...workerData, entry } }))
  }
  try {
    return await whenReady(new Worker(new URL('./sqliteWriter.js', import.meta.url), { workerData }))
  } catch (error) {
    if (!isMissingEntry(error)) throw error
  }
  const { sqliteWriterUrl } = await import('./sqliteWriter.js')
  // The bundler put the writer in this very file (no code splitting): running it as a worker would run the whole app.
  // A ServerConfigError: the operator fixes it in the build, and its message is printed as it is.
  if (sqliteWriterUrl === import.meta.url)
    throw new ServerConfigError(
      'sqliteStore cannot start its writer thread: the bundler neither emitted sqliteWriter.js as a worker nor split ' +
        'it into a chunk of its own. Keep react-mpc-backup/server external to the bundle, or enable code splitting.',
    )
  return whenReady(new Worker(new URL(sqliteWriterUrl), { workerData }))
}

/** The worker's first message says whether the database opened; an error or an exit before it says why not. */
function whenReady(worker: Worker): Promise<Worker> {
  worker.unref()
  return new Promise((resolve, reject) => {
    const settle = () => {
      worker.off('message', onMessage)
      worker.off('error', onError)
      worker.off('exit', onExit)
    }
    const onMessage = (message: FromWriter) => {
      settle()
      if ('ready' in message) resolve(worker)
      else reject(writerError('failed' in message ? message.failed : undefined))
    }
    const onError = (error: Error) => {
      settle()
      reject(error)
    }
    // Not the writer after all (e.g. a bundler that dropped its workerData): it ends without a word.
    const onExit = (code: number) => {
      settle()
      const error = new Error(`sqliteStore's writer thread exited (code ${code}) before it opened the database`)
      reject(Object.assign(error, { code: 'writer_exited' }))
    }
    worker.once('message', onMessage)
    worker.once('error', onError)
    worker.once('exit', onExit)
  })
}

/** The writer's own file was not found (not a module it imports: better-sqlite3 is loaded before the writer starts). */
function isMissingEntry(error: unknown): boolean {
  const { code, message } = error as { code?: unknown; message?: unknown }
  return (
    (code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND') &&
    typeof message === 'string' &&
    /sqliteWriter\.js'/.test(message)
  )
}

const fromSource = `
const { createRequire } = require('node:module')
const { fileURLToPath } = require('node:url')
const { workerData } = require('node:worker_threads')
const fromEntry = createRequire(workerData.entry)
fromEntry('tsx/cjs/api').register()
fromEntry(fileURLToPath(workerData.entry))
`
