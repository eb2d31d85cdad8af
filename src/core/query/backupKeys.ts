/** Every query and mutation key of the kit, from one factory (devtools show them; invalidation uses them). */
export const backupKeys = {
  all: ['react-mpc-backup'] as const,
  client: (clientId: string) => [...backupKeys.all, clientId] as const,
  backup: (clientId: string) => [...backupKeys.client(clientId), 'backup'] as const,
  recovery: (clientId: string) => [...backupKeys.client(clientId), 'recovery'] as const,
  erase: (clientId: string) => [...backupKeys.client(clientId), 'erase'] as const,
  status: (clientId: string) => [...backupKeys.client(clientId), 'status'] as const,
}
