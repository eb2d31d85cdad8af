// The components' prop types: element props and refs where a Radix-style component has them, flow callbacks typed
// by the flow.
import type { ComponentProps, ComponentPropsWithRef, MouseEvent, ReactNode, Ref } from 'react'
import type {
  BackupButton,
  BackupButtonLabels,
  BackupButtonProps,
  BackupReminder,
  BackupReminderLabels,
  BackupReminderProps,
  BackupReminderReason,
  BackupStatus,
  GetBackupStatusReturnType,
  BackupStatusLabels,
  BackupStatusProps,
  BackupState,
  BackupWalletErrorType,
  BackupWalletReturnType,
  RecoverButton,
  RecoverButtonProps,
  RecoverWalletErrorType,
  UseBackupStatusReturnType,
  WalletBackupProvider,
  WalletBackupProviderProps,
  BackupWalletStep,
  RecoverWalletStep,
  defaultReminderLabels,
  BackupErrorCode,
  BackupErrorStep,
  ErrorFacts,
  Messages,
  MessageText,
  PartialMessages,
} from 'react-mpc-backup'
import { describe, expectTypeOf, test } from 'vitest'

describe('BackupButton and RecoverButton', () => {
  test("a button's props, asChild, and the ref of a button", () => {
    expectTypeOf<ComponentProps<typeof BackupButton>>().toExtend<BackupButtonProps>()
    expectTypeOf<ComponentPropsWithRef<typeof BackupButton>['ref']>().toExtend<Ref<HTMLButtonElement> | undefined>()
    expectTypeOf<ComponentPropsWithRef<typeof RecoverButton>['ref']>().toExtend<Ref<HTMLButtonElement> | undefined>()
    expectTypeOf<BackupButtonProps['asChild']>().toEqualTypeOf<boolean | undefined>()
    expectTypeOf<BackupButtonProps['aria-describedby']>().toEqualTypeOf<string | undefined>()
    expectTypeOf<BackupButtonProps['className']>().toEqualTypeOf<string | undefined>()
  })

  test('callbacks and children are typed by their flow', () => {
    expectTypeOf<BackupButtonProps['onError']>().toEqualTypeOf<((error: BackupWalletErrorType) => void) | undefined>()
    expectTypeOf<BackupButtonProps['onSuccess']>().toEqualTypeOf<((data: BackupWalletReturnType) => void) | undefined>()
    expectTypeOf<BackupButtonProps['onStep']>().toEqualTypeOf<((step: BackupWalletStep) => void) | undefined>()
    expectTypeOf<BackupButtonProps['children']>().toEqualTypeOf<
      ReactNode | ((step: BackupWalletStep) => ReactNode) | undefined
    >()
    expectTypeOf<RecoverButtonProps['onError']>().toEqualTypeOf<((error: RecoverWalletErrorType) => void) | undefined>()
    expectTypeOf<RecoverButtonProps['onStep']>().toEqualTypeOf<((step: RecoverWalletStep) => void) | undefined>()
    expectTypeOf<NonNullable<BackupButtonProps['labels']>>().toHaveProperty('authorizing')
    expectTypeOf<NonNullable<RecoverButtonProps['labels']>>().toHaveProperty('reading')
  })

  test('the backup button has a label for a backup another one replaced; the recovery button does not', () => {
    expectTypeOf<NonNullable<BackupButtonProps['labels']>>().toEqualTypeOf<BackupButtonLabels>()
    expectTypeOf<BackupButtonLabels['superseded']>().toEqualTypeOf<string | undefined>()
    expectTypeOf<NonNullable<RecoverButtonProps['labels']>>().not.toHaveProperty('superseded')
    // The render prop still gets the flow's steps only: the label changes, the step does not.
    expectTypeOf<
      Parameters<Extract<BackupButtonProps['children'], (step: never) => unknown>>[0]
    >().toEqualTypeOf<BackupWalletStep>()
  })
})

describe('BackupStatus', () => {
  test("a span's props and ref, plus the render prop and labels", () => {
    expectTypeOf<ComponentPropsWithRef<typeof BackupStatus>['ref']>().toExtend<Ref<HTMLSpanElement> | undefined>()
    expectTypeOf<BackupStatusProps['className']>().toEqualTypeOf<string | undefined>()
    expectTypeOf<BackupStatusProps['id']>().toEqualTypeOf<string | undefined>()
    expectTypeOf<NonNullable<BackupStatusProps['children']>>().toEqualTypeOf<
      (status: GetBackupStatusReturnType | undefined, query: UseBackupStatusReturnType) => ReactNode
    >()
    expectTypeOf<NonNullable<BackupStatusProps['labels']>>().toHaveProperty('backedUp')
  })

  test('its states, superseded among them, each with a label', () => {
    expectTypeOf<BackupState>().toEqualTypeOf<'backedUp' | 'partial' | 'none' | 'superseded'>()
    expectTypeOf<GetBackupStatusReturnType['state']>().toEqualTypeOf<BackupState>()
    expectTypeOf<BackupStatusLabels['superseded']>().toEqualTypeOf<string | undefined>()
  })
})

describe('WalletBackupProvider', () => {
  test('its props are the declared, exported type', () => {
    expectTypeOf<ComponentProps<typeof WalletBackupProvider>>().toEqualTypeOf<WalletBackupProviderProps>()
    expectTypeOf<WalletBackupProviderProps>().toHaveProperty('wallet')
    expectTypeOf<WalletBackupProviderProps>().toHaveProperty('server')
  })
})

describe('BackupReminder', () => {
  test("a div's props and ref, asChild, the call to action as children, the hook's parameters", () => {
    expectTypeOf<ComponentProps<typeof BackupReminder>>().toExtend<BackupReminderProps>()
    expectTypeOf<ComponentPropsWithRef<typeof BackupReminder>['ref']>().toExtend<Ref<HTMLDivElement> | undefined>()
    expectTypeOf<BackupReminderProps['asChild']>().toEqualTypeOf<boolean | undefined>()
    expectTypeOf<BackupReminderProps['forceMount']>().toEqualTypeOf<boolean | undefined>()
    expectTypeOf<BackupReminderProps['children']>().toEqualTypeOf<ReactNode>()
    expectTypeOf<BackupReminderProps['className']>().toEqualTypeOf<string | undefined>()
    expectTypeOf<BackupReminderProps['snoozeMs']>().toEqualTypeOf<number | undefined>()
    expectTypeOf<BackupReminderProps['onSnooze']>().toEqualTypeOf<
      ((event: MouseEvent<HTMLButtonElement>) => void) | undefined
    >()
  })

  test('a text per reason and for "Later", every one in defaultReminderLabels', () => {
    expectTypeOf<keyof BackupReminderLabels>().toEqualTypeOf<BackupReminderReason | 'later'>()
    expectTypeOf<typeof defaultReminderLabels>().toEqualTypeOf<Required<BackupReminderLabels>>()
  })
})

describe('messages (issue #29)', () => {
  test('one Messages value: a group per component, an error text per code; the provider takes any part of it', async () => {
    const { en } = await import('react-mpc-backup/locales/en')
    const { ptBR } = await import('react-mpc-backup/locales/pt-BR')
    expectTypeOf(en).toEqualTypeOf<Messages>()
    expectTypeOf(ptBR).toEqualTypeOf<Messages>()
    expectTypeOf<keyof Messages['errors']>().toEqualTypeOf<BackupErrorCode>()
    expectTypeOf<Messages['backupButton']>().toEqualTypeOf<Required<BackupButtonLabels>>()
    expectTypeOf<Messages['backupStatus']>().toEqualTypeOf<Required<BackupStatusLabels>>()
    expectTypeOf<Messages['backupReminder']>().toEqualTypeOf<Required<BackupReminderLabels>>()
    expectTypeOf<WalletBackupProviderProps['messages']>().toEqualTypeOf<PartialMessages | undefined>()
    expectTypeOf<Messages>().toExtend<PartialMessages>()
    expectTypeOf<{ backupButton: { idle: string } }>().toExtend<PartialMessages>()
    // A text with values is a function of the error's facts and step.
    expectTypeOf<(facts: ErrorFacts, step: BackupErrorStep | undefined) => string>().toExtend<MessageText>()
    expectTypeOf<{ errors: { WALLET_BUSY: number } }>().not.toExtend<PartialMessages>()
  })
})
