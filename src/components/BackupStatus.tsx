'use client'
import type { ReactNode } from 'react'
import type { BackupStatus as Status } from '../core/getBackupStatus.js'
import { useBackupStatus } from '../hooks/useBackupStatus.js'

export type BackupStatusProps = {
  /** Render prop; the default renders one line of text with `data-state`. */
  children?: (status: Status | undefined, query: ReturnType<typeof useBackupStatus>) => ReactNode
  labels?: Partial<Record<Status['state'] | 'loading' | 'error', string>>
}

const defaults = { loading: 'Checking backup…', error: 'Backup status unavailable', backedUp: 'Backed up', partial: 'Backup incomplete', none: 'Not backed up' }

/** The backup's status as text (`data-state` = backedUp | partial | none | loading | error), or a render prop. */
export function BackupStatus({ children, labels }: BackupStatusProps) {
  const query = useBackupStatus()
  if (children) return <>{children(query.data, query)}</>
  const state = query.data?.state ?? (query.isError ? 'error' : 'loading')
  return <span data-rmb="backup-status" data-state={state}>{{ ...defaults, ...labels }[state]}</span>
}
