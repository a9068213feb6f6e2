import { applyGrid, passes, type GridRequest } from './aggrid'
import { cdrRows, inAccountCurrency } from './cdr'
import { HttpError } from './http'
import type { Dataset } from './model'
import { round } from './numbering'
import { isoDay, sqlTime } from './time'

/**
 * `GET breakout-aggrid`: the pre-aggregated traffic report, grouped by the `_rowGroupCols`
 * (customer, carrier, destination names, day) with the `_valueCols` aggregates. Every egress
 * attempt is one attempt of its carrier (a call that failed over from one carrier to another
 * counts once for each); a call refused before any carrier counts once with provider_id 0.
 * Charges are currency maps and `groupUniqArray` gives nested arrays, as the real one does.
 */

interface Fact {
  dt: string
  day: string
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
    const dt = sqlTime(call.start_ms)
    const base = { dt, day: isoDay(call.start_ms), customer_id: call.customer_id, customer_card_dest_name: call.customer_rate?.name ?? '' }
    if (call.attempts.length === 0) {
      out.push({ ...base, provider_id: 0, provider_card_dest_name: '', attempts: 1, connected: 0, duration: 0, customer_duration: 0, provider_duration: 0, customer_charge: null, provider_charge: null, revenue: 0, account_profit: 0 })
      continue
    }
    const row = rows.get(call.callid)
    call.attempts.forEach((attempt, k) => {
      const won = row !== undefined && k === call.attempts.length - 1
      const revenue = won ? inAccountCurrency(row.customer_charge as number, row.customer_card_currency as string, data) : 0
      const cost = won ? inAccountCurrency(row.provider_charge as number, row.provider_card_currency as string, data) : 0
      out!.push({
        ...base,
        provider_id: attempt.provider_id,
        provider_card_dest_name: attempt.dest_name,
        attempts: 1,
        connected: won ? 1 : 0,
        duration: won ? call.duration_s : 0,
        customer_duration: won ? row.customer_duration as number : 0,
        provider_duration: won ? row.provider_duration as number : 0,
        customer_charge: won ? [row.customer_card_currency as string, row.customer_charge as number] : null,
        provider_charge: won ? [row.provider_card_currency as string, row.provider_charge as number] : null,
        revenue,
        account_profit: round(revenue - cost, 6)
      })
    })
  }
  memo.set(data, out)
  return out
}

/** The columns a request may group or filter by. */
export const BREAKOUT_GROUPS = ['customer_id', 'provider_id', 'customer_card_dest_name', 'provider_card_dest_name', 'dt'] as const
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

function aggregate (group: Fact[], field: string, func: string): unknown {
  const sum = (key: keyof Fact): number => group.reduce((s, f) => s + (f[key] as number), 0)
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
      return round(values.reduce((s, v) => s + v, 0), 4)
    }
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
  const selected = facts(data).filter(f => grid.filters.every(([col, filter]) => passes(f[col as keyof Fact], col, filter)))
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
    for (const { field, aggFunc } of values) {
      if (!(field in row)) row[field] = aggregate(group, field, aggFunc)
    }
    return row
  })
  const columns = [...grid.rowGroupCols, ...values.map(v => v.field)]
  return applyGrid(rows, { ...grid, filters: [] }, columns, (a, b) => grid.rowGroupCols.map(c => {
    const [x, y] = [a[c], b[c]]
    return typeof x === 'number' && typeof y === 'number' ? x - y : String(x) < String(y) ? -1 : String(x) > String(y) ? 1 : 0
  }).find(c => c !== 0) ?? 0)
}
