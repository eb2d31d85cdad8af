#!/usr/bin/env node
// `npx react-mpc-backup check-server <baseURL>`: the share-server contract check (src/testing/checker/checkServerCommand.ts).
import { checkServerCommand } from '../dist/testing/checker/checkServerCommand.js'

process.exitCode = await checkServerCommand(process.argv.slice(2), process.env, (line) => console.log(line))
