import { applyGrid, passes, type GridFilter, type GridRequest } from './aggrid'
import { cdrRows, inAccountCurrency } from './cdr'
import { HttpError } from './http'
import type { Dataset } from './model'
import { round } from './numbering'
import { HOUR_MS, isoDay, parseTime, sqlTime } from './time'

/**
 * `GET breakout-aggrid`: the pre-aggregated traffic report, grouped by the `_rowGroupCols`
 * (customer, carrier, destination names, day or hour) with the `_valueCols` aggregates. Every egress
 * attempt is one attempt of its carrier (a call that failed over from one carrier to another
 * counts once for each); a call refused before any carrier counts once with provider_id 0.
 * Charges are currency maps and `groupUniqArray` gives nested arrays, as the real one does.
 * `hour` (`YYYY-MM-DD HH:00:00`, UTC) is this switch's choice: the references name `dt` only.
 */

interface Fact {
  dt: string
  /** `dt` as unix ms (whole seconds), and the start of its hour: for time filters. */
  ms: number
  hour_ms: number
  day: string
  hour: string
  customer_id: number
  provider_id: number
  customer_card_dest_name: string
  provider_card_dest_name: string
  attempts: number
  connected: number
  duration: number
  customer_duration: number
  provider_duration: number
  customer_charge: [string, number] | null
  provider_charge: [string, number] | null
  /** Revenue and profit in the account's currency. */
  revenue: number
  account_profit: number
}

const memo = new WeakMap<Dataset, Fact[]>()

function facts (data: Dataset): Fact[] {
  let out = memo.get(data)
  if (out !== undefined) return out
  const rows = new Map(cdrRows(data).map(r => [r.callid as string, r]))
  out = []
  for (const call of data.calls) {
    const hourMs = Math.floor(call.start_ms / HOUR_MS) * HOUR_MS
    // Literal objects, not spreads of a shared base: a spread per attempt costs more than the rest of the report.
    const fact = (provider: number, providerDest: string): Fact => ({
      dt: sqlTime(call.start_ms),
      ms: Math.floor(call.start_ms / 1000) * 1000,
      hour_ms: hourMs,
      day: isoDay(call.start_ms),
      hour: sqlTime(hourMs),
      customer_id: call.customer_id,
      customer_card_dest_name: call.customer_rate?.name ?? '',
      provider_id: provider,
      provider_card_dest_name: providerDest,
      attempts: 1,
      connected: 0,
      duration: 0,
      customer_duration: 0,
      provider_duration: 0,
      customer_charge: null,
      provider_charge: null,
      revenue: 0,
      account_profit: 0
    })
    if (call.attempts.length === 0) {
      out.push(fact(0, ''))
      continue
    }
    const row = rows.get(call.callid)
    call.attempts.forEach((attempt, k) => {
      const f = fact(attempt.provider_id, attempt.dest_name)
      if (row !== undefined && k === call.attempts.length - 1) {
        const revenue = inAccountCurrency(row.customer_charge as number, row.customer_card_currency as string, data)
        const cost = inAccountCurrency(row.provider_charge as number, row.provider_card_currency as string, data)
        f.connected = 1
        f.duration = call.duration_s
        f.customer_duration = row.customer_duration as number
        f.provider_duration = row.provider_duration as number
        f.customer_charge = [row.customer_card_currency as string, row.customer_charge as number]
        f.provider_charge = [row.provider_card_currency as string, row.provider_charge as number]
        f.revenue = revenue
        f.account_profit = round(revenue - cost, 6)
      }
      out!.push(f)
    })
  }
  memo.set(data, out)
  return out
}

/** The columns a request may group or filter by. */
export const BREAKOUT_GROUPS = ['customer_id', 'provider_id', 'customer_card_dest_name', 'provider_card_dest_name', 'dt', 'hour'] as const
/** The values a request may aggregate. */
export const BREAKOUT_VALUES = ['attempts', 'connected', 'duration', 'customer_duration', 'provider_duration', 'customer_charge', 'provider_charge', 'account_profit', 'account_profit_percent', 'asr', 'acd', 'dtmf', 'sdp_6', 'customer_card_dest_name', 'provider_card_dest_name'] as const
const AGG_FUNCS = ['sum', 'avg', 'count', 'min', 'max', 'groupuniqarray']

const DEFAULT_VALUES = ['attempts', 'connected', 'duration', 'customer_charge', 'provider_charge', 'asr', 'acd', 'account_profit'].map(field => ({ field, aggFunc: field === 'asr' || field === 'acd' ? 'avg' : 'sum' }))

function money (facts: Fact[], key: 'customer_charge' | 'provider_charge'): Record<string, number> {
  const totals: Record<string, number> = {}
  for (const f of facts) {
    const charge = f[key]
    if (charge !== null) totals[charge[0]] = (totals[charge[0]] ?? 0) + charge[1]
  }
  return Object.fromEntries(Object.entries(totals).sort().map(([c, v]) => [c, round(v, 4)]))
}

/** Sums of a group's numeric fields, each computed once. */
function summer (group: Fact[]): (key: keyof Fact) => number {
  const sums = new Map<keyof Fact, number>()
  return key => {
    let total = sums.get(key)
    if (total === undefined) {
      total = 0
      for (const f of group) total += f[key] as number
      sums.set(key, total)
    }
    return total
  }
}

function aggregate (group: Fact[], field: string, func: string, sum = summer(group)): unknown {
  const attempts = sum('attempts')
  const connected = sum('connected')
  switch (field) {
    case 'customer_charge':
    case 'provider_charge':
      return money(group, field)
    case 'customer_card_dest_name':
    case 'provider_card_dest_name':
      return [[...new Set(group.map(f => f[field]))].sort()]
    case 'asr':
      return attempts === 0 ? 0 : round(connected / attempts * 100, 2)
    case 'acd':
      return connected === 0 ? 0 : round(sum('duration') / connected, 2)
    case 'account_profit_percent': {
      const revenue = sum('revenue')
      return revenue === 0 ? 0 : round(sum('account_profit') / revenue * 100, 2)
    }
    case 'dtmf':
    case 'sdp_6':
      return 0
    default: {
      const values = group.map(f => f[field as keyof Fact] as number)
      if (func === 'count') return values.length
      if (func === 'min') return Math.min(...values)
      if (func === 'max') return Math.max(...values)
      if (func === 'avg') return values.length === 0 ? 0 : round(values.reduce((s, v) => s + v, 0) / values.length, 4)
      return round(sum(field as keyof Fact), 4)
    }
  }
}

/**
 * A time filter on `dt` or `hour` as one comparison of the call's start time (parsing each row's
 * text would dominate a month's report); `undefined` for any other filter.
 */
function timeTest (col: string, f: GridFilter): ((fact: Fact) => boolean) | undefined {
  if (col !== 'dt' && col !== 'hour') return undefined
  const from = parseTime(f.filter ?? '')
  const to = parseTime(f.filterTo ?? '')
  const at = (fact: Fact): number => col === 'dt' ? fact.ms : fact.hour_ms
  switch (f.type) {
    case 'inRange': return from === undefined || to === undefined ? undefined : fact => at(fact) >= from && at(fact) <= to
    case 'greaterThanOrEqual': return from === undefined ? undefined : fact => at(fact) >= from
    case 'lessThanOrEqual': return from === undefined ? undefined : fact => at(fact) <= from
    default: return undefined
  }
}

/** Runs a breakout request: one row per group, with the aggregates asked for. */
export function breakout (data: Dataset, grid: GridRequest): Record<string, unknown>[] {
  for (const col of grid.rowGroupCols) {
    if (!(BREAKOUT_GROUPS as readonly string[]).includes(col)) throw new HttpError(400, `Invalid _rowGroupCols field: ${col} (one of ${BREAKOUT_GROUPS.join(', ')})`)
  }
  const values = grid.valueCols.length === 0 ? DEFAULT_VALUES : grid.valueCols
  for (const { field, aggFunc } of values) {
    if (!(BREAKOUT_VALUES as readonly string[]).includes(field)) throw new HttpError(400, `Invalid _valueCols field: ${field} (one of ${BREAKOUT_VALUES.join(', ')})`)
    if (!AGG_FUNCS.includes(aggFunc)) throw new HttpError(400, `Invalid _valueCols aggFunc for ${field}: ${aggFunc} (sum, avg, count, min, max, groupUniqArray)`)
  }
  for (const [col, f] of grid.filters) {
    if (!(BREAKOUT_GROUPS as readonly string[]).includes(col)) throw new HttpError(400, `Invalid _filterModel column: ${col} (one of ${BREAKOUT_GROUPS.join(', ')})`)
    passes('', col, f)
  }
  const tests = grid.filters.map(([col, filter]) => timeTest(col, filter) ?? ((f: Fact) => passes(f[col as keyof Fact], col, filter)))
  const selected = facts(data).filter(f => tests.every(test => test(f)))
  const key = (f: Fact): string => grid.rowGroupCols.map(col => col === 'dt' ? f.day : String(f[col as keyof Fact])).join('\u0000')
  const groups = new Map<string, Fact[]>()
  for (const f of selected) {
    const k = key(f)
    const group = groups.get(k)
    if (group === undefined) groups.set(k, [f])
    else group.push(f)
  }
  const rows = [...groups.values()].map(group => {
    const first = group[0]!
    const row: Record<string, unknown> = {}
    for (const col of grid.rowGroupCols) row[col] = col === 'dt' ? first.day : first[col as keyof Fact]
    const sum = summer(group)
    for (const { field, aggFunc } of values) {
      if (!(field in row)) row[field] = aggregate(group, field, aggFunc, sum)
    }
    return row
  })
  const columns = [...grid.rowGroupCols, ...values.map(v => v.field)]
  return applyGrid(rows, { ...grid, filters: [] }, columns, (a, b) => grid.rowGroupCols.map(c => {
    const [x, y] = [a[c], b[c]]
    return typeof x === 'number' && typeof y === 'number' ? x - y : String(x) < String(y) ? -1 : String(x) > String(y) ? 1 : 0
  }).find(c => c !== 0) ?? 0)
}
