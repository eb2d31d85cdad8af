/** Where a Drive listing goes on: the offset, and whether the page is full (short pages alternate). */
interface DrivePageToken {
  offset: number
  full: boolean
}

// Opaque to the caller, as Drive's tokens are; a token the emulator did not make decodes to undefined (a 400).
export const drivePageToken = {
  encode: (t: DrivePageToken): string => btoa(`rmb-page:${t.offset}:${t.full ? 1 : 0}`).replace(/=+$/, ''),
  decode(token: string): DrivePageToken | undefined {
    let text: string
    try {
      text = atob(token)
    } catch {
      return undefined
    }
    const m = /^rmb-page:(\d{1,9}):([01])$/.exec(text)
    return m ? { offset: Number(m[1]), full: m[2] === '1' } : undefined
  },
}
