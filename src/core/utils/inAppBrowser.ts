/**
 * In-app browsers whose user agent says so. Google refuses OAuth in embedded web views (`disallowed_useragent`), so
 * the kit says it before opening a popup. Only apps that mark their user agent are found; a plain Android WebView
 * (`; wv)`) is found too. iOS web views of other apps look like Safari and are not.
 */
const markers: ReadonlyArray<readonly [name: string, pattern: RegExp]> = [
  ['Facebook', /\bFBAN\/|\bFBAV\/|\bFB_IAB\//],
  ['Instagram', /\bInstagram\b/],
  ['Messenger', /\bMessengerForiOS\b|\bFBAN\/Messenger/],
  ['LINE', /\bLine\//],
  ['WeChat', /\bMicroMessenger\//],
  ['TikTok', /\bBytedanceWebview\/|\bmusical_ly_/],
  ['Snapchat', /\bSnapchat\//],
  ['LinkedIn', /\bLinkedInApp\b/],
  ['Twitter', /\bTwitter(?:Android)?\//],
  ['an Android web view', /; wv\)/],
]

/** The in-app browser named by this user agent, or undefined. */
export function inAppBrowser(userAgent: string | undefined): string | undefined {
  if (!userAgent) return undefined
  return markers.find(([, pattern]) => pattern.test(userAgent))?.[0]
}
