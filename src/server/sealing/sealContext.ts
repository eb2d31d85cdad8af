/**
 * The AAD context a row is sealed under: rows are bound to their place, so a row copied to another client, method or
 * table fails to open. Shared by the router and the start-up key check.
 */
export const sealContext = {
  client: (clientId: string, method: string) => `client\u0000${clientId}\u0000${method}`,
  custodian: (clientId: string, method: string) => `custodian\u0000${clientId}\u0000${method}`,
}
