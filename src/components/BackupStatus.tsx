'use client'
import type { ReactNode } from 'react'
import type { BackupStatus as Status } from '../core/getBackupStatus.js'
import { useBackupStatus } from '../hooks/useBackupStatus.js'

export type BackupStatusProps = {
  /** Render prop; the default renders one line of text with `data-state`. */
  children?: (status: Status | undefined, query: ReturnType<typeof useBackupStatus>) => ReactNode
  labels?: Partial<Record<Status['state'] | 'loading' | 'offline' | 'error', string>>
}

const defaults = {
  loading: 'Checking backup…',
  offline: 'Offline: backup status unknown',
  error: 'Backup status unavailable',
  backedUp: 'Backed up',
  partial: 'Backup incomplete',
  none: 'Not backed up',
}

/** The backup's status as text (`data-state` = backedUp | partial | none | loading | offline | error), or a render prop. */
export function BackupStatus({ children, labels }: BackupStatusProps) {
  const query = useBackupStatus()
  if (children) return <>{children(query.data, query)}</>
  // A check started offline waits for the connection (TanStack pauses it): say so rather than "checking" forever.
  const state = query.data?.state ?? (query.isError ? 'error' : query.fetchStatus === 'paused' ? 'offline' : 'loading')
  return (
    <span data-rmb="backup-status" data-state={state}>
      {{ ...defaults, ...labels }[state]}
    </span>
  )
}
