// The option factories are typed like wagmi's: each returns TanStack options with the flow's data and error types,
// the two mutation factories in one shape, and the status factory passing the caller's query options through.
import { type MutationOptions, type QueryObserverOptions, type UseQueryResult, useQuery } from '@tanstack/react-query'
import {
  type BackupConfig,
  type GetBackupStatusReturnType,
  type GetBackupStatusQueryKey,
  type BackupWalletErrorType,
  type BackupWalletReturnType,
  backupWalletMutationOptions,
  type GetBackupStatusErrorType,
  getBackupStatusQueryOptions,
  type RecoverWalletErrorType,
  type RecoverWalletReturnType,
  recoverWalletMutationOptions,
  eraseBackupMutationOptions,
  type EraseBackupErrorType,
  type EraseBackupReturnType,
  type WalletAdapter,
} from 'react-mpc-backup'
import type { ShareApi, ShareRecord } from 'react-mpc-backup/core'
import { describe, expectTypeOf, test } from 'vitest'

const config = {} as BackupConfig

describe('mutation option factories', () => {
  test('backup: TanStack MutationOptions of the backup data and error, no variables', () => {
    const options = backupWalletMutationOptions(config)
    expectTypeOf(options).toExtend<MutationOptions<BackupWalletReturnType, BackupWalletErrorType, void>>()
    expectTypeOf(options.mutationFn).returns.toEqualTypeOf<Promise<BackupWalletReturnType>>()
    expectTypeOf(options.mutationKey).toEqualTypeOf<readonly ['react-mpc-backup', string, 'backup']>()
  })

  test('recovery: the same shape with the recovery types', () => {
    const options = recoverWalletMutationOptions(config)
    expectTypeOf(options).toExtend<MutationOptions<RecoverWalletReturnType, RecoverWalletErrorType, void>>()
    expectTypeOf(options.mutationFn).returns.toEqualTypeOf<Promise<RecoverWalletReturnType>>()
    expectTypeOf(options.mutationKey).toEqualTypeOf<readonly ['react-mpc-backup', string, 'recovery']>()
  })

  test('erase: TanStack MutationOptions of the erase data and error, no variables', () => {
    const options = eraseBackupMutationOptions(config)
    expectTypeOf(options).toExtend<MutationOptions<EraseBackupReturnType, EraseBackupErrorType, void>>()
    expectTypeOf(options.mutationFn).returns.toEqualTypeOf<Promise<EraseBackupReturnType>>()
    expectTypeOf(options.mutationKey).toEqualTypeOf<readonly ['react-mpc-backup', string, 'erase']>()
    expectTypeOf(eraseBackupMutationOptions(config)).toExtend<{
      readonly retry: false
      readonly networkMode: 'always'
      readonly throwOnError: false
    }>()
  })

  test('both pin retry, network mode and throwing the same way', () => {
    type Pinned = { readonly retry: false; readonly networkMode: 'always'; readonly throwOnError: false }
    expectTypeOf(backupWalletMutationOptions(config)).toExtend<Pinned>()
    expectTypeOf(recoverWalletMutationOptions(config)).toExtend<Pinned>()
    type Keys<T> = keyof T
    expectTypeOf<Keys<ReturnType<typeof backupWalletMutationOptions>>>().toEqualTypeOf<
      Keys<ReturnType<typeof recoverWalletMutationOptions>>
    >()
  })
})

describe('getBackupStatusQueryOptions', () => {
  test('TanStack query options with the status error type and the status key', () => {
    const options = getBackupStatusQueryOptions(config)
    expectTypeOf(options).toExtend<
      QueryObserverOptions<
        GetBackupStatusReturnType,
        GetBackupStatusErrorType,
        GetBackupStatusReturnType,
        GetBackupStatusReturnType,
        GetBackupStatusQueryKey
      >
    >()
    expectTypeOf(options.queryKey).toEqualTypeOf<GetBackupStatusQueryKey>()
  })

  test('useQuery over it gives the typed error, and the caller can pass its own options through', () => {
    const useIt = () => useQuery(getBackupStatusQueryOptions(config, { query: { staleTime: 0, enabled: false } }))
    expectTypeOf(useIt).returns.toEqualTypeOf<UseQueryResult<GetBackupStatusReturnType, GetBackupStatusErrorType>>()
    expectTypeOf(getBackupStatusQueryOptions).toBeCallableWith(config, { query: { refetchInterval: 1000 } })
    // @ts-expect-error the key stays the kit's
    getBackupStatusQueryOptions(config, { query: { queryKey: ['x'] } })
  })
})

describe('the wallet adapter and the share record', () => {
  test('an adapter may name the newest backup of a method; the record keeps the one it describes', () => {
    expectTypeOf<WalletAdapter['latestBackupId']>().toEqualTypeOf<
      ((method: string) => Promise<string | undefined>) | undefined
    >()
    expectTypeOf<ShareRecord['walletBackupId']>().toEqualTypeOf<string | undefined>()
    expectTypeOf<Parameters<ShareApi['put']>[1]['walletBackupId']>().toEqualTypeOf<string | undefined>()
  })
})
