import { CDR_FIELDS, runCdrQuery, type CdrCondition, type CdrQuery, parseCdrQuery } from './cdr'
import { HttpError } from './http'
import type { Dataset } from './model'

/**
 * `POST setup/query/0/run` with `_src: "cdr"`: the simulated switch has no SQL engine. It runs the
 * one shape of query that maps onto the CDR search:
 *
 *     SELECT <* | col, …> FROM cdr [WHERE <cond> [AND <cond>]…] [ORDER BY col [ASC|DESC], …] [LIMIT n]
 *
 * where a condition is `col <op> value` (`=`, `!=`, `<>`, `<`, `<=`, `>`, `>=`, `LIKE`, `NOT LIKE`),
 * `col [NOT] IN (v, …)` or `col BETWEEN v AND v`, and a value is a 'string', a number or a
 * `:name` parameter from the body. Anything else (joins, GROUP BY, functions, OR, the `breakout`
 * table, `_src: "userspace"`) is answered 400 with what is supported.
 */

/** What the 400 says the simulated switch supports. */
export const SQL_SUPPORTED = 'The simulated switch runs only SELECT <columns or *> FROM cdr [WHERE a AND b …] [ORDER BY …] [LIMIT n], ' +
  'with =, !=, <>, <, <=, >, >=, LIKE, NOT LIKE, IN, NOT IN and BETWEEN, on _src "cdr"; no GROUP BY, functions, joins or OR. ' +
  'For totals use breakout-aggrid; for rows POST cdr.'

type Token = { kind: 'word' | 'string' | 'number' | 'param' | 'op' | 'punct', text: string }

function tokenize (sql: string): Token[] {
  const tokens: Token[] = []
  const pattern = /\s*(?:('(?:[^']|'')*')|(:[A-Za-z_]\w*)|(-?\d+(?:\.\d+)?)|([A-Za-z_][\w.]*|`[^`]+`)|(<=|>=|<>|!=|=|<|>)|([(),*;]))/y
  let index = 0
  while (index < sql.length) {
    if (/^\s*$/.test(sql.slice(index))) break
    pattern.lastIndex = index
    const m = pattern.exec(sql)
    if (m === null) throw new HttpError(400, `Cannot read the query near "${sql.slice(index, index + 20).trim()}". ${SQL_SUPPORTED}`)
    index = pattern.lastIndex
    if (m[1] !== undefined) tokens.push({ kind: 'string', text: m[1].slice(1, -1).replace(/''/g, '\'') })
    else if (m[2] !== undefined) tokens.push({ kind: 'param', text: m[2].slice(1) })
    else if (m[3] !== undefined) tokens.push({ kind: 'number', text: m[3] })
    else if (m[4] !== undefined) tokens.push({ kind: 'word', text: m[4].replace(/`/g, '') })
    else if (m[5] !== undefined) tokens.push({ kind: 'op', text: m[5] })
    else tokens.push({ kind: 'punct', text: m[6]! })
  }
  return tokens
}

/** Parses the supported SQL into a CDR query; `params` fill `:name` placeholders. */
export function sqlToCdrQuery (sql: string, params: Record<string, unknown>): CdrQuery {
  const tokens = tokenize(sql)
  let i = 0
  const peek = (): Token | undefined => tokens[i]
  const isWord = (word: string): boolean => peek()?.kind === 'word' && peek()!.text.toUpperCase() === word
  const unsupported = (what: string): never => {
    throw new HttpError(400, `Unsupported SQL: ${what}. ${SQL_SUPPORTED}`)
  }
  const expectWord = (word: string): void => {
    if (!isWord(word)) unsupported(`expected ${word} near "${peek()?.text ?? 'the end'}"`)
    i++
  }
  const columnName = (): string => {
    const t = tokens[i++]
    if (t?.kind !== 'word') return unsupported(`expected a column near "${t?.text ?? 'the end'}"`)
    return t.text.slice(t.text.lastIndexOf('.') + 1)
  }
  const value = (): unknown => {
    const t = tokens[i++]
    if (t === undefined) return unsupported('a condition has no value')
    if (t.kind === 'string') return t.text
    if (t.kind === 'number') return Number(t.text)
    if (t.kind === 'param') {
      if (!(t.text in params)) throw new HttpError(400, `Missing parameter :${t.text}: send it in the body next to _query`)
      return params[t.text]
    }
    return unsupported(`${t.text} is not a value ('text', a number or :param)`)
  }

  expectWord('SELECT')
  const fields: string[] = []
  if (peek()?.text === '*') {
    i++
    fields.push(...CDR_FIELDS)
  } else {
    do {
      if (fields.length > 0) i++
      const name = columnName()
      if (peek()?.text === '(') unsupported(`function ${name}()`)
      fields.push(name)
    } while (peek()?.text === ',')
  }
  expectWord('FROM')
  const table = columnName()
  if (table !== 'cdr') unsupported(`table ${table} (only cdr)`)

  const rules: CdrCondition[] = []
  if (isWord('WHERE')) {
    i++
    do {
      if (rules.length > 0) i++
      const field = columnName()
      if (isWord('NOT') && tokens[i + 1]?.text.toUpperCase() === 'LIKE') {
        i += 2
        rules.push({ field, condition: 'not like', data: value() })
      } else if (isWord('LIKE')) {
        i++
        rules.push({ field, condition: 'like', data: value() })
      } else if (isWord('BETWEEN')) {
        i++
        const low = value()
        expectWord('AND')
        rules.push({ field, condition: '>=', data: low }, { field, condition: '<=', data: value() })
      } else if (isWord('IN') || (isWord('NOT') && tokens[i + 1]?.text.toUpperCase() === 'IN')) {
        const negated = isWord('NOT')
        i += negated ? 2 : 1
        if (tokens[i++]?.text !== '(') unsupported('IN needs a list in parentheses')
        const list: unknown[] = []
        do {
          if (list.length > 0) i++
          list.push(value())
        } while (peek()?.text === ',')
        if (tokens[i++]?.text !== ')') unsupported('IN list not closed')
        rules.push({ field, condition: negated ? 'not in' : 'in', data: list })
      } else if (peek()?.kind === 'op') {
        const op = tokens[i++]!.text
        rules.push({ field, condition: op, data: value() })
      } else {
        unsupported(`condition on ${field} near "${peek()?.text ?? 'the end'}"`)
      }
    } while (isWord('AND'))
    if (isWord('OR')) unsupported('OR')
  }
  const order: { field: string, direction: string }[] = []
  if (isWord('GROUP')) unsupported('GROUP BY')
  if (isWord('ORDER')) {
    i++
    expectWord('BY')
    do {
      if (order.length > 0) i++
      const field = columnName()
      const direction = isWord('DESC') || isWord('ASC') ? tokens[i++]!.text.toUpperCase() : 'ASC'
      order.push({ field, direction })
    } while (peek()?.text === ',')
  }
  let limit: number | undefined
  if (isWord('LIMIT')) {
    i++
    limit = Number(value())
  }
  if (peek()?.text === ';') i++
  if (i < tokens.length) unsupported(`"${tokens[i]!.text}"`)
  return parseCdrQuery({ field: fields, where: { rules }, order, ...(limit === undefined ? {} : { limit }) })
}

/** Runs a `setup/query/0/run` body: rows as JSON, or CSV text when `_format` is `csv`. */
export function runSql (data: Dataset, body: unknown): { rows: Record<string, unknown>[], csv: boolean } {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new HttpError(400, 'The body must be { _query, _src, …params }')
  const { _query: query, _src: src, _format: format, ...params } = body as Record<string, unknown>
  if (typeof query !== 'string' || query.trim() === '') throw new HttpError(400, 'Missing _query: the SQL to run')
  if (src !== 'cdr') throw new HttpError(400, `_src ${JSON.stringify(src ?? null)} is not available here: the simulated switch has the cdr database only (no userspace)`)
  if (format !== undefined && format !== 'csv' && format !== 'json') throw new HttpError(400, `_format must be csv or left out; got ${JSON.stringify(format)}`)
  return { rows: runCdrQuery(data, sqlToCdrQuery(query, params)), csv: format === 'csv' }
}

/** Rows as CSV with a header line (values quoted when they need it). */
export function toCsv (rows: Record<string, unknown>[]): string {
  if (rows.length === 0) return ''
  const columns = Object.keys(rows[0]!)
  const cell = (v: unknown): string => {
    const s = v === null || v === undefined ? '' : String(v)
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
  }
  return [columns.join(','), ...rows.map(r => columns.map(c => cell(r[c])).join(','))].join('\n') + '\n'
}
