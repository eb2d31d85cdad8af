#!/usr/bin/env node
import { loadServerConfig } from '../app/loadServerConfig.js'
import { OPERATOR_COMMANDS, runOperatorCommand } from './runOperatorCommand.js'
import type { OperatorCommand } from './runOperatorCommand.js'
import { ServerConfigError } from '../errors/ServerConfigError.js'
import { startServer } from '../app/startServer.js'

const USAGE = `usage: react-mpc-backup-server [serve]             run the server (configured by the environment)
       react-mpc-backup-server rotate-key [--json] re-seal every row under the current BACKUP_ENCRYPTION_KEY
       react-mpc-backup-server verify [--json]     open every row; list the ones no configured key opens
       react-mpc-backup-server stats [--json]      rows per method, sizes, oldest/newest, rows per key id`

async function main(): Promise<void> {
  const [command = 'serve', ...args] = process.argv.slice(2)
  if (command === '--help' || command === 'help') {
    console.log(USAGE)
    return
  }
  if (command !== 'serve' && !(OPERATOR_COMMANDS as readonly string[]).includes(command)) {
    console.error(`react-mpc-backup-server: unknown command "${command}"\n${USAGE}`)
    process.exit(2)
  }
  let loaded: ReturnType<typeof loadServerConfig>
  try {
    loaded = loadServerConfig(process.env)
  } catch (error) {
    if (error instanceof ServerConfigError) {
      console.error(`react-mpc-backup-server: ${error.message}`)
      process.exit(1)
    }
    throw error
  }
  for (const warning of loaded.warnings) console.warn(`WARNING: ${warning}`)
  if (command !== 'serve') {
    process.exitCode = await runOperatorCommand(command as OperatorCommand, args, loaded, (line) => console.log(line))
    return
  }

  const running = await startServer(loaded.config)
  console.log(`react-mpc-backup server listening on ${running.url}/api (${loaded.storeDescription})`)
  const check = running.keyCheck
  if (check) {
    console.log(`encryption key id ${check.keyId} (opened ${check.opened} of ${check.sampled} sampled stored rows)`)
    if (check.unreadableKeyIds.length > 0) {
      console.warn(
        `WARNING: some sampled rows do not open with the configured keys (sealed with key id ${check.unreadableKeyIds.join(', ')})`,
      )
    }
  }

  let stopping = false
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      // A second signal means "now": the operator is not waiting for in-flight requests.
      process.exit(1)
    }
    stopping = true
    console.log(`${signal}: shutting down`)
    running.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`shutdown failed: ${error instanceof Error ? error.message : String(error)}`)
        process.exit(1)
      },
    )
  }
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
}

main().catch((error: unknown) => {
  console.error(`react-mpc-backup-server: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
})
