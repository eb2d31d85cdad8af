import type { Messages } from '../components/messages.js'
import { erasedParts } from './shared/erasedParts.js'

const verb = (step: string | undefined) => (step === 'read' ? '読み込み' : step === 'erase' ? '削除' : '保存')

/** An erase that stopped part-way says what is already erased (`facts.erased`). */
const rest = erasedParts({
  gap: '',
  drive: 'バックアップキーは Google ドライブから削除済みです。もう一度削除すると残りも完了します。',
  driveAndServer: 'バックアップは Google ドライブとサーバーから削除済みです。もう一度削除すると残りも完了します。',
  server: 'バックアップはサーバーから削除済みです。もう一度削除すると残りも完了します。',
})

/**
 * `react-mpc-backup/locales/ja`: Japanese, in the wallet words of MetaMask's and Trust Wallet's Japanese apps
 * ("ウォレット", "バックアップ", "復元").
 */
export const ja: Messages = {
  backupButton: {
    loading: 'Google ログインを読み込み中…',
    walletLoading: 'ウォレットを読み込み中…',
    unavailable: 'Google ログインを利用できません。再試行',
    offline: 'オフライン: バックアップするには接続してください',
    idle: 'ウォレットをバックアップ',
    authorizing: 'Google を待っています…',
    generating: 'バックアップを暗号化中…',
    storing: 'バックアップを保存中…',
    notifying: 'バックアップを確認中…',
    success: 'ウォレットをバックアップしました',
    error: 'バックアップに失敗しました。再試行',
    superseded: 'もう一度バックアップ',
  },
  recoverButton: {
    loading: 'Google ログインを読み込み中…',
    walletLoading: 'ウォレットを読み込み中…',
    unavailable: 'Google ログインを利用できません。再試行',
    offline: 'オフライン: 復元するには接続してください',
    idle: 'ウォレットを復元',
    authorizing: 'Google を待っています…',
    reading: 'バックアップを読み込み中…',
    recovering: 'ウォレットを復元中…',
    generating: '新しいバックアップを作成中…',
    storing: '新しいバックアップを保存中…',
    notifying: 'バックアップを確認中…',
    success: 'ウォレットを復元しました',
    error: '復元に失敗しました。再試行',
  },
  backupStatus: {
    loading: 'バックアップを確認中…',
    offline: 'オフライン: バックアップの状態は不明です',
    error: 'バックアップの状態を取得できません',
    backedUp: 'バックアップ済み',
    partial: 'バックアップが不完全です',
    none: '未バックアップ',
    superseded: '別のバックアップに置き換えられました',
  },
  backupReminder: {
    none: 'ウォレットがバックアップされていません。この端末をなくしても復元できるよう、バックアップしてください。',
    partial: 'ウォレットのバックアップが不完全です。復元できるよう、もう一度バックアップしてください。',
    superseded:
      '別のバックアップがこのバックアップを置き換えました。Google で復元できるよう、もう一度バックアップしてください。',
    stale: 'ウォレットのバックアップが古くなっています。最新に保つため、もう一度バックアップしてください。',
    later: '後で',
  },
  errors: {
    CONFIG_INVALID: 'ウォレットからクライアント ID を読み取れませんでした。',
    GOOGLE_POPUP_BLOCKED: ({ reason }) =>
      reason === 'popup_failed_to_open'
        ? 'ポップアップがブロックされました: ポップアップを許可してください。'
        : reason === 'not_loaded'
          ? 'Google ログインが読み込まれていません。'
          : 'Google ログインを開けませんでした。',
    GOOGLE_POPUP_CLOSED: 'Google のウィンドウが閉じられました。',
    GOOGLE_SCOPE_DENIED: ({ reason }) =>
      /scope|insufficient/i.test(reason ?? '')
        ? 'Drive へのアクセスが許可されていません。'
        : 'Google へのアクセスが拒否されました。',
    GOOGLE_TOKEN_EXPIRED: 'Google ログインの有効期限が切れました。',
    GOOGLE_SETUP_INVALID: 'OAuth クライアントの Cloud プロジェクトで Google Drive API を有効にしてください。',
    GOOGLE_SCRIPT_UNAVAILABLE: 'Google ログインを読み込めませんでした。',
    GOOGLE_SIGN_IN_TIMEOUT: 'Google ログインから応答がありません。',
    GOOGLE_SIGN_IN_FAILED: 'Google ログインに失敗しました。',
    GOOGLE_UNSUPPORTED_BROWSER: ({ browser }) =>
      `このページをブラウザで開いてください: ${browser} では Google ログインを利用できません。`,
    GOOGLE_REVOKE_FAILED: 'Google へのアクセスを取り消せませんでした。',
    DRIVE_QUOTA_EXCEEDED: 'Google ドライブの容量がいっぱいです。',
    DRIVE_RATE_LIMITED: 'Google ドライブへのリクエストが制限されています。',
    DRIVE_UNAVAILABLE: ({ reason, status }) =>
      reason === 'timeout'
        ? 'Google ドライブがタイムアウトしました。'
        : reason === 'network'
          ? 'Google ドライブに接続できません。'
          : `Google ドライブのエラー ${status}。`,
    DRIVE_DELETE_FAILED: 'Google ドライブからバックアップキーを削除できませんでした。',
    SHARE_UPLOAD_FAILED: ({ reason, status }) =>
      reason === 'precondition_failed' || status === 412
        ? 'サーバー上のバックアップが変更されました。'
        : `サーバーがバックアップを保存できませんでした (${status ?? 'オフライン'})。`,
    SHARE_FETCH_FAILED: ({ status }) => `サーバーがバックアップを読み込めませんでした (${status ?? 'オフライン'})。`,
    SHARE_ERASE_FAILED: (facts) =>
      `サーバーがバックアップを削除できませんでした (${facts.status ?? 'オフライン'})。${rest(facts)}`,
    SHARE_UNAUTHORIZED: ({ status }, step) => `サーバーがバックアップの${verb(step)}を拒否しました (${status})。`,
    SHARE_TOKEN_FAILED: 'アプリがバックアップサーバーであなたを認証できませんでした。',
    SHARE_SERVER_INVALID_RESPONSE: 'バックアップサーバーが無効な応答を返しました。',
    SHARE_NOT_FOUND: 'サーバーにバックアップがありません。',
    KEY_NOT_FOUND: ({ reason, expectedAccount }) =>
      reason === 'other_account'
        ? `バックアップキーは別の Google アカウントにあります: ${expectedAccount} を選んでください。`
        : reason === 'version_mismatch'
          ? 'ドライブのキーがサーバーのバックアップと一致しません。'
          : 'この Google ドライブにバックアップキーがありません。',
    WALLET_BACKUP_FAILED: 'ウォレットのバックアップに失敗しました。',
    WALLET_BUSY: 'ウォレットは処理中です。',
    WALLET_TIMEOUT: ({ reason }) =>
      reason === 'wallet-not-ready'
        ? 'ウォレットの準備が時間内に整いませんでした。'
        : 'ウォレットが時間内に応答しませんでした。',
    NOTIFY_FAILED: (facts) =>
      facts.erased
        ? `バックアップを削除したことをウォレットに通知できませんでした。${rest(facts)}`
        : 'ウォレットがバックアップを確認できませんでした。',
    RECOVERY_FAILED: (_, step) =>
      step === 'read' ? 'バックアップを読み込めませんでした。' : 'ウォレットの復元に失敗しました。',
    ABORTED: 'キャンセルしました。',
    BROWSER_OFFLINE: 'オフラインです。',
  },
}
