import { HttpError } from './http'
import { parseTime } from './time'

/**
 * The ag-grid server-side row model parameters many ConnexCS list endpoints take, in the bracket
 * form `cxRest.get` writes nested objects in: `_startRow`, `_endRow`, `_sortModel[i][colId|sort]`,
 * `_filterModel[col][type|filter|filterTo]`, `_rowGroupCols[i][field]`, `_valueCols[i][field|aggFunc]`.
 */

/** One column filter. */
export interface GridFilter {
  type: string
  filter?: string
  filterTo?: string
}

/** The parsed grid request. */
export interface GridRequest {
  startRow: number
  endRow: number | undefined
  sort: { colId: string, sort: 'asc' | 'desc' }[]
  filters: [string, GridFilter][]
  rowGroupCols: string[]
  valueCols: { field: string, aggFunc: string }[]
}

type Nested = { [key: string]: Nested | string }

/** `a[b][c]=v` query keys as nested objects (`{ a: { b: { c: 'v' } } }`). */
export function bracketParams (query: URLSearchParams): Nested {
  const root: Nested = {}
  for (const [key, value] of query) {
    const parts = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(key)
    if (parts === null) continue
    const path = [parts[1]!, ...[...parts[2]!.matchAll(/\[([^[\]]*)\]/g)].map(m => m[1]!)]
    let node = root
    path.forEach((part, i) => {
      if (i === path.length - 1) node[part] = value
      else {
        const next = node[part]
        node = typeof next === 'object' ? next : (node[part] = {})
      }
    })
  }
  return root
}

const list = (value: Nested | string | undefined): Nested[] => typeof value === 'object'
  ? Object.keys(value).sort((a, b) => Number(a) - Number(b)).map(k => value[k]).filter((v): v is Nested => typeof v === 'object')
  : []
const str = (value: Nested | string | undefined): string | undefined => typeof value === 'string' ? value : undefined

/** Strips a table qualifier: `payment.payment_time` → `payment_time`. */
const column = (name: string): string => name.slice(name.lastIndexOf('.') + 1)

function whole (raw: string | undefined, name: string): number | undefined {
  if (raw === undefined || raw === '') return undefined
  const n = Number(raw)
  if (!Number.isInteger(n) || n < 0) throw new HttpError(400, `Invalid ${name}: ${raw} (a whole number ≥ 0)`)
  return n
}

/** Parses the grid parameters of a query. */
export function gridRequest (query: URLSearchParams): GridRequest {
  const params = bracketParams(query)
  const startRow = whole(str(params._startRow), '_startRow') ?? 0
  const endRow = whole(str(params._endRow), '_endRow')
  if (endRow !== undefined && endRow < startRow) throw new HttpError(400, `Invalid _endRow: ${endRow} is before _startRow ${startRow}`)
  const sort = list(params._sortModel).map(s => {
    const direction = (str(s.sort) ?? 'asc').toLowerCase()
    if (direction !== 'asc' && direction !== 'desc') throw new HttpError(400, `Invalid _sortModel sort: ${direction} (asc or desc)`)
    return { colId: column(str(s.colId) ?? ''), sort: direction as 'asc' | 'desc' }
  })
  const filterModel = params._filterModel
  const filters: [string, GridFilter][] = typeof filterModel === 'object'
    ? Object.entries(filterModel).map(([col, f]) => {
        if (typeof f !== 'object' || str(f.type) === undefined) throw new HttpError(400, `Invalid _filterModel[${col}]: it needs a type (equals, inRange, …)`)
        return [column(col), { type: str(f.type)!, filter: str(f.filter), filterTo: str(f.filterTo) }]
      })
    : []
  const field = (c: Nested): string => column(str(c.field) ?? str(c.id) ?? '')
  return {
    startRow,
    endRow,
    sort,
    filters,
    rowGroupCols: list(params._rowGroupCols).map(field),
    valueCols: list(params._valueCols).map(c => ({ field: field(c), aggFunc: (str(c.aggFunc) ?? 'sum').toLowerCase() }))
  }
}

/** Compares a row value with a filter value: times as times, numbers as numbers, else as text. */
export function compareValues (value: unknown, target: string): number {
  if (typeof value === 'number') {
    const n = Number(target)
    if (!Number.isNaN(n)) return value - n
  }
  const text = String(value ?? '')
  const [a, b] = [parseTime(text), parseTime(target)]
  if (a !== undefined && b !== undefined) return a - b
  return text < target ? -1 : text > target ? 1 : 0
}

/** Whether a row value passes a filter; an unknown filter type is a 400. */
export function passes (value: unknown, col: string, f: GridFilter): boolean {
  const filter = f.filter ?? ''
  const cmp = (): number => compareValues(value, filter)
  switch (f.type) {
    case 'equals': return cmp() === 0
    case 'notEqual': return cmp() !== 0
    case 'lessThan': return cmp() < 0
    case 'lessThanOrEqual': return cmp() <= 0
    case 'greaterThan': return cmp() > 0
    case 'greaterThanOrEqual': return cmp() >= 0
    case 'inRange': return cmp() >= 0 && compareValues(value, f.filterTo ?? '') <= 0
    case 'contains': return String(value ?? '').toLowerCase().includes(filter.toLowerCase())
    case 'notContains': return !String(value ?? '').toLowerCase().includes(filter.toLowerCase())
    case 'startsWith': return String(value ?? '').toLowerCase().startsWith(filter.toLowerCase())
    case 'endsWith': return String(value ?? '').toLowerCase().endsWith(filter.toLowerCase())
    case 'blank': return value === null || value === undefined || value === ''
    case 'notBlank': return !(value === null || value === undefined || value === '')
    default: throw new HttpError(400, `Invalid _filterModel[${col}][type]: ${f.type} (equals, notEqual, lessThan, lessThanOrEqual, greaterThan, greaterThanOrEqual, inRange, contains, notContains, startsWith, endsWith, blank, notBlank)`)
  }
}

/** Filters, sorts and pages rows as the grid asks; `columns` are the ones a request may name. */
export function applyGrid<T extends object> (rows: T[], grid: GridRequest, columns: readonly string[], defaultSort?: (a: T, b: T) => number): T[] {
  for (const name of [...grid.filters.map(([c]) => c), ...grid.sort.map(s => s.colId)]) {
    if (!columns.includes(name)) throw new HttpError(400, `Unknown column: ${name} (the columns are ${columns.join(', ')})`)
  }
  const get = (row: T, col: string): unknown => (row as Record<string, unknown>)[col]
  let out = rows.filter(row => grid.filters.every(([col, f]) => passes(get(row, col), col, f)))
  if (grid.sort.length > 0) {
    out = out.toSorted((a, b) => {
      for (const { colId, sort } of grid.sort) {
        const c = compareValues(get(a, colId), String(get(b, colId) ?? ''))
        if (c !== 0) return sort === 'asc' ? c : -c
      }
      return 0
    })
  } else if (defaultSort !== undefined) {
    out = out.toSorted(defaultSort)
  }
  return out.slice(grid.startRow, grid.endRow)
}
