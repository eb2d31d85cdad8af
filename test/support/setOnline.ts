/**
 * What the browser does when the connection drops or comes back: `navigator.onLine` changes and `offline` /
 * `online` fires.
 */
export function setOnline(online: boolean): void {
  if (online) delete (navigator as { onLine?: boolean }).onLine
  else Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => false })
  window.dispatchEvent(new Event(online ? 'online' : 'offline'))
}
