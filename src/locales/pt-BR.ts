import type { Messages } from '../components/messages.js'
import { erasedParts } from './shared/erasedParts.js'

const verb = (step: string | undefined) => (step === 'read' ? 'ler' : step === 'erase' ? 'apagar' : 'salvar')

/** An erase that stopped part-way says what is already erased (`facts.erased`). */
const rest = erasedParts({
  drive: 'A chave do backup já foi apagada do Google Drive; apagar de novo conclui o restante.',
  driveAndServer: 'O backup já foi apagado do Google Drive e do servidor; apagar de novo conclui o restante.',
  server: 'O backup já foi apagado do servidor; apagar de novo conclui o restante.',
})

/**
 * `react-mpc-backup/locales/pt-BR`: Brazilian Portuguese, in the wallet words of MetaMask's and Trust Wallet's
 * Brazilian apps ("carteira", "backup", "fazer backup", "recuperar").
 */
export const ptBR: Messages = {
  backupButton: {
    loading: 'Carregando o login do Google…',
    walletLoading: 'Carregando a carteira…',
    unavailable: 'Login do Google indisponível. Tentar de novo',
    offline: 'Sem conexão: conecte-se para fazer o backup',
    idle: 'Fazer backup da carteira',
    authorizing: 'Aguardando o Google…',
    generating: 'Criptografando o backup…',
    storing: 'Salvando o backup…',
    notifying: 'Confirmando o backup…',
    success: 'Backup da carteira feito',
    error: 'O backup falhou. Tente de novo',
    superseded: 'Fazer backup de novo',
  },
  recoverButton: {
    loading: 'Carregando o login do Google…',
    walletLoading: 'Carregando a carteira…',
    unavailable: 'Login do Google indisponível. Tentar de novo',
    offline: 'Sem conexão: conecte-se para recuperar',
    idle: 'Recuperar carteira',
    authorizing: 'Aguardando o Google…',
    reading: 'Lendo o backup…',
    recovering: 'Restaurando a carteira…',
    generating: 'Criando um novo backup…',
    storing: 'Salvando o novo backup…',
    notifying: 'Confirmando o backup…',
    success: 'Carteira recuperada',
    error: 'A recuperação falhou. Tente de novo',
  },
  backupStatus: {
    loading: 'Verificando o backup…',
    offline: 'Sem conexão: status do backup desconhecido',
    error: 'Status do backup indisponível',
    backedUp: 'Backup feito',
    partial: 'Backup incompleto',
    none: 'Sem backup',
    superseded: 'Substituído por outro backup',
  },
  backupReminder: {
    none: 'Sua carteira não tem backup. Faça o backup para recuperá-la se perder este dispositivo.',
    partial: 'O backup da sua carteira está incompleto. Faça o backup de novo para poder recuperá-la.',
    superseded: 'Outro backup substituiu este. Faça o backup de novo para poder recuperar com o Google.',
    stale: 'O backup da sua carteira está antigo. Faça o backup de novo para mantê-lo atualizado.',
    later: 'Depois',
  },
  errors: {
    CONFIG_INVALID: 'Não foi possível ler o ID de cliente da carteira.',
    GOOGLE_POPUP_BLOCKED: ({ reason }) =>
      reason === 'popup_failed_to_open'
        ? 'Pop-up bloqueado: permita pop-ups.'
        : reason === 'not_loaded'
          ? 'O login do Google não carregou.'
          : 'Não foi possível abrir o login do Google.',
    GOOGLE_POPUP_CLOSED: 'A janela do Google foi fechada.',
    GOOGLE_SCOPE_DENIED: ({ reason }) =>
      /scope|insufficient/i.test(reason ?? '') ? 'Acesso ao Drive não concedido.' : 'Acesso ao Google negado.',
    GOOGLE_TOKEN_EXPIRED: 'O login do Google expirou.',
    GOOGLE_SETUP_INVALID: 'Ative a API do Google Drive no projeto do Cloud do seu cliente OAuth.',
    GOOGLE_SCRIPT_UNAVAILABLE: 'O login do Google não foi carregado.',
    GOOGLE_SIGN_IN_TIMEOUT: 'O login do Google não respondeu.',
    GOOGLE_SIGN_IN_FAILED: 'O login do Google falhou.',
    GOOGLE_UNSUPPORTED_BROWSER: ({ browser }) =>
      `Abra esta página no seu navegador: o login do Google não funciona no ${browser}.`,
    GOOGLE_REVOKE_FAILED: 'Não foi possível revogar o acesso ao Google.',
    DRIVE_QUOTA_EXCEEDED: 'O Google Drive está cheio.',
    DRIVE_RATE_LIMITED: 'O Google Drive está limitando as solicitações.',
    DRIVE_UNAVAILABLE: ({ reason, status }) =>
      reason === 'timeout'
        ? 'O Google Drive não respondeu a tempo.'
        : reason === 'network'
          ? 'O Google Drive está inacessível.'
          : `Erro do Google Drive ${status}.`,
    DRIVE_DELETE_FAILED: 'Não foi possível apagar a chave do backup do Google Drive.',
    SHARE_UPLOAD_FAILED: ({ reason, status }) =>
      reason === 'precondition_failed' || status === 412
        ? 'O backup mudou no servidor.'
        : `O servidor não conseguiu salvar o backup (${status ?? 'sem conexão'}).`,
    SHARE_FETCH_FAILED: ({ status }) => `O servidor não conseguiu ler o backup (${status ?? 'sem conexão'}).`,
    SHARE_ERASE_FAILED: (facts) =>
      `O servidor não conseguiu apagar o backup (${facts.status ?? 'sem conexão'}).${rest(facts)}`,
    SHARE_UNAUTHORIZED: ({ status }, step) => `O servidor se recusou a ${verb(step)} o backup (${status}).`,
    SHARE_TOKEN_FAILED: 'O app não conseguiu identificar você no servidor de backup.',
    SHARE_SERVER_INVALID_RESPONSE: 'O servidor de backup enviou uma resposta inválida.',
    SHARE_NOT_FOUND: 'Não há backup no servidor.',
    KEY_NOT_FOUND: ({ reason, expectedAccount }) =>
      reason === 'other_account'
        ? `A chave do backup está em outra conta do Google: escolha ${expectedAccount}.`
        : reason === 'version_mismatch'
          ? 'A chave do Drive não corresponde ao backup do servidor.'
          : 'Não há chave de backup neste Google Drive.',
    WALLET_BACKUP_FAILED: 'O backup da carteira falhou.',
    WALLET_BUSY: 'A carteira está ocupada.',
    WALLET_TIMEOUT: ({ reason }) =>
      reason === 'wallet-not-ready' ? 'A carteira não ficou pronta a tempo.' : 'A carteira não respondeu a tempo.',
    NOTIFY_FAILED: (facts) =>
      facts.erased
        ? `Não foi possível avisar a carteira de que o backup foi apagado.${rest(facts)}`
        : 'A carteira não conseguiu confirmar o backup.',
    RECOVERY_FAILED: (_, step) =>
      step === 'read' ? 'Não foi possível ler o backup.' : 'A recuperação da carteira falhou.',
    ABORTED: 'Cancelado.',
    BROWSER_OFFLINE: 'Você está sem conexão.',
  },
}
