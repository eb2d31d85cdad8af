import { recognizedAcrossCopies } from './recognizedAcrossCopies.js'

/** A configuration problem the operator must fix before the server can start; its message is meant to be printed as is. */
export class ServerConfigError extends Error {
  override readonly name = 'ServerConfigError'
}

recognizedAcrossCopies(ServerConfigError, 'ServerConfigError')
