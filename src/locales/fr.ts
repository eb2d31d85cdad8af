import type { Messages } from '../components/messages.js'
import { erasedParts } from './shared/erasedParts.js'

const verb = (step: string | undefined) => (step === 'read' ? 'lire' : step === 'erase' ? 'effacer' : 'enregistrer')

/** An erase that stopped part-way says what is already erased (`facts.erased`). */
const rest = erasedParts({
  drive: 'La clé de sauvegarde est déjà supprimée de Google Drive ; effacer à nouveau termine le reste.',
  driveAndServer: 'La sauvegarde est déjà effacée de Google Drive et du serveur ; effacer à nouveau termine le reste.',
  server: 'La sauvegarde est déjà effacée du serveur ; effacer à nouveau termine le reste.',
})

/**
 * `react-mpc-backup/locales/fr`: French, in the wallet words of MetaMask's and Coinbase Wallet's French apps
 * ("portefeuille", "sauvegarde", "sauvegarder", "restaurer").
 */
export const fr: Messages = {
  backupButton: {
    loading: 'Chargement de la connexion Google…',
    walletLoading: 'Chargement du portefeuille…',
    unavailable: 'Connexion Google indisponible. Réessayer',
    offline: 'Hors ligne : connectez-vous pour sauvegarder',
    idle: 'Sauvegarder le portefeuille',
    authorizing: 'En attente de Google…',
    generating: 'Chiffrement de la sauvegarde…',
    storing: 'Enregistrement de la sauvegarde…',
    notifying: 'Confirmation de la sauvegarde…',
    success: 'Portefeuille sauvegardé',
    error: 'Échec de la sauvegarde. Réessayez',
    superseded: 'Sauvegarder à nouveau',
  },
  recoverButton: {
    loading: 'Chargement de la connexion Google…',
    walletLoading: 'Chargement du portefeuille…',
    unavailable: 'Connexion Google indisponible. Réessayer',
    offline: 'Hors ligne : connectez-vous pour restaurer',
    idle: 'Restaurer le portefeuille',
    authorizing: 'En attente de Google…',
    reading: 'Lecture de la sauvegarde…',
    recovering: 'Restauration du portefeuille…',
    generating: 'Création d’une nouvelle sauvegarde…',
    storing: 'Enregistrement de la nouvelle sauvegarde…',
    notifying: 'Confirmation de la sauvegarde…',
    success: 'Portefeuille restauré',
    error: 'Échec de la restauration. Réessayez',
  },
  backupStatus: {
    loading: 'Vérification de la sauvegarde…',
    offline: 'Hors ligne : état de la sauvegarde inconnu',
    error: 'État de la sauvegarde indisponible',
    backedUp: 'Sauvegardé',
    partial: 'Sauvegarde incomplète',
    none: 'Non sauvegardé',
    superseded: 'Remplacée par une autre sauvegarde',
  },
  backupReminder: {
    none: 'Votre portefeuille n’est pas sauvegardé. Sauvegardez-le pour le restaurer si vous perdez cet appareil.',
    partial: 'La sauvegarde de votre portefeuille est incomplète. Sauvegardez à nouveau pour pouvoir le restaurer.',
    superseded: 'Une autre sauvegarde a remplacé celle-ci. Sauvegardez à nouveau pour pouvoir restaurer avec Google.',
    stale: 'La sauvegarde de votre portefeuille est ancienne. Sauvegardez à nouveau pour la garder à jour.',
    later: 'Plus tard',
  },
  errors: {
    CONFIG_INVALID: 'Impossible de lire l’identifiant client du portefeuille.',
    GOOGLE_POPUP_BLOCKED: ({ reason }) =>
      reason === 'popup_failed_to_open'
        ? 'Fenêtre pop-up bloquée : autorisez les pop-ups.'
        : reason === 'not_loaded'
          ? 'Connexion Google non chargée.'
          : 'La connexion Google n’a pas pu s’ouvrir.',
    GOOGLE_POPUP_CLOSED: 'Fenêtre Google fermée.',
    GOOGLE_SCOPE_DENIED: ({ reason }) =>
      /scope|insufficient/i.test(reason ?? '') ? 'Accès à Drive non accordé.' : 'Accès Google refusé.',
    GOOGLE_TOKEN_EXPIRED: 'La connexion Google a expiré.',
    GOOGLE_SETUP_INVALID: 'Activez l’API Google Drive dans le projet Cloud de votre client OAuth.',
    GOOGLE_SCRIPT_UNAVAILABLE: 'La connexion Google ne s’est pas chargée.',
    GOOGLE_SIGN_IN_TIMEOUT: 'La connexion Google n’a pas répondu.',
    GOOGLE_SIGN_IN_FAILED: 'Échec de la connexion Google.',
    GOOGLE_UNSUPPORTED_BROWSER: ({ browser }) =>
      `Ouvrez cette page dans votre navigateur : la connexion Google ne fonctionne pas dans ${browser}.`,
    GOOGLE_REVOKE_FAILED: 'L’accès Google n’a pas pu être révoqué.',
    DRIVE_QUOTA_EXCEEDED: 'Google Drive est plein.',
    DRIVE_RATE_LIMITED: 'Google Drive limite les requêtes.',
    DRIVE_UNAVAILABLE: ({ reason, status }) =>
      reason === 'timeout'
        ? 'Google Drive n’a pas répondu à temps.'
        : reason === 'network'
          ? 'Google Drive est injoignable.'
          : `Erreur Google Drive ${status}.`,
    DRIVE_DELETE_FAILED: 'Impossible de supprimer la clé de sauvegarde de Google Drive.',
    SHARE_UPLOAD_FAILED: ({ reason, status }) =>
      reason === 'precondition_failed' || status === 412
        ? 'La sauvegarde a changé sur le serveur.'
        : `Le serveur n’a pas pu enregistrer la sauvegarde (${status ?? 'hors ligne'}).`,
    SHARE_FETCH_FAILED: ({ status }) => `Le serveur n’a pas pu lire la sauvegarde (${status ?? 'hors ligne'}).`,
    SHARE_ERASE_FAILED: (facts) =>
      `Le serveur n’a pas pu effacer la sauvegarde (${facts.status ?? 'hors ligne'}).${rest(facts)}`,
    SHARE_UNAUTHORIZED: ({ status }, step) => `Le serveur a refusé de ${verb(step)} la sauvegarde (${status}).`,
    SHARE_TOKEN_FAILED: 'L’application n’a pas pu vous identifier auprès du serveur de sauvegarde.',
    SHARE_SERVER_INVALID_RESPONSE: 'Le serveur de sauvegarde a envoyé une réponse invalide.',
    SHARE_NOT_FOUND: 'Aucune sauvegarde sur le serveur.',
    KEY_NOT_FOUND: ({ reason, expectedAccount }) =>
      reason === 'other_account'
        ? `La clé de sauvegarde est dans un autre compte Google : choisissez ${expectedAccount}.`
        : reason === 'version_mismatch'
          ? 'La clé Drive ne correspond pas à la sauvegarde du serveur.'
          : 'Aucune clé de sauvegarde dans ce Google Drive.',
    WALLET_BACKUP_FAILED: 'Échec de la sauvegarde du portefeuille.',
    WALLET_BUSY: 'Portefeuille occupé.',
    WALLET_TIMEOUT: ({ reason }) =>
      reason === 'wallet-not-ready'
        ? 'Le portefeuille n’a pas été prêt à temps.'
        : 'Le portefeuille n’a pas répondu à temps.',
    NOTIFY_FAILED: (facts) =>
      facts.erased
        ? `Impossible d’informer le portefeuille que la sauvegarde a été effacée.${rest(facts)}`
        : 'Le portefeuille n’a pas pu confirmer la sauvegarde.',
    RECOVERY_FAILED: (_, step) =>
      step === 'read' ? 'Impossible de lire la sauvegarde.' : 'Échec de la restauration du portefeuille.',
    ABORTED: 'Annulé.',
    BROWSER_OFFLINE: 'Vous êtes hors ligne.',
  },
}
