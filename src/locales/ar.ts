import type { Messages } from '../components/messages.js'
import { erasedParts } from './shared/erasedParts.js'

const verb = (step: string | undefined) => (step === 'read' ? 'قراءة' : step === 'erase' ? 'حذف' : 'حفظ')

/** An erase that stopped part-way says what is already erased (`facts.erased`). */
const rest = erasedParts({
  drive: 'حُذف مفتاح النسخة الاحتياطية من Google Drive بالفعل؛ أعد الحذف لإكمال الباقي.',
  driveAndServer: 'حُذفت النسخة الاحتياطية من Google Drive ومن الخادم بالفعل؛ أعد الحذف لإكمال الباقي.',
  server: 'حُذفت النسخة الاحتياطية من الخادم بالفعل؛ أعد الحذف لإكمال الباقي.',
})

/**
 * `react-mpc-backup/locales/ar`: Arabic (right to left: give the page or a parent `dir="rtl"`; the stylesheet's
 * logical properties mirror the components), in the wallet words of MetaMask's and Trust Wallet's Arabic apps
 * ("محفظة", "نسخة احتياطية", "استعادة").
 */
export const ar: Messages = {
  backupButton: {
    loading: 'جارٍ تحميل تسجيل الدخول عبر Google…',
    walletLoading: 'جارٍ تحميل المحفظة…',
    unavailable: 'تسجيل الدخول عبر Google غير متاح. أعد المحاولة',
    offline: 'غير متصل: اتصل لإنشاء النسخة الاحتياطية',
    idle: 'نسخ المحفظة احتياطيًا',
    authorizing: 'في انتظار Google…',
    generating: 'جارٍ تشفير النسخة الاحتياطية…',
    storing: 'جارٍ حفظ النسخة الاحتياطية…',
    notifying: 'جارٍ تأكيد النسخة الاحتياطية…',
    success: 'تم نسخ المحفظة احتياطيًا',
    error: 'فشل النسخ الاحتياطي. أعد المحاولة',
    superseded: 'انسخ احتياطيًا مرة أخرى',
  },
  recoverButton: {
    loading: 'جارٍ تحميل تسجيل الدخول عبر Google…',
    walletLoading: 'جارٍ تحميل المحفظة…',
    unavailable: 'تسجيل الدخول عبر Google غير متاح. أعد المحاولة',
    offline: 'غير متصل: اتصل لاستعادة المحفظة',
    idle: 'استعادة المحفظة',
    authorizing: 'في انتظار Google…',
    reading: 'جارٍ قراءة النسخة الاحتياطية…',
    recovering: 'جارٍ استعادة المحفظة…',
    generating: 'جارٍ إنشاء نسخة احتياطية جديدة…',
    storing: 'جارٍ حفظ النسخة الاحتياطية الجديدة…',
    notifying: 'جارٍ تأكيد النسخة الاحتياطية…',
    success: 'تمت استعادة المحفظة',
    error: 'فشلت الاستعادة. أعد المحاولة',
  },
  backupStatus: {
    loading: 'جارٍ التحقق من النسخة الاحتياطية…',
    offline: 'غير متصل: حالة النسخة الاحتياطية غير معروفة',
    error: 'حالة النسخة الاحتياطية غير متاحة',
    backedUp: 'تم النسخ الاحتياطي',
    partial: 'النسخة الاحتياطية غير مكتملة',
    none: 'لا توجد نسخة احتياطية',
    superseded: 'استُبدلت بنسخة احتياطية أخرى',
  },
  backupReminder: {
    none: 'محفظتك ليس لها نسخة احتياطية. انسخها احتياطيًا لتتمكن من استعادتها إذا فقدت هذا الجهاز.',
    partial: 'النسخة الاحتياطية لمحفظتك غير مكتملة. انسخها احتياطيًا مرة أخرى لتتمكن من استعادتها.',
    superseded: 'حلّت نسخة احتياطية أخرى محل هذه. انسخ احتياطيًا مرة أخرى لتتمكن من الاستعادة عبر Google.',
    stale: 'النسخة الاحتياطية لمحفظتك قديمة. انسخها احتياطيًا مرة أخرى لتبقى محدّثة.',
    later: 'لاحقًا',
  },
  errors: {
    CONFIG_INVALID: 'تعذّرت قراءة معرّف العميل من المحفظة.',
    GOOGLE_POPUP_BLOCKED: ({ reason }) =>
      reason === 'popup_failed_to_open'
        ? 'تم حظر النافذة المنبثقة: اسمح بالنوافذ المنبثقة.'
        : reason === 'not_loaded'
          ? 'لم يتم تحميل تسجيل الدخول عبر Google.'
          : 'تعذّر فتح تسجيل الدخول عبر Google.',
    GOOGLE_POPUP_CLOSED: 'أُغلقت نافذة Google.',
    GOOGLE_SCOPE_DENIED: ({ reason }) =>
      /scope|insufficient/i.test(reason ?? '') ? 'لم يُمنح الوصول إلى Drive.' : 'تم رفض الوصول إلى Google.',
    GOOGLE_TOKEN_EXPIRED: 'انتهت صلاحية تسجيل الدخول عبر Google.',
    GOOGLE_SETUP_INVALID: 'فعّل واجهة Google Drive API في مشروع Cloud الخاص بعميل OAuth.',
    GOOGLE_SCRIPT_UNAVAILABLE: 'لم يتم تحميل تسجيل الدخول عبر Google.',
    GOOGLE_SIGN_IN_TIMEOUT: 'لم يستجب تسجيل الدخول عبر Google.',
    GOOGLE_SIGN_IN_FAILED: 'فشل تسجيل الدخول عبر Google.',
    GOOGLE_UNSUPPORTED_BROWSER: ({ browser }) =>
      `افتح هذه الصفحة في متصفحك: تسجيل الدخول عبر Google لا يعمل في ${browser}.`,
    GOOGLE_REVOKE_FAILED: 'تعذّر إلغاء الوصول إلى Google.',
    DRIVE_QUOTA_EXCEEDED: 'مساحة Google Drive ممتلئة.',
    DRIVE_RATE_LIMITED: 'يحدّ Google Drive من عدد الطلبات.',
    DRIVE_UNAVAILABLE: ({ reason, status }) =>
      reason === 'timeout'
        ? 'انتهت مهلة Google Drive.'
        : reason === 'network'
          ? 'تعذّر الوصول إلى Google Drive.'
          : `خطأ في Google Drive ${status}.`,
    DRIVE_DELETE_FAILED: 'تعذّر حذف مفتاح النسخة الاحتياطية من Google Drive.',
    SHARE_UPLOAD_FAILED: ({ reason, status }) =>
      reason === 'precondition_failed' || status === 412
        ? 'تغيّرت النسخة الاحتياطية على الخادم.'
        : `تعذّر على الخادم حفظ النسخة الاحتياطية (${status ?? 'غير متصل'}).`,
    SHARE_FETCH_FAILED: ({ status }) => `تعذّر على الخادم قراءة النسخة الاحتياطية (${status ?? 'غير متصل'}).`,
    SHARE_ERASE_FAILED: (facts) =>
      `تعذّر على الخادم حذف النسخة الاحتياطية (${facts.status ?? 'غير متصل'}).${rest(facts)}`,
    SHARE_UNAUTHORIZED: ({ status }, step) => `رفض الخادم ${verb(step)} النسخة الاحتياطية (${status}).`,
    SHARE_TOKEN_FAILED: 'تعذّر على التطبيق التعريف بك لدى خادم النسخ الاحتياطي.',
    SHARE_SERVER_INVALID_RESPONSE: 'أرسل خادم النسخ الاحتياطي ردًا غير صالح.',
    SHARE_NOT_FOUND: 'لا توجد نسخة احتياطية على الخادم.',
    KEY_NOT_FOUND: ({ reason, expectedAccount }) =>
      reason === 'other_account'
        ? `مفتاح النسخة الاحتياطية في حساب Google آخر: اختر ${expectedAccount}.`
        : reason === 'version_mismatch'
          ? 'مفتاح Drive لا يطابق النسخة الاحتياطية على الخادم.'
          : 'لا يوجد مفتاح نسخة احتياطية في Google Drive هذا.',
    WALLET_BACKUP_FAILED: 'فشل النسخ الاحتياطي للمحفظة.',
    WALLET_BUSY: 'المحفظة مشغولة.',
    WALLET_TIMEOUT: ({ reason }) =>
      reason === 'wallet-not-ready' ? 'لم تصبح المحفظة جاهزة في الوقت المحدد.' : 'لم تستجب المحفظة في الوقت المحدد.',
    NOTIFY_FAILED: (facts) =>
      facts.erased
        ? `تعذّر إبلاغ المحفظة بحذف النسخة الاحتياطية.${rest(facts)}`
        : 'تعذّر على المحفظة تأكيد النسخة الاحتياطية.',
    RECOVERY_FAILED: (_, step) => (step === 'read' ? 'تعذّرت قراءة النسخة الاحتياطية.' : 'فشلت استعادة المحفظة.'),
    ABORTED: 'تم الإلغاء.',
    BROWSER_OFFLINE: 'أنت غير متصل.',
  },
}
