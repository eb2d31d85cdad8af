import type { Messages } from '../components/messages.js'
import { erasedParts } from './shared/erasedParts.js'

const verb = (step: string | undefined) => (step === 'read' ? 'lesen' : step === 'erase' ? 'löschen' : 'speichern')

/** An erase that stopped part-way says what is already erased (`facts.erased`). */
const rest = erasedParts({
  drive: 'Der Backup-Schlüssel ist bereits aus Google Drive gelöscht; erneutes Löschen erledigt den Rest.',
  driveAndServer:
    'Das Backup ist bereits aus Google Drive und vom Server gelöscht; erneutes Löschen erledigt den Rest.',
  server: 'Das Backup ist bereits vom Server gelöscht; erneutes Löschen erledigt den Rest.',
})

/**
 * `react-mpc-backup/locales/de`: German, in the wallet words of MetaMask's and Trust Wallet's German apps ("Wallet",
 * "Backup", "sichern", "Wiederherstellung", "wiederherstellen").
 */
export const de: Messages = {
  backupButton: {
    loading: 'Google-Anmeldung wird geladen…',
    walletLoading: 'Wallet wird geladen…',
    unavailable: 'Google-Anmeldung nicht verfügbar. Erneut versuchen',
    offline: 'Offline: zum Sichern verbinden',
    idle: 'Wallet sichern',
    authorizing: 'Warten auf Google…',
    generating: 'Backup wird verschlüsselt…',
    storing: 'Backup wird gespeichert…',
    notifying: 'Backup wird bestätigt…',
    success: 'Wallet gesichert',
    error: 'Backup fehlgeschlagen. Erneut versuchen',
    superseded: 'Erneut sichern',
  },
  recoverButton: {
    loading: 'Google-Anmeldung wird geladen…',
    walletLoading: 'Wallet wird geladen…',
    unavailable: 'Google-Anmeldung nicht verfügbar. Erneut versuchen',
    offline: 'Offline: zum Wiederherstellen verbinden',
    idle: 'Wallet wiederherstellen',
    authorizing: 'Warten auf Google…',
    reading: 'Backup wird gelesen…',
    recovering: 'Wallet wird wiederhergestellt…',
    generating: 'Neues Backup wird erstellt…',
    storing: 'Neues Backup wird gespeichert…',
    notifying: 'Backup wird bestätigt…',
    success: 'Wallet wiederhergestellt',
    error: 'Wiederherstellung fehlgeschlagen. Erneut versuchen',
  },
  backupStatus: {
    loading: 'Backup wird geprüft…',
    offline: 'Offline: Backup-Status unbekannt',
    error: 'Backup-Status nicht verfügbar',
    backedUp: 'Gesichert',
    partial: 'Backup unvollständig',
    none: 'Nicht gesichert',
    superseded: 'Durch ein anderes Backup ersetzt',
  },
  backupReminder: {
    none: 'Deine Wallet ist nicht gesichert. Sichere sie, um sie wiederherzustellen, falls du dieses Gerät verlierst.',
    partial: 'Das Backup deiner Wallet ist unvollständig. Sichere sie erneut, um sie wiederherstellen zu können.',
    superseded: 'Ein anderes Backup hat dieses ersetzt. Sichere erneut, um mit Google wiederherstellen zu können.',
    stale: 'Das Backup deiner Wallet ist alt. Sichere sie erneut, um es aktuell zu halten.',
    later: 'Später',
  },
  errors: {
    CONFIG_INVALID: 'Die Client-ID konnte nicht aus der Wallet gelesen werden.',
    GOOGLE_POPUP_BLOCKED: ({ reason }) =>
      reason === 'popup_failed_to_open'
        ? 'Pop-up blockiert: Pop-ups erlauben.'
        : reason === 'not_loaded'
          ? 'Google-Anmeldung nicht geladen.'
          : 'Google-Anmeldung ließ sich nicht öffnen.',
    GOOGLE_POPUP_CLOSED: 'Google-Fenster geschlossen.',
    GOOGLE_SCOPE_DENIED: ({ reason }) =>
      /scope|insufficient/i.test(reason ?? '') ? 'Kein Zugriff auf Drive erteilt.' : 'Google-Zugriff verweigert.',
    GOOGLE_TOKEN_EXPIRED: 'Google-Anmeldung abgelaufen.',
    GOOGLE_SETUP_INVALID: 'Aktiviere die Google Drive API im Cloud-Projekt deines OAuth-Clients.',
    GOOGLE_SCRIPT_UNAVAILABLE: 'Google-Anmeldung wurde nicht geladen.',
    GOOGLE_SIGN_IN_TIMEOUT: 'Google-Anmeldung hat nicht geantwortet.',
    GOOGLE_SIGN_IN_FAILED: 'Google-Anmeldung fehlgeschlagen.',
    GOOGLE_UNSUPPORTED_BROWSER: ({ browser }) =>
      `Öffne diese Seite in deinem Browser: Die Google-Anmeldung funktioniert nicht in ${browser}.`,
    GOOGLE_REVOKE_FAILED: 'Der Google-Zugriff konnte nicht widerrufen werden.',
    DRIVE_QUOTA_EXCEEDED: 'Google Drive ist voll.',
    DRIVE_RATE_LIMITED: 'Google Drive begrenzt die Anfragen.',
    DRIVE_UNAVAILABLE: ({ reason, status }) =>
      reason === 'timeout'
        ? 'Zeitüberschreitung bei Google Drive.'
        : reason === 'network'
          ? 'Google Drive nicht erreichbar.'
          : `Google-Drive-Fehler ${status}.`,
    DRIVE_DELETE_FAILED: 'Der Backup-Schlüssel konnte nicht aus Google Drive gelöscht werden.',
    SHARE_UPLOAD_FAILED: ({ reason, status }) =>
      reason === 'precondition_failed' || status === 412
        ? 'Das Backup wurde auf dem Server geändert.'
        : `Der Server konnte das Backup nicht speichern (${status ?? 'offline'}).`,
    SHARE_FETCH_FAILED: ({ status }) => `Der Server konnte das Backup nicht lesen (${status ?? 'offline'}).`,
    SHARE_ERASE_FAILED: (facts) =>
      `Der Server konnte das Backup nicht löschen (${facts.status ?? 'offline'}).${rest(facts)}`,
    SHARE_UNAUTHORIZED: ({ status }, step) => `Der Server hat abgelehnt, das Backup zu ${verb(step)} (${status}).`,
    SHARE_TOKEN_FAILED: 'Die App konnte dich beim Backup-Server nicht anmelden.',
    SHARE_SERVER_INVALID_RESPONSE: 'Der Backup-Server hat eine ungültige Antwort gesendet.',
    SHARE_NOT_FOUND: 'Kein Backup auf dem Server.',
    KEY_NOT_FOUND: ({ reason, expectedAccount }) =>
      reason === 'other_account'
        ? `Der Backup-Schlüssel liegt in einem anderen Google-Konto: wähle ${expectedAccount}.`
        : reason === 'version_mismatch'
          ? 'Der Drive-Schlüssel passt nicht zum Backup auf dem Server.'
          : 'Kein Backup-Schlüssel in diesem Google Drive.',
    WALLET_BACKUP_FAILED: 'Wallet-Backup fehlgeschlagen.',
    WALLET_BUSY: 'Wallet ist beschäftigt.',
    WALLET_TIMEOUT: ({ reason }) =>
      reason === 'wallet-not-ready'
        ? 'Die Wallet wurde nicht rechtzeitig bereit.'
        : 'Die Wallet hat nicht rechtzeitig geantwortet.',
    NOTIFY_FAILED: (facts) =>
      facts.erased
        ? `Die Wallet konnte nicht über das Löschen des Backups informiert werden.${rest(facts)}`
        : 'Die Wallet konnte das Backup nicht bestätigen.',
    RECOVERY_FAILED: (_, step) =>
      step === 'read' ? 'Das Backup konnte nicht gelesen werden.' : 'Wiederherstellung der Wallet fehlgeschlagen.',
    ABORTED: 'Abgebrochen.',
    BROWSER_OFFLINE: 'Du bist offline.',
  },
}
