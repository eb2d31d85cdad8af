'use client'
import { forwardRef, type HTMLAttributes, type ReactNode } from 'react'
import type { GetBackupStatusReturnType as Status } from '../core/actions/getBackupStatus.js'
import { type UseBackupStatusReturnType, useBackupStatus } from '../hooks/useBackupStatus.js'
import { defaultStatusLabels } from './defaultStatusLabels.js'
import type { BackupStatusLabels } from './messages.js'
import { useTexts } from './useTexts.js'

export type BackupStatusProps = Omit<HTMLAttributes<HTMLSpanElement>, 'children'> & {
  /**
   * Render prop; the default renders one `<span>` of text with `data-state` (it gets the other props and the ref).
   * A render prop renders what it returns instead.
   */
  children?: ((status: Status | undefined, query: UseBackupStatusReturnType) => ReactNode) | undefined
  labels?: BackupStatusLabels | undefined
}

/**
 * The backup's status as text (`data-state` = backedUp | partial | none | superseded | loading | offline | error), or
 * a render prop. `superseded`: another backup of the same method replaced the kit's at the wallet provider.
 */
export const BackupStatus = forwardRef<HTMLSpanElement, BackupStatusProps>(function BackupStatus(
  { children, labels, ...props },
  ref,
) {
  const query = useBackupStatus()
  const text = useTexts('backupStatus', defaultStatusLabels, labels)
  if (children) return <>{children(query.data, query)}</>
  // A check started offline waits for the connection (TanStack pauses it): say so rather than "checking" forever.
  const state = query.data?.state ?? (query.isError ? 'error' : query.fetchStatus === 'paused' ? 'offline' : 'loading')
  return (
    // What react-mpc-backup/styles.css keys on comes after the props, so it cannot be lost.
    <span ref={ref} {...props} data-rmb="backup-status" data-state={state}>
      {text[state]}
    </span>
  )
})
