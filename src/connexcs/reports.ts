import { asArray, type Connexcs, type Query } from './client'
import type { CallRecord } from '../lib/callRecord'
import type { CallRouting } from './types'

/**
 * Whole-period figures for reports: the traffic report (`GET breakout-aggrid`) grouped with every
 * money column and paged to its last row, the CDR (`POST cdr`) sorted or paged to the end by time,
 * and the call log and CDR rows as the detectors read them. Every answer says whether it is whole.
 * The shapes are this layer's own (it knows no analysis); they are the ones `analysis/` takes
 * (`TrafficRow`, `CallRecord`), which the compiler checks where a tool passes one to the other.
 */

/** A period, as the API's `dt` takes it: `YYYY-MM-DD HH:MM:SS` UTC, both ends included. */
export interface Period {
  from: string
  to: string
}

/** Columns the traffic report groups by; `hour` is not in the references (see {@link fetchHourlyReport}). */
export type ReportGroup = 'dt' | 'hour' | 'customer_id' | 'provider_id' | 'customer_card_dest_name' | 'provider_card_dest_name'

/** The summed columns every report row carries. */
export const REPORT_VALUES = ['attempts', 'connected', 'duration', 'customer_duration', 'provider_duration', 'customer_charge', 'provider_charge', 'account_profit'] as const

/** One traffic-report query. */
export interface ReportQuery {
  period: Period
  groupBy: readonly ReportGroup[]
  customer_id?: number
  provider_id?: number
  /** The destination as customer cards name it: exactly, or containing the text. */
  destination?: { match: 'equals' | 'contains', name: string }
  /** Rows per page (`_endRow − _startRow`; default 10,000) and pages at most (default 5). */
  pageRows?: number
  maxPages?: number
}

/** One report row: its group columns (as given) and the sums, money per currency. */
export interface ReportRow {
  attempts: number
  connected: number
  /** Attempts refused before any carrier: provider 0's unconnected attempts, when grouped by carrier. */
  refused?: number
  /** Profit in the account's currency. */
  account_profit?: number
  dt?: string
  hour?: string
  customer_id?: number
  provider_id?: number
  customer_card_dest_name?: string
  provider_card_dest_name?: string
  duration_s: number
  customer_duration_s: number
  provider_duration_s: number
  customer_charge: Record<string, number>
  provider_charge: Record<string, number>
}

/** Report rows, and whether they are all of them. */
export interface ReportResult {
  rows: ReportRow[]
  /** False when the last page allowed was full: more rows may exist. */
  complete: boolean
  round_trips: number
}

/** The ag-grid parameters of a report page. */
export function reportParams (query: ReportQuery, startRow: number, endRow: number): Query {
  const params: Query = { s: '', _startRow: startRow, _endRow: endRow, _pivotMode: 'false' }
  query.groupBy.forEach((col, i) => {
    params[`_rowGroupCols[${i}][id]`] = col
    params[`_rowGroupCols[${i}][field]`] = col
    params[`_rowGroupCols[${i}][displayName]`] = col
  })
  REPORT_VALUES.forEach((col, i) => {
    params[`_valueCols[${i}][id]`] = col
    params[`_valueCols[${i}][field]`] = col
    params[`_valueCols[${i}][displayName]`] = col
    params[`_valueCols[${i}][aggFunc]`] = 'sum'
  })
  params['_filterModel[dt][type]'] = 'inRange'
  params['_filterModel[dt][filter]'] = query.period.from
  params['_filterModel[dt][filterTo]'] = query.period.to
  if (query.customer_id !== undefined) Object.assign(params, { '_filterModel[customer_id][type]': 'equals', '_filterModel[customer_id][filter]': query.customer_id })
  if (query.provider_id !== undefined) Object.assign(params, { '_filterModel[provider_id][type]': 'equals', '_filterModel[provider_id][filter]': query.provider_id })
  if (query.destination !== undefined) Object.assign(params, { '_filterModel[customer_card_dest_name][type]': query.destination.match, '_filterModel[customer_card_dest_name][filter]': query.destination.name })
  return params
}

const num = (value: unknown): number => {
  const n = typeof value === 'number' ? value : Number(value ?? 0)
  return Number.isFinite(n) ? n : 0
}

/** A currency map (`{ GBP: 11.74 }`); a bare number has no currency and is kept under `?`. */
export function moneyMap (value: unknown): Record<string, number> {
  if (value === null || value === undefined || value === '') return {}
  if (typeof value === 'object' && !Array.isArray(value)) {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([c, v]) => [c, num(v)]).filter(([, v]) => v !== 0))
  }
  const n = num(value)
  return n === 0 ? {} : { '?': n }
}

/** A name column, which the API gives as nested arrays (`[["", "UK - Mobile"]]`), as text. */
export function nameText (value: unknown): string {
  if (Array.isArray(value)) return [...new Set(value.flat(3).map(String).filter(v => v !== ''))].join(', ')
  return value === null || value === undefined ? '' : String(value)
}

/** Reads one report row. */
export function reportRow (raw: Record<string, unknown>, groupBy: readonly ReportGroup[]): ReportRow {
  const row: ReportRow = {
    attempts: num(raw.attempts),
    connected: num(raw.connected),
    duration_s: num(raw.duration),
    customer_duration_s: num(raw.customer_duration),
    provider_duration_s: num(raw.provider_duration),
    customer_charge: moneyMap(raw.customer_charge),
    provider_charge: moneyMap(raw.provider_charge),
    ...(raw.account_profit === undefined || raw.account_profit === null ? {} : { account_profit: num(raw.account_profit) })
  }
  for (const col of groupBy) {
    if (col === 'customer_id' || col === 'provider_id') row[col] = num(raw[col])
    else row[col] = col === 'dt' || col === 'hour' ? String(raw[col] ?? '') : nameText(raw[col])
  }
  // Grouped by carrier, provider 0 is the calls the switch refused before any carrier.
  if (groupBy.includes('provider_id')) row.refused = row.provider_id === 0 ? row.attempts - row.connected : 0
  return row
}

/** `GET breakout-aggrid`, grouped, every money column, page after page until a short one (or `maxPages`). */
export async function fetchTrafficReport (api: Connexcs, query: ReportQuery): Promise<ReportResult> {
  const size = query.pageRows ?? 10_000
  const pages = query.maxPages ?? 5
  const rows: ReportRow[] = []
  for (let page = 0; page < pages; page++) {
    const raw = asArray<Record<string, unknown>>(await api.get('breakout-aggrid', reportParams(query, page * size, (page + 1) * size)))
    rows.push(...raw.map(r => reportRow(r, query.groupBy)))
    if (raw.length < size) return { rows, complete: true, round_trips: page + 1 }
  }
  return { rows, complete: false, round_trips: pages }
}

/** An hourly report, or why there is none. */
export type HourlyReport = (ReportResult & { available: true }) | { available: false, why: string, round_trips: number }

/**
 * The traffic report by hour (plus the other groups asked for). The references know `dt` only;
 * the simulated switch groups by `hour`. A 400, or rows without an `hour`, mean this API does not:
 * the answer then says so instead of passing off other groups as hours.
 */
export async function fetchHourlyReport (api: Connexcs, query: Omit<ReportQuery, 'groupBy'> & { groupBy: readonly Exclude<ReportGroup, 'hour' | 'dt'>[] }): Promise<HourlyReport> {
  const groupBy: ReportGroup[] = [...query.groupBy, 'hour']
  let result: ReportResult
  try {
    result = await fetchTrafficReport(api, { ...query, groupBy })
  } catch (error) {
    const status = (error as { details?: { status?: number } }).details?.status
    if (status === 400) return { available: false, why: `the traffic report refused to group by hour (${(error as Error).message})`, round_trips: 1 }
    throw error
  }
  if (result.rows.some(r => r.hour === undefined || !/^\d{4}-\d{2}-\d{2}[ T]\d{2}/.test(r.hour))) {
    return { available: false, why: 'the traffic report answered without an hour column: it does not group by hour', round_trips: result.round_trips }
  }
  return { available: true, ...result }
}

/** A CDR where-rule (any CDR field; conditions as `POST cdr` takes them). */
export interface ReportCdrRule {
  field: string
  condition: '=' | '!=' | '>' | '>=' | '<' | '<=' | 'in' | 'like'
  data: string | number | readonly (string | number)[]
}

/** The most rows one `POST cdr` returns. */
export const CDR_PAGE_ROWS = 5000

/** CDR rows paged to the end, and whether they are all of them. */
export interface CdrPages {
  rows: Record<string, unknown>[]
  complete: boolean
  round_trips: number
  /** Why `complete` is false. */
  why?: string
}

/**
 * `POST cdr` from `period.from` to `period.to`, every row: ordered by `dt` ascending, each page
 * starting at the last page's last second (`dt >= last`), the rows of that second already read
 * left out by Call-ID. Only the comparisons the API is known to take, and no offset, which it is
 * not known to have. Stops at `maxRows` (default 50,000) and says so.
 */
export async function cdrToEnd (
  api: Connexcs,
  query: { period: Period, fields: readonly string[], rules?: readonly ReportCdrRule[], maxRows?: number }
): Promise<CdrPages> {
  const max = query.maxRows ?? 50_000
  const fields = [...new Set([...query.fields, 'dt', 'callid'])]
  const rows: Record<string, unknown>[] = []
  let from = query.period.from
  let seen = new Set<string>()
  for (let trips = 1; ; trips++) {
    const page = asArray<Record<string, unknown>>(await api.post('cdr', {
      field: fields,
      where: { rules: [{ field: 'dt', condition: '>=', data: from }, { field: 'dt', condition: '<=', data: query.period.to }, ...(query.rules ?? [])] },
      order: [{ field: 'dt', direction: 'ASC' }],
      limit: CDR_PAGE_ROWS
    }))
    const fresh = page.filter(r => !(String(r.dt) === from && seen.has(String(r.callid))))
    rows.push(...fresh)
    if (rows.length >= max) return { rows: rows.slice(0, max), complete: false, round_trips: trips, why: `stopped at ${max} rows` }
    if (page.length < CDR_PAGE_ROWS) return { rows, complete: true, round_trips: trips }
    const last = String(page.at(-1)!.dt)
    if (last === from && fresh.length === 0) return { rows, complete: false, round_trips: trips, why: `more than ${CDR_PAGE_ROWS} calls in the second ${last}` }
    seen = new Set(page.filter(r => String(r.dt) === last).map(r => String(r.callid)))
    if (last === from) for (const r of fresh) seen.add(String(r.callid))
    from = last
  }
}

/** What a call-list can be sorted by: CDR fields (`profit` is not one: see {@link callProfit}). */
export type CdrSort = 'customer_charge' | 'provider_charge' | 'duration' | 'dt'

/** `POST cdr` sorted server-side: the period's top `limit` (1..5000) rows by `sortBy`. One round trip. */
export async function topCdr (
  api: Connexcs,
  query: { period: Period, fields: readonly string[], sortBy: CdrSort, direction?: 'ASC' | 'DESC', rules?: readonly ReportCdrRule[], limit: number }
): Promise<Record<string, unknown>[]> {
  const limit = Math.max(1, Math.min(CDR_PAGE_ROWS, Math.floor(query.limit)))
  const fields = [...new Set([...query.fields, query.sortBy])]
  const rows = asArray<Record<string, unknown>>(await api.post('cdr', {
    field: fields,
    where: { rules: [{ field: 'dt', condition: '>=', data: query.period.from }, { field: 'dt', condition: '<=', data: query.period.to }, ...(query.rules ?? [])] },
    order: [{ field: query.sortBy, direction: query.direction ?? 'DESC' }, ...(query.sortBy === 'dt' ? [] : [{ field: 'dt', direction: 'DESC' }])],
    limit
  }))
  return rows.slice(0, limit)
}

/** The CDR fields {@link callProfit} reads. */
export const PROFIT_FIELDS = ['customer_charge', 'customer_card_currency', 'provider_charge', 'provider_card_currency'] as const

/**
 * A call's profit: what the customer paid less what the carrier cost, when both are in one
 * currency; `undefined` otherwise (no rate to convert by). The CDR has no profit column that the
 * references know, so calls sorted by profit are the CDR paged to the end and sorted here.
 */
export function callProfit (row: Readonly<Record<string, unknown>>): { currency: string, profit: number } | undefined {
  const currency = String(row.customer_card_currency ?? '')
  if (currency === '' || currency !== String(row.provider_card_currency ?? '')) return undefined
  return { currency, profit: Math.round((num(row.customer_charge) - num(row.provider_charge)) * 1e6) / 1e6 }
}

/**
 * The period's calls with the largest (or smallest) profit, from every CDR row (paged); calls
 * billed and paid in different currencies cannot be ranked and are only counted (`mixed_currency`).
 */
export async function topCdrByProfit (
  api: Connexcs,
  query: { period: Period, fields: readonly string[], direction?: 'ASC' | 'DESC', rules?: readonly ReportCdrRule[], limit: number, maxRows?: number }
): Promise<CdrPages & { mixed_currency: number }> {
  const pages = await cdrToEnd(api, {
    period: query.period,
    fields: [...query.fields, ...PROFIT_FIELDS],
    ...(query.rules === undefined ? {} : { rules: query.rules }),
    ...(query.maxRows === undefined ? {} : { maxRows: query.maxRows })
  })
  const sign = query.direction === 'ASC' ? 1 : -1
  const scored = pages.rows.map(row => ({ row, p: callProfit(row) }))
  const kept = scored.filter((s): s is { row: Record<string, unknown>, p: { currency: string, profit: number } } => s.p !== undefined)
    .sort((a, b) => sign * (a.p.profit - b.p.profit) || (String(a.row.dt) < String(b.row.dt) ? 1 : -1))
    .slice(0, query.limit)
    .map(s => ({ ...s.row, profit: s.p.profit, profit_currency: s.p.currency }))
  return { ...pages, rows: kept, mixed_currency: scored.filter(s => s.p === undefined).length }
}

/** The CDR fields {@link cdrCallRecord} reads. */
export const CALL_RECORD_FIELDS = ['callid', 'dt', 'customer_id', 'dest_cli', 'dest_number', 'duration', 'customer_card_rate', 'customer_card_dest_name'] as const

/** `YYYY-MM-DD HH:MM:SS` (UTC) as unix seconds. */
function unixOf (dt: unknown): number {
  return Date.parse(`${String(dt ?? '').replace(' ', 'T')}Z`) / 1000
}

/** A CDR row (an answered call) as the detectors read it. */
export function cdrCallRecord (row: Readonly<Record<string, unknown>>): CallRecord {
  return {
    callid: typeof row.callid === 'string' ? row.callid : null,
    time: unixOf(row.dt),
    customer_id: row.customer_id === undefined || row.customer_id === null ? null : num(row.customer_id),
    cli: row.dest_cli === undefined || row.dest_cli === null ? null : String(row.dest_cli),
    dest_number: String(row.dest_number ?? ''),
    sip_code: 200,
    duration_s: num(row.duration),
    ...(row.customer_card_rate === undefined ? {} : { rate: num(row.customer_card_rate) }),
    ...(row.customer_card_dest_name === undefined ? {} : { destination: nameText(row.customer_card_dest_name) })
  }
}

/** A call-log record (`GET log`'s `routing`) as the detectors read it: every attempt, with its final code. */
export function logCallRecord (routing: CallRouting & { params?: CallRouting['params'] & { au?: string } }): CallRecord {
  return {
    callid: routing.callid,
    time: routing.start_time ?? Number.NaN,
    customer_id: routing.account_id ?? null,
    cli: routing.cli ?? null,
    dest_number: routing.dest_number ?? '',
    sip_code: routing.sip_code ?? 0,
    sip_reason: routing.sip_reason ?? null,
    duration_s: routing.ok?.duration ?? null,
    source_ip: routing.params?.si ?? null,
    auth_user: routing.params?.au === undefined || routing.params.au === '' ? null : routing.params.au,
    user_agent: routing.params?.userAgent ?? null,
    card_id: routing.customer_card_id ?? null
  }
}

/**
 * The account's own currency (`GET setup/account`), which `account_profit` is in; `undefined` when
 * the answer names none (the references know its `name` only).
 */
export async function fetchAccountCurrency (api: Connexcs): Promise<string | undefined> {
  const account = asArray<Record<string, unknown>>(await api.get('setup/account'))[0]
  const currency = account?.currency
  return typeof currency === 'string' && /^[A-Z]{3}$/.test(currency) ? currency : undefined
}
