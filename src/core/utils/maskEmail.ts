/**
 * An email as the kit shows or logs it: the first letter of the name and the domain (`a***@example.com`). Enough
 * for a user to recognise their own account, not enough to read it off a screenshot or a log.
 */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@')
  if (at < 1) return '***'
  return `${email[0]}***${email.slice(at)}`
}
