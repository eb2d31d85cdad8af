import type { Messages } from '../components/messages.js'
import { erasedParts } from './shared/erasedParts.js'

const verb = (step: string | undefined) => (step === 'read' ? 'leer' : step === 'erase' ? 'borrar' : 'guardar')

/** An erase that stopped part-way says what is already erased (`facts.erased`). */
const rest = erasedParts({
  drive: 'La clave de la copia de seguridad ya se borró de Google Drive; al borrar de nuevo se completa el resto.',
  driveAndServer:
    'La copia de seguridad ya se borró de Google Drive y del servidor; al borrar de nuevo se completa el resto.',
  server: 'La copia de seguridad ya se borró del servidor; al borrar de nuevo se completa el resto.',
})

/**
 * `react-mpc-backup/locales/es`: Spanish, in the wallet words of MetaMask's and Trust Wallet's Spanish apps
 * ("billetera", "copia de seguridad", "recuperar").
 */
export const es: Messages = {
  backupButton: {
    loading: 'Cargando el inicio de sesión de Google…',
    walletLoading: 'Cargando billetera…',
    unavailable: 'Inicio de sesión de Google no disponible. Reintentar',
    offline: 'Sin conexión: conéctate para hacer la copia',
    idle: 'Hacer copia de seguridad',
    authorizing: 'Esperando a Google…',
    generating: 'Cifrando la copia de seguridad…',
    storing: 'Guardando la copia de seguridad…',
    notifying: 'Confirmando la copia de seguridad…',
    success: 'Billetera respaldada',
    error: 'La copia de seguridad falló. Inténtalo de nuevo',
    superseded: 'Hacer otra copia de seguridad',
  },
  recoverButton: {
    loading: 'Cargando el inicio de sesión de Google…',
    walletLoading: 'Cargando billetera…',
    unavailable: 'Inicio de sesión de Google no disponible. Reintentar',
    offline: 'Sin conexión: conéctate para recuperar',
    idle: 'Recuperar billetera',
    authorizing: 'Esperando a Google…',
    reading: 'Leyendo la copia de seguridad…',
    recovering: 'Restaurando la billetera…',
    generating: 'Creando una copia de seguridad nueva…',
    storing: 'Guardando la copia de seguridad nueva…',
    notifying: 'Confirmando la copia de seguridad…',
    success: 'Billetera recuperada',
    error: 'La recuperación falló. Inténtalo de nuevo',
  },
  backupStatus: {
    loading: 'Comprobando la copia de seguridad…',
    offline: 'Sin conexión: estado de la copia desconocido',
    error: 'Estado de la copia no disponible',
    backedUp: 'Con copia de seguridad',
    partial: 'Copia de seguridad incompleta',
    none: 'Sin copia de seguridad',
    superseded: 'Reemplazada por otra copia de seguridad',
  },
  backupReminder: {
    none: 'Tu billetera no tiene copia de seguridad. Haz una para recuperarla si pierdes este dispositivo.',
    partial: 'La copia de seguridad de tu billetera está incompleta. Haz otra para poder recuperarla.',
    superseded: 'Otra copia de seguridad reemplazó a esta. Haz otra para poder recuperarla con Google.',
    stale: 'La copia de seguridad de tu billetera es antigua. Haz otra para mantenerla al día.',
    later: 'Más tarde',
  },
  errors: {
    CONFIG_INVALID: 'No se pudo leer el ID de cliente de la billetera.',
    GOOGLE_POPUP_BLOCKED: ({ reason }) =>
      reason === 'popup_failed_to_open'
        ? 'Ventana emergente bloqueada: permite las ventanas emergentes.'
        : reason === 'not_loaded'
          ? 'El inicio de sesión de Google no se cargó.'
          : 'El inicio de sesión de Google no se pudo abrir.',
    GOOGLE_POPUP_CLOSED: 'Se cerró la ventana de Google.',
    GOOGLE_SCOPE_DENIED: ({ reason }) =>
      /scope|insufficient/i.test(reason ?? '') ? 'No se concedió el acceso a Drive.' : 'Se denegó el acceso a Google.',
    GOOGLE_TOKEN_EXPIRED: 'La sesión de Google caducó.',
    GOOGLE_SETUP_INVALID: 'Habilita la API de Google Drive en el proyecto de Cloud de tu cliente OAuth.',
    GOOGLE_SCRIPT_UNAVAILABLE: 'El inicio de sesión de Google no se cargó.',
    GOOGLE_SIGN_IN_TIMEOUT: 'El inicio de sesión de Google no respondió.',
    GOOGLE_SIGN_IN_FAILED: 'El inicio de sesión de Google falló.',
    GOOGLE_UNSUPPORTED_BROWSER: ({ browser }) =>
      `Abre esta página en tu navegador: el inicio de sesión de Google no funciona en ${browser}.`,
    GOOGLE_REVOKE_FAILED: 'No se pudo revocar el acceso a Google.',
    DRIVE_QUOTA_EXCEEDED: 'Google Drive está lleno.',
    DRIVE_RATE_LIMITED: 'Google Drive está limitando las solicitudes.',
    DRIVE_UNAVAILABLE: ({ reason, status }) =>
      reason === 'timeout'
        ? 'Google Drive no respondió a tiempo.'
        : reason === 'network'
          ? 'No se puede acceder a Google Drive.'
          : `Error de Google Drive ${status}.`,
    DRIVE_DELETE_FAILED: 'No se pudo borrar la clave de la copia de seguridad de Google Drive.',
    SHARE_UPLOAD_FAILED: ({ reason, status }) =>
      reason === 'precondition_failed' || status === 412
        ? 'La copia de seguridad cambió en el servidor.'
        : `El servidor no pudo guardar la copia de seguridad (${status ?? 'sin conexión'}).`,
    SHARE_FETCH_FAILED: ({ status }) => `El servidor no pudo leer la copia de seguridad (${status ?? 'sin conexión'}).`,
    SHARE_ERASE_FAILED: (facts) =>
      `El servidor no pudo borrar la copia de seguridad (${facts.status ?? 'sin conexión'}).${rest(facts)}`,
    SHARE_UNAUTHORIZED: ({ status }, step) => `El servidor se negó a ${verb(step)} la copia de seguridad (${status}).`,
    SHARE_TOKEN_FAILED: 'La app no pudo identificarte ante el servidor de copias.',
    SHARE_SERVER_INVALID_RESPONSE: 'El servidor de copias envió una respuesta no válida.',
    SHARE_NOT_FOUND: 'No hay copia de seguridad en el servidor.',
    KEY_NOT_FOUND: ({ reason, expectedAccount }) =>
      reason === 'other_account'
        ? `La clave de la copia está en otra cuenta de Google: elige ${expectedAccount}.`
        : reason === 'version_mismatch'
          ? 'La clave de Drive no coincide con la copia del servidor.'
          : 'No hay clave de copia de seguridad en este Google Drive.',
    WALLET_BACKUP_FAILED: 'La copia de seguridad de la billetera falló.',
    WALLET_BUSY: 'La billetera está ocupada.',
    WALLET_TIMEOUT: ({ reason }) =>
      reason === 'wallet-not-ready' ? 'La billetera no estuvo lista a tiempo.' : 'La billetera no respondió a tiempo.',
    NOTIFY_FAILED: (facts) =>
      facts.erased
        ? `No se pudo avisar a la billetera de que se borró la copia de seguridad.${rest(facts)}`
        : 'No se pudo confirmar la copia de seguridad con la billetera.',
    RECOVERY_FAILED: (_, step) =>
      step === 'read' ? 'No se pudo leer la copia de seguridad.' : 'La recuperación de la billetera falló.',
    ABORTED: 'Cancelado.',
    BROWSER_OFFLINE: 'Estás sin conexión.',
  },
}
