/**
 * The request target below `basePath` (`/api` + `/api/clients/x/backup?y` -> `/clients/x/backup?y`), or undefined
 * when the target is outside it. Matched case-insensitively on whole segments, like express's mount paths.
 */
export function stripBasePath(basePath: string | undefined): (target: string) => string | undefined {
  const base = (basePath ?? '').replace(/\/+$/, '')
  if (base === '') return (target) => target
  const lower = base.toLowerCase()
  return (target) => {
    if (target.slice(0, base.length).toLowerCase() !== lower) return undefined
    const rest = target.slice(base.length)
    if (rest === '' || rest.startsWith('?')) return `/${rest}`
    return rest.startsWith('/') ? rest : undefined
  }
}
