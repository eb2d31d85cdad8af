// The hooks' public types (Vitest typecheck, project `types`): TanStack's result passed through, except that
// `mutate` / `mutateAsync` take no arguments and so cannot bypass the click path.
import type { UseMutationResult, UseQueryResult } from '@tanstack/react-query'
import {
  type EraseBackupErrorType,
  type EraseBackupReturnType,
  type EraseBackupStep,
  type UseEraseBackupReturnType,
  type useEraseBackup,
  type GetBackupStatusReturnType,
  type BackupReminderReason,
  type BackupWalletErrorType,
  type BackupWalletReturnType,
  type GetBackupStatusErrorType,
  type RecoverWalletErrorType,
  type RecoverWalletReturnType,
  type ReminderStorage,
  type UseBackupReminderParameters,
  type UseBackupReminderReturnType,
  type UseBackupStatusParameters,
  type UseWalletBackupParameters,
  type SignOutParameters,
  type UseBackupStatusReturnType,
  type useBackupReminder,
  type UseWalletBackupReturnType,
  type UseWalletBackupSessionReturnType,
  type UseWalletRecoveryReturnType,
  useBackupStatus,
  useWalletBackup,
  type useWalletBackupSession,
  type useWalletRecovery,
  type BackupWalletStep,
  type RecoverWalletStep,
  type BackupButtonLabels,
  type BackupWalletParameters,
  type EraseBackupParameters,
  type RecoverButtonLabels,
  type RecoverWalletParameters,
  type UseEraseBackupParameters,
  type UseWalletRecoveryParameters,
} from 'react-mpc-backup'
import { describe, expectTypeOf, test } from 'vitest'

type Backup = ReturnType<typeof useWalletBackup>
type Recovery = ReturnType<typeof useWalletRecovery>

describe('useWalletBackup', () => {
  test('returns its declared type, TanStack fields passed through', () => {
    expectTypeOf<Backup>().toEqualTypeOf<UseWalletBackupReturnType>()
    expectTypeOf<Backup['data']>().toEqualTypeOf<BackupWalletReturnType | undefined>()
    expectTypeOf<Backup['error']>().toEqualTypeOf<BackupWalletErrorType | null>()
    expectTypeOf<Backup['variables']>().toEqualTypeOf<void | undefined>()
    expectTypeOf<Backup['reset']>().toEqualTypeOf<UseMutationResult<BackupWalletReturnType>['reset']>()
    expectTypeOf<Backup['isPending']>().toEqualTypeOf<boolean>()
    expectTypeOf<Backup['step']>().toEqualTypeOf<BackupWalletStep>()
    expectTypeOf<Backup['backup']>().toEqualTypeOf<() => void>()
    expectTypeOf<Backup['abort']>().toEqualTypeOf<() => void>()
  })

  test("TanStack's status union still narrows data and error", () => {
    const r = {} as Backup
    if (r.status === 'success') expectTypeOf(r.data).toEqualTypeOf<BackupWalletReturnType>()
    if (r.status === 'error') expectTypeOf(r.error).toEqualTypeOf<BackupWalletErrorType>()
    if (r.isIdle) expectTypeOf(r.data).toEqualTypeOf<undefined>()
  })

  test('mutate and mutateAsync take no arguments: no variables or per-call options can skip the click path', () => {
    expectTypeOf<Backup['mutate']>().toEqualTypeOf<() => void>()
    expectTypeOf<Backup['mutateAsync']>().toEqualTypeOf<() => Promise<BackupWalletReturnType>>()
    const r = {} as Backup
    // @ts-expect-error TanStack's (variables, { onSuccess }) signature is not there
    r.mutate(undefined, { onSuccess: () => {} })
    // @ts-expect-error nor for mutateAsync
    void r.mutateAsync(undefined, {})
  })

  test('options: callbacks typed by the flow; what would re-run or pause it is refused', () => {
    expectTypeOf<UseWalletBackupParameters['onError']>().toEqualTypeOf<
      ((error: BackupWalletErrorType) => void) | undefined
    >()
    expectTypeOf(useWalletBackup).toBeCallableWith({ mutation: { throwOnError: true, meta: { a: 1 } } })
    // @ts-expect-error retry would re-run the whole flow
    useWalletBackup({ mutation: { retry: 3 } })
    // @ts-expect-error the kit owns the mutation function
    useWalletBackup({ mutation: { mutationFn: async () => ({}) } })
  })
})

describe('useWalletRecovery', () => {
  test('the same contract, with the recovery types and steps', () => {
    expectTypeOf<Recovery>().toEqualTypeOf<UseWalletRecoveryReturnType>()
    expectTypeOf<Recovery['data']>().toEqualTypeOf<RecoverWalletReturnType | undefined>()
    expectTypeOf<Recovery['error']>().toEqualTypeOf<RecoverWalletErrorType | null>()
    expectTypeOf<Recovery['step']>().toEqualTypeOf<RecoverWalletStep>()
    expectTypeOf<'reading'>().toExtend<Recovery['step']>()
    expectTypeOf<Recovery['mutate']>().toEqualTypeOf<() => void>()
    expectTypeOf<Recovery['mutateAsync']>().toEqualTypeOf<() => Promise<RecoverWalletReturnType>>()
    expectTypeOf<Recovery['recover']>().toEqualTypeOf<() => void>()
    const r = {} as Recovery
    // @ts-expect-error no variables
    r.mutate(undefined)
  })
})

describe('useBackupStatus', () => {
  test("returns TanStack's query result with the status's own error type", () => {
    expectTypeOf(useBackupStatus).returns.toEqualTypeOf<
      UseQueryResult<GetBackupStatusReturnType, GetBackupStatusErrorType>
    >()
  })

  test("takes the caller's TanStack query options, but not the key or the function", () => {
    expectTypeOf(useBackupStatus).toBeCallableWith({ query: { staleTime: 0, refetchInterval: 60_000 } })
    expectTypeOf(useBackupStatus).toBeCallableWith({
      query: { retry: (count: number, error: GetBackupStatusErrorType) => count < 2 && error.retryable },
    })
    expectTypeOf(useBackupStatus).toBeCallableWith()
    // @ts-expect-error the key is the kit's (the token is never in it)
    useBackupStatus({ query: { queryKey: ['mine'] } })
    // @ts-expect-error so is the function
    useBackupStatus({ query: { queryFn: async () => ({}) } })
    expectTypeOf<UseBackupStatusParameters>().toHaveProperty('query')
  })
})

describe('useWalletBackupSession', () => {
  test('signOut takes the revoke option only and resolves with nothing', () => {
    type Session = ReturnType<typeof useWalletBackupSession>
    expectTypeOf<Session>().toEqualTypeOf<UseWalletBackupSessionReturnType>()
    expectTypeOf<Session['signOut']>().toEqualTypeOf<(options?: SignOutParameters) => Promise<void>>()
    expectTypeOf<SignOutParameters>().toEqualTypeOf<{ revokeGoogle?: boolean | undefined }>()
  })
})

describe('useEraseBackup', () => {
  type Erase = ReturnType<typeof useEraseBackup>
  test('the same contract, with the erase types and steps', () => {
    expectTypeOf<Erase>().toEqualTypeOf<UseEraseBackupReturnType>()
    expectTypeOf<Erase['data']>().toEqualTypeOf<EraseBackupReturnType | undefined>()
    expectTypeOf<Erase['error']>().toEqualTypeOf<EraseBackupErrorType | null>()
    expectTypeOf<Erase['step']>().toEqualTypeOf<EraseBackupStep>()
    expectTypeOf<Erase['step']>().toEqualTypeOf<
      'idle' | 'authorizing' | 'erasing' | 'notifying' | 'success' | 'error'
    >()
    expectTypeOf<Erase['mutate']>().toEqualTypeOf<() => void>()
    expectTypeOf<Erase['mutateAsync']>().toEqualTypeOf<() => Promise<EraseBackupReturnType>>()
    expectTypeOf<Erase['erase']>().toEqualTypeOf<() => void>()
    expectTypeOf<EraseBackupErrorType['code']>().toExtend<string>()
    expectTypeOf<'DRIVE_DELETE_FAILED' | 'SHARE_ERASE_FAILED' | 'SHARE_UNAUTHORIZED'>().toExtend<
      EraseBackupErrorType['code']
    >()
  })
})

describe('one step type per flow, for the action, its hook and its button', () => {
  type StepOf<T> = T extends { onStep?: ((step: infer S) => void) | undefined } ? S : never

  test('backup: BackupWalletStep everywhere', () => {
    expectTypeOf<BackupWalletStep>().toEqualTypeOf<
      'idle' | 'authorizing' | 'generating' | 'storing' | 'notifying' | 'success' | 'error'
    >()
    expectTypeOf<StepOf<BackupWalletParameters>>().toEqualTypeOf<BackupWalletStep>()
    expectTypeOf<StepOf<UseWalletBackupParameters>>().toEqualTypeOf<BackupWalletStep>()
    expectTypeOf<UseWalletBackupReturnType['step']>().toEqualTypeOf<BackupWalletStep>()
    expectTypeOf<BackupWalletStep>().toExtend<keyof BackupButtonLabels>()
  })

  test('recovery: RecoverWalletStep everywhere', () => {
    expectTypeOf<RecoverWalletStep>().toEqualTypeOf<
      'idle' | 'authorizing' | 'reading' | 'recovering' | 'generating' | 'storing' | 'notifying' | 'success' | 'error'
    >()
    expectTypeOf<StepOf<RecoverWalletParameters>>().toEqualTypeOf<RecoverWalletStep>()
    expectTypeOf<StepOf<UseWalletRecoveryParameters>>().toEqualTypeOf<RecoverWalletStep>()
    expectTypeOf<UseWalletRecoveryReturnType['step']>().toEqualTypeOf<RecoverWalletStep>()
    expectTypeOf<RecoverWalletStep>().toExtend<keyof RecoverButtonLabels>()
  })

  test('erase: EraseBackupStep everywhere', () => {
    expectTypeOf<EraseBackupStep>().toEqualTypeOf<
      'idle' | 'authorizing' | 'erasing' | 'notifying' | 'success' | 'error'
    >()
    expectTypeOf<StepOf<EraseBackupParameters>>().toEqualTypeOf<EraseBackupStep>()
    expectTypeOf<StepOf<UseEraseBackupParameters>>().toEqualTypeOf<EraseBackupStep>()
    expectTypeOf<UseEraseBackupReturnType['step']>().toEqualTypeOf<EraseBackupStep>()
  })
})

describe('useBackupReminder', () => {
  test('visible, the reason, snooze(), and the status query as useBackupStatus returns it', () => {
    expectTypeOf<ReturnType<typeof useBackupReminder>>().toEqualTypeOf<UseBackupReminderReturnType>()
    expectTypeOf<UseBackupReminderReturnType['visible']>().toEqualTypeOf<boolean>()
    expectTypeOf<UseBackupReminderReturnType['reason']>().toEqualTypeOf<BackupReminderReason | undefined>()
    expectTypeOf<BackupReminderReason>().toEqualTypeOf<'none' | 'partial' | 'superseded' | 'stale'>()
    expectTypeOf<UseBackupReminderReturnType['snooze']>().toEqualTypeOf<() => void>()
    expectTypeOf<UseBackupReminderReturnType['status']>().toEqualTypeOf<UseBackupStatusReturnType>()
    expectTypeOf<UseBackupStatusReturnType>().toEqualTypeOf<
      UseQueryResult<GetBackupStatusReturnType, GetBackupStatusErrorType>
    >()
  })

  test('its parameters: times in ms, an injectable clock, a Storage-like store, the status query options', () => {
    expectTypeOf<Parameters<typeof useBackupReminder>[0]>().toEqualTypeOf<UseBackupReminderParameters | undefined>()
    expectTypeOf<UseBackupReminderParameters['snoozeMs']>().toEqualTypeOf<number | undefined>()
    expectTypeOf<UseBackupReminderParameters['maxAgeMs']>().toEqualTypeOf<number | undefined>()
    expectTypeOf<UseBackupReminderParameters['now']>().toEqualTypeOf<(() => number) | undefined>()
    expectTypeOf<Storage>().toExtend<NonNullable<UseBackupReminderParameters['storage']>>()
    expectTypeOf<ReminderStorage>().toEqualTypeOf<Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>>()
    expectTypeOf<UseBackupReminderParameters['query']>().toEqualTypeOf<UseBackupStatusParameters['query']>()
  })
})
