/** The fields a Drive listing can be ordered by here. */
interface DriveOrderable {
  name: string
  createdTime: string
  modifiedTime: string
}

/**
 * The comparator for files.list's `orderBy` (`key [asc|desc], ...`; default: creation order), or `undefined` for an
 * `orderBy` Drive would refuse.
 */
export function driveOrderComparator(
  orderBy: string | null,
): ((a: DriveOrderable, b: DriveOrderable) => number) | undefined {
  if (!orderBy) return (a, b) => a.createdTime.localeCompare(b.createdTime)
  const keys: Array<{ key: keyof DriveOrderable; desc: boolean }> = []
  for (const part of orderBy.split(',')) {
    const [key, dir, ...rest] = part.trim().split(/\s+/)
    if (rest.length > 0 || (dir !== undefined && dir !== 'desc' && dir !== 'asc')) return undefined
    const mapped =
      key === 'modifiedTime' || key === 'createdTime' || key === 'name'
        ? key
        : key === 'name_natural'
          ? 'name'
          : undefined
    if (!mapped) return undefined
    keys.push({ key: mapped, desc: dir === 'desc' })
  }
  return (a, b) => {
    for (const { key, desc } of keys) {
      const c = a[key].localeCompare(b[key])
      if (c !== 0) return desc ? -c : c
    }
    return 0
  }
}
