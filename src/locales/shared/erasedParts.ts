import type { ErrorFacts } from '../../core/errors/errors.js'

/**
 * What a pack adds to the text of an erase that stopped part-way (`facts.erased`): which parts are already erased and
 * that erasing again finishes the rest, as one more sentence after `gap` (a space; none in Japanese); '' when nothing
 * was erased yet.
 */
export const erasedParts =
  ({ gap = ' ', ...said }: { drive: string; driveAndServer: string; server: string; gap?: string }) =>
  ({ erased }: ErrorFacts): string =>
    !erased?.length
      ? ''
      : `${gap}${!erased.includes('server') ? said.drive : erased.includes('drive') ? said.driveAndServer : said.server}`
