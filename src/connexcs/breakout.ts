import { asArray, type Connexcs, type Query } from './client'

/**
 * `GET breakout-aggrid`: the switch's pre-aggregated traffic report, queried with ag-grid's
 * server-side row model parameters. Every carrier attempt counts once (a call that failed over
 * to a second carrier counts twice), and a call the switch refused before any carrier counts
 * once with `provider_id` 0. Charges come as currency maps, name columns as nested arrays.
 */

/** Columns the report groups and filters by. */
export type BreakoutGroup = 'dt' | 'customer_id' | 'provider_id' | 'customer_card_dest_name' | 'provider_card_dest_name'

/** A filter of one column: equal to a value, containing a text, or within a range. */
export type BreakoutFilter =
  | { type: 'equals', filter: string | number }
  | { type: 'contains', filter: string }
  | { type: 'inRange', filter: string, filterTo: string }

/** One report query. */
export interface BreakoutQuery {
  groupBy: BreakoutGroup[]
  /** Summed values (attempts, connected, duration…). */
  sum: string[]
  filters: Partial<Record<BreakoutGroup, BreakoutFilter>>
  /** The most rows asked for (ag-grid `_endRow`). */
  maxRows: number
}

/** One row: the group's columns and the values asked for. */
export type BreakoutRow = Record<string, unknown>

/** The ag-grid parameters of a query, flat (`_rowGroupCols[0][field]=dt`), as the API reads them. */
export function breakoutParams (query: BreakoutQuery): Query {
  const params: Query = { s: '', _startRow: 0, _endRow: query.maxRows, _pivotMode: 'false' }
  query.groupBy.forEach((col, i) => {
    params[`_rowGroupCols[${i}][id]`] = col
    params[`_rowGroupCols[${i}][field]`] = col
    params[`_rowGroupCols[${i}][displayName]`] = col
  })
  query.sum.forEach((col, i) => {
    params[`_valueCols[${i}][id]`] = col
    params[`_valueCols[${i}][field]`] = col
    params[`_valueCols[${i}][displayName]`] = col
    params[`_valueCols[${i}][aggFunc]`] = 'sum'
  })
  for (const [col, f] of Object.entries(query.filters)) {
    params[`_filterModel[${col}][type]`] = f.type
    params[`_filterModel[${col}][filter]`] = f.filter
    if (f.type === 'inRange') params[`_filterModel[${col}][filterTo]`] = f.filterTo
  }
  return params
}

/** Runs a report query. */
export async function queryBreakout (api: Connexcs, query: BreakoutQuery): Promise<BreakoutRow[]> {
  return asArray<BreakoutRow>(await api.get('breakout-aggrid', breakoutParams(query)))
}
