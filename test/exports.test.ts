// The public runtime surface of each entry point. A name that appears or vanishes fails here first: change the
// list on purpose, in the same commit as the export, and say so in the changelog.
import { readdirSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import ts from 'typescript'
import { describe, expect, test } from 'vitest'
import * as client from '../src/index.js'
import * as core from '../src/core/index.js'
import * as server from '../src/server/index.js'
import * as testing from '../src/testing/index.js'

describe('export surface', () => {
  test("'react-mpc-backup' exports exactly these runtime names", () => {
    expect(Object.keys(client).sort()).toEqual([
      'Aborted',
      'BackupButton',
      'BackupConfigError',
      'BackupError',
      'BackupReminder',
      'BackupStatus',
      'BrowserOffline',
      'DEFAULT_WALLET_TIMEOUT_MS',
      'DriveDeleteFailed',
      'DriveQuotaExceeded',
      'DriveRateLimited',
      'DriveUnavailable',
      'GooglePopupBlocked',
      'GooglePopupClosed',
      'GoogleRevokeFailed',
      'GoogleScopeDenied',
      'GoogleScriptUnavailable',
      'GoogleSetupError',
      'GoogleSignInFailed',
      'GoogleSignInTimeout',
      'GoogleTokenExpired',
      'GoogleUnsupportedBrowser',
      'KeyNotFound',
      'NotifyFailed',
      'RecoverButton',
      'RecoveryFailed',
      'ShareEraseFailed',
      'ShareFetchFailed',
      'ShareNotFound',
      'ShareServerInvalidResponse',
      'ShareTokenFailed',
      'ShareUnauthorized',
      'ShareUploadFailed',
      'WalletBackupFailed',
      'WalletBackupProvider',
      'WalletBusy',
      'WalletTimeout',
      'backupKeys',
      'backupWallet',
      'backupWalletMutationOptions',
      'defaultBackupLabels',
      'defaultRecoverLabels',
      'defaultReminderLabels',
      'eraseBackup',
      'eraseBackupMutationOptions',
      'getBackupStatus',
      'getBackupStatusQueryOptions',
      'portalAdapter',
      'recoverWallet',
      'recoverWalletMutationOptions',
      'useBackupReminder',
      'useBackupStatus',
      'useEraseBackup',
      'useWalletBackup',
      'useWalletBackupSession',
      'useWalletRecovery',
    ])
  })

  test("'react-mpc-backup/core' exports exactly these runtime names", () => {
    expect(Object.keys(core).sort()).toEqual([
      'DRIVE_APPDATA_SCOPE',
      'createDriveKeyStore',
      'createShareApi',
      'createTokenBroker',
      'keyFileName',
    ])
  })

  test("'react-mpc-backup/server' exports exactly these runtime names", () => {
    expect(Object.keys(server).sort()).toEqual([
      'AuthenticationRefused',
      'DEFAULT_KEY_ID',
      'ServerConfigError',
      'StorageKeyMismatchError',
      'UNKNOWN_METHOD',
      'answerClientError',
      'checkEncryptionKey',
      'collectStoreStats',
      'createBackupHandler',
      'createBackupRouter',
      'createDevInspector',
      'createNodeHandler',
      'createServer',
      'createWebHandler',
      'devHeaderAuthenticate',
      'encryptAtRest',
      'jwtAuthenticate',
      'keyIdOf',
      'loadServerConfig',
      'mintClientToken',
      'postgresStore',
      'revisionOf',
      'rotateEncryptionKey',
      'sqliteStore',
      'startServer',
      'verifyStoredRows',
    ])
  })

  test("'react-mpc-backup/testing' exports exactly these runtime names", () => {
    expect(Object.keys(testing).sort()).toEqual([
      'EmulatedMpcError',
      'EmulatedPortalMpcError',
      'ShareServerCheckError',
      'checkServerCommand',
      'checkShareServer',
      'createGoogleEmulator',
      'createShareServerEmulator',
      'createWalletBackend',
      'createWalletEmulator',
      'formatShareServerReport',
      'gisEmulatorGlobal',
      'gisEmulatorTokenUrl',
      'gisRevokeUrl',
      'gisStandInScript',
      'gisStandInUrl',
    ])
  })

  test("each locale pack ('react-mpc-backup/locales/<lang>') exports exactly one object, named after its language", async () => {
    const dir = resolve(import.meta.dirname, '../src/locales')
    const packs = readdirSync(dir).filter((f) => /^[a-zA-Z-]+\.ts$/.test(f))
    expect(packs.sort()).toEqual(['ar.ts', 'de.ts', 'en.ts', 'es.ts', 'fr.ts', 'ja.ts', 'pt-BR.ts'])
    for (const file of packs) {
      const pack = (await import(join(dir, file))) as Record<string, unknown>
      expect(Object.keys(pack), file).toEqual([file.slice(0, -3).replace('-', '')])
    }
  })

  test('every error class of the client entry is a BackupError with its own name', () => {
    const errorNames = Object.entries(client)
      .filter(([, v]) => typeof v === 'function' && v.prototype instanceof client.BackupError)
      .map(([k]) => k)
    expect(errorNames.length).toBe(30)
    for (const name of errorNames) {
      const Ctor = (client as unknown as Record<string, new (m: string) => Error>)[name]!
      expect(new Ctor('x').name, name).toBe(name)
    }
  })
})

// The type surface, read by the TypeScript compiler from each entry's source: every exported name with its kind
// (class, function, const, type, interface). A type that appears, vanishes or changes kind fails here; update the
// snapshot on purpose (`npx vitest run --project node test/exports.test.ts -u`) and say so in the changelog.
describe('export surface with types', () => {
  const root = resolve(import.meta.dirname, '..')
  const config = ts.getParsedCommandLineOfConfigFile(join(root, 'tsconfig.json'), undefined, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'))
    },
  })!
  const entries = {
    client: join(root, 'src/index.ts'),
    core: join(root, 'src/core/index.ts'),
    server: join(root, 'src/server/index.ts'),
    testing: join(root, 'src/testing/index.ts'),
    ...Object.fromEntries(
      readdirSync(join(root, 'src/locales'))
        .filter((f) => /^[a-zA-Z-]+\.ts$/.test(f))
        .map((f) => [`locales-${f.slice(0, -3)}`, join(root, 'src/locales', f)]),
    ),
  }
  const program = ts.createProgram(Object.values(entries), { ...config.options, noEmit: true })
  const checker = program.getTypeChecker()

  function kindOf(symbol: ts.Symbol): string {
    const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol
    const kinds = (target.declarations ?? []).map((d) =>
      ts.isClassDeclaration(d)
        ? 'class'
        : ts.isInterfaceDeclaration(d)
          ? 'interface'
          : ts.isTypeAliasDeclaration(d)
            ? 'type'
            : ts.isFunctionDeclaration(d)
              ? 'function'
              : ts.isVariableDeclaration(d)
                ? ts.getCombinedNodeFlags(d) & ts.NodeFlags.Const
                  ? 'const'
                  : 'let'
                : ts.SyntaxKind[d.kind],
    )
    return [...new Set(kinds)].join('+')
  }

  function surface(file: string): string {
    const module = checker.getSymbolAtLocation(program.getSourceFile(file)!)!
    return `${checker
      .getExportsOfModule(module)
      .map((s) => `${kindOf(s)} ${s.name}`)
      .sort((a, b) => a.split(' ')[1]!.localeCompare(b.split(' ')[1]!))
      .join('\n')}\n`
  }

  test.each(Object.entries(entries))("'%s' entry: names and kinds", async (name, file) => {
    await expect(surface(file)).toMatchFileSnapshot(`./exportSurface/${name}.txt`)
  })

  test('no name is exported by two entries with two meanings', () => {
    // A name two entries export is one meaning only when both re-export one declaration (ServerErrorCode is defined
    // in src/core/errors/serverErrorCodes.ts; the client and server entries re-export it). Two declarations of one
    // name, even two constants of one value, are two definitions.
    const meaning = (s: ts.Symbol) => {
      const target = s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s
      const decl = target.declarations?.[0]
      return `${relative(root, decl?.getSourceFile().fileName ?? '?')}#${target.name}`
    }
    const byName = new Map<string, Set<string>>()
    for (const file of Object.values(entries))
      for (const s of checker.getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(file)!)!))
        byName.set(s.name, (byName.get(s.name) ?? new Set()).add(meaning(s)))
    const clashes = [...byName].filter(([, meanings]) => meanings.size > 1).map(([name, m]) => `${name}: ${[...m]}`)
    expect(clashes).toEqual([])
  })
})
