// One replica of the bundled server, as a deployment runs it: `startServer` over `postgresStore`, in a process of its
// own. Run by test/server/support/replicas.ts as `node --import tsx test/server/support/replicaServer.ts` with:
//   REPLICA_DATABASE_URL, REPLICA_SCHEMA      the database and schema every replica shares
//   REPLICA_ENCRYPTION_KEY (base64), REPLICA_WEBHOOK_SECRET, REPLICA_METRICS_TOKEN
//   REPLICA_LIMITS                            JSON of `limits` (RateLimit numbers only, so no clock can be passed)
// Prints `replica listening on <url>/api` once it listens; stops on SIGTERM.
import { devHeaderAuthenticate, postgresStore, startServer } from '../../../src/server/index.js'

const env = (name: string): string => {
  const value = process.env[name]
  if (!value) throw new Error(`replicaServer: ${name} is not set`)
  return value
}

const running = await startServer({
  store: postgresStore({ connectionString: env('REPLICA_DATABASE_URL'), schema: env('REPLICA_SCHEMA') }),
  authenticate: devHeaderAuthenticate(),
  webhookSecret: env('REPLICA_WEBHOOK_SECRET'),
  encryptionKey: Buffer.from(env('REPLICA_ENCRYPTION_KEY'), 'base64'),
  metricsToken: env('REPLICA_METRICS_TOKEN'),
  port: 0,
  limits: JSON.parse(env('REPLICA_LIMITS')),
  // Errors are named by class only (the router never logs content); the test reads them on failure.
  logger: { error: (message) => console.error(message) },
})
console.log(`replica listening on ${running.url}/api`)
process.once('SIGTERM', () => {
  running.close(1_000).then(
    () => process.exit(0),
    () => process.exit(1),
  )
})
