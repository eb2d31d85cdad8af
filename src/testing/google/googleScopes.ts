// OAuth scopes as Google names them, and how Google reads a requested scope string.

// The kit's own constant (one definition; createGoogleEmulator.test.ts pins its value to Google's name).
export { DRIVE_APPDATA_SCOPE } from '../../core/clients/driveKeyStore.js'
export const DRIVE_FILE_SCOPE = 'https://www.googleapis.com/auth/drive.file'
export const DRIVE_SCOPE = 'https://www.googleapis.com/auth/drive'

export function splitScopes(scope: string | null | undefined): string[] {
  return (scope ?? '').split(/\s+/).filter(Boolean)
}

// Google answers 'email'/'profile' with both the short and the userinfo URL forms.
export function expandScopes(scopes: string[]): string[] {
  const out = new Set(scopes)
  if (out.has('email')) out.add('https://www.googleapis.com/auth/userinfo.email')
  if (out.has('profile')) out.add('https://www.googleapis.com/auth/userinfo.profile')
  return [...out]
}

export function isKnownScope(scope: string): boolean {
  return ['openid', 'email', 'profile'].includes(scope) || /^https:\/\/www\.googleapis\.com\/auth\/[a-z.]+$/.test(scope)
}
