// A bundled server on sqliteStore, started by fsyncBeforeAnswer.test.ts under strace: prints its URL, stops on SIGTERM.
// argv: <database file> <FULL | NORMAL>. Prints `<url> <pid>` (the pid to stop: stopping strace would only detach it).
import { randomBytes } from 'node:crypto'
import { devHeaderAuthenticate, sqliteStore, startServer } from '../../../src/server/index.js'

const [filename, synchronous] = process.argv.slice(2)
const running = await startServer({
  store: sqliteStore({ filename: filename!, synchronous: synchronous === 'NORMAL' ? 'NORMAL' : 'FULL' }),
  authenticate: devHeaderAuthenticate(),
  webhookSecret: randomBytes(24).toString('hex'),
  encryptionKey: randomBytes(32),
  devInspector: false,
  port: 0,
})
console.log(`${running.url} ${process.pid}`)
process.on('SIGTERM', () => {
  void running.close(100).then(() => process.exit(0))
})
