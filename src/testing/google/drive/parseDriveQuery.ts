/** What a Drive `q` term can look at. */
export interface DriveQueryFile {
  name: string
  mimeType: string
  parents: readonly string[]
  trashed: boolean
  createdTime: string
  modifiedTime: string
}

/** Thrown for a `q` the emulator cannot parse; Drive answers 400 "Invalid Value" on those. */
class DriveQueryError extends Error {
  override name = 'DriveQueryError'
}

type Token = { kind: 'string'; value: string } | { kind: 'word'; value: string } | { kind: 'op'; value: string }
type Predicate = (file: DriveQueryFile) => boolean

function tokenize(q: string): Token[] {
  const tokens: Token[] = []
  let i = 0
  while (i < q.length) {
    const c = q.charAt(i)
    if (/\s/.test(c)) {
      i++
    } else if (c === "'") {
      let value = ''
      i++
      for (;;) {
        if (i >= q.length) throw new DriveQueryError('unterminated string')
        const d = q.charAt(i)
        if (d === '\\') {
          value += q.charAt(i + 1)
          i += 2
        } else if (d === "'") {
          i++
          break
        } else {
          value += d
          i++
        }
      }
      tokens.push({ kind: 'string', value })
    } else if (c === '(' || c === ')') {
      tokens.push({ kind: 'op', value: c })
      i++
    } else if ('=!<>'.includes(c)) {
      const two = q.slice(i, i + 2)
      const op = two === '!=' || two === '<=' || two === '>=' ? two : c
      if (op === '!') throw new DriveQueryError('bad operator')
      tokens.push({ kind: 'op', value: op })
      i += op.length
    } else {
      const m = /^[A-Za-z0-9_.:-]+/.exec(q.slice(i))
      if (!m) throw new DriveQueryError(`unexpected character ${c}`)
      tokens.push({ kind: 'word', value: m[0] })
      i += m[0].length
    }
  }
  return tokens
}

function compare(a: string, b: string, op: string, ordered: boolean): boolean {
  if (op === '=') return a === b
  if (op === '!=') return a !== b
  if (!ordered) throw new DriveQueryError(`operator ${op} not allowed here`)
  const x = Date.parse(a)
  const y = Date.parse(b)
  if (Number.isNaN(y)) throw new DriveQueryError('invalid date')
  if (op === '<') return x < y
  if (op === '<=') return x <= y
  if (op === '>') return x > y
  if (op === '>=') return x >= y
  throw new DriveQueryError(`unknown operator ${op}`)
}

// Drive documents `name contains` as PREFIX matching (a query 'World' does not find 'HelloWorld'); we match a
// case-insensitive match starting at the name's start or at any word start within it.
function nameContains(name: string, value: string): boolean {
  const needle = value.toLowerCase()
  const hay = name.toLowerCase()
  for (let i = 0; i < hay.length; i++) {
    const atWordStart = i === 0 || /[\s._\-'"()]/.test(hay.charAt(i - 1))
    if (atWordStart && hay.startsWith(needle, i)) return true
  }
  return false
}

/**
 * Parses the subset of Drive's search syntax an app-data client needs: `name = / != / contains`, `mimeType`,
 * `trashed = true|false`, `'id' in parents`, `createdTime` / `modifiedTime` comparisons, `and`, `or`, `not`,
 * parentheses. Anything else throws DriveQueryError (Drive answers 400).
 */
export function parseDriveQuery(q: string): Predicate {
  const tokens = tokenize(q)
  let pos = 0
  const peek = (): Token | undefined => tokens[pos]
  const next = (): Token => {
    const t = tokens[pos++]
    if (!t) throw new DriveQueryError('unexpected end of query')
    return t
  }
  const isWord = (t: Token | undefined, w: string): boolean => t?.kind === 'word' && t.value.toLowerCase() === w

  const term = (): Predicate => {
    const first = next()
    if (first.kind === 'string') {
      if (!isWord(next(), 'in')) throw new DriveQueryError("expected 'in'")
      const field = next()
      if (field.kind !== 'word' || field.value !== 'parents')
        throw new DriveQueryError('only parents supported with in')
      return (f) => f.parents.includes(first.value)
    }
    if (first.kind !== 'word') throw new DriveQueryError('expected a field')
    const op = next()
    const opValue = op.kind === 'word' && op.value === 'contains' ? 'contains' : op.kind === 'op' ? op.value : ''
    if (!opValue) throw new DriveQueryError('expected an operator')
    const value = next()
    switch (first.value) {
      case 'name':
      case 'mimeType': {
        if (value.kind !== 'string') throw new DriveQueryError('expected a string')
        const key = first.value
        if (opValue === 'contains') {
          if (key !== 'name') throw new DriveQueryError('contains not supported on mimeType')
          return (f) => nameContains(f.name, value.value)
        }
        return (f) => compare(f[key], value.value, opValue, false)
      }
      case 'trashed': {
        if (value.kind !== 'word' || (value.value !== 'true' && value.value !== 'false')) {
          throw new DriveQueryError('trashed takes true or false')
        }
        const want = value.value === 'true'
        if (opValue === '=') return (f) => f.trashed === want
        if (opValue === '!=') return (f) => f.trashed !== want
        throw new DriveQueryError('bad operator for trashed')
      }
      case 'createdTime':
      case 'modifiedTime': {
        if (value.kind !== 'string') throw new DriveQueryError('expected a date string')
        const key = first.value
        compare('1970-01-01T00:00:00Z', value.value, opValue, true)
        return (f) => compare(f[key], value.value, opValue, true)
      }
      default:
        throw new DriveQueryError(`field ${first.value} not supported by the emulator`)
    }
  }
  const primary = (): Predicate => {
    const t = peek()
    if (t?.kind === 'op' && t.value === '(') {
      pos++
      const inner = orExpr()
      const close = next()
      if (close.kind !== 'op' || close.value !== ')') throw new DriveQueryError("expected ')'")
      return inner
    }
    return term()
  }
  const notExpr = (): Predicate => {
    if (isWord(peek(), 'not')) {
      pos++
      const inner = notExpr()
      return (f) => !inner(f)
    }
    return primary()
  }
  const andExpr = (): Predicate => {
    let left = notExpr()
    while (isWord(peek(), 'and')) {
      pos++
      const l = left
      const r = notExpr()
      left = (f) => l(f) && r(f)
    }
    return left
  }
  function orExpr(): Predicate {
    let left = andExpr()
    while (isWord(peek(), 'or')) {
      pos++
      const l = left
      const r = andExpr()
      left = (f) => l(f) || r(f)
    }
    return left
  }
  if (tokens.length === 0) return () => true
  const predicate = orExpr()
  if (pos !== tokens.length) throw new DriveQueryError('trailing tokens')
  return predicate
}
