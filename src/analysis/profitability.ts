import { marginOf, moneyFrom, roundMoney, roundTo, sumMoney, toNumber, type Margin, type Money } from './money'

/**
 * Profitability from the traffic report (`breakout-aggrid` rows, aggregated by the API): revenue,
 * cost and what was kept, per currency; weighted ASR and ACD (Σ connected / Σ attempts and
 * Σ duration / Σ connected, never a mean of row means); groups ranked and cut to a top N with the
 * rest summed. Nothing here converts currencies: a ranking by money ranks in one currency, or by
 * the API's own account-currency profit (`account_profit`).
 */

/** One group's figures. */
export interface ProfitGroup {
  /** The group's key values (customer_id, provider_id, destination, day…), as the report gave them. */
  key: Record<string, unknown>
  attempts: number
  connected: number
  /** Σ duration, seconds. */
  duration_s: number
  minutes: number
  /** Connected / attempts × 100, 2 decimals (`null` without attempts). */
  asr_pct: number | null
  /** Duration / connected, seconds, 1 decimal (`null` without connected calls). */
  acd_s: number | null
  revenue: Money
  cost: Money
  /** Net per currency, and a single profit and margin when revenue and cost share one currency. */
  margin: Margin
  /** The API's profit in the account's currency (`account_profit`), when the report has it. */
  account_profit: number | null
}

/** A destination name column as the report gives it: nested arrays (`[["", "UK - Mobile"]]`) or text. */
export function destinationNames (value: unknown): string[] {
  const out = new Set<string>()
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk)
    else if (typeof v === 'string' && v.trim() !== '') out.add(v.trim())
  }
  walk(value)
  return [...out].sort()
}

/** The figures of groups made of report rows (rows of one group are summed first). */
export function groupFigures (key: Record<string, unknown>, rows: readonly Record<string, unknown>[]): ProfitGroup {
  const sum = (field: string): number => rows.reduce((s, r) => s + (toNumber(r[field]) ?? 0), 0)
  const attempts = sum('attempts')
  const connected = sum('connected')
  const duration = sum('duration')
  const revenue = roundMoney(sumMoney(rows.map(r => moneyFrom(r.customer_charge))))
  const cost = roundMoney(sumMoney(rows.map(r => moneyFrom(r.provider_charge))))
  const profits = rows.map(r => toNumber(r.account_profit))
  return {
    key,
    attempts,
    connected,
    duration_s: roundTo(duration, 1),
    minutes: roundTo(duration / 60, 2),
    asr_pct: attempts === 0 ? null : roundTo(connected / attempts * 100, 2),
    acd_s: connected === 0 ? null : roundTo(duration / connected, 1),
    revenue,
    cost,
    margin: marginOf(revenue, cost),
    account_profit: profits.every(p => p === undefined) ? null : roundTo(profits.reduce<number>((s, p) => s + (p ?? 0), 0), 4)
  }
}

/**
 * Groups report rows by `keys` (rows the API already grouped finer are summed; a destination
 * column counts by its names joined) and gives each group's figures, in the rows' order.
 */
export function profitGroups (rows: readonly Record<string, unknown>[], keys: readonly string[]): ProfitGroup[] {
  const value = (row: Record<string, unknown>, k: string): unknown => (k.endsWith('_dest_name') ? destinationNames(row[k]).join(' / ') : row[k])
  const groups = new Map<string, { key: Record<string, unknown>, rows: Record<string, unknown>[] }>()
  for (const row of rows) {
    const key = Object.fromEntries(keys.map(k => [k, value(row, k)]))
    const id = JSON.stringify(keys.map(k => key[k]))
    const group = groups.get(id) ?? { key, rows: [] }
    group.rows.push(row)
    groups.set(id, group)
  }
  return [...groups.values()].map(g => groupFigures(g.key, g.rows))
}

/** What to rank groups by. */
export type RankBy = 'account_profit' | 'profit' | 'revenue' | 'cost' | 'margin' | 'minutes' | 'attempts' | 'connected'

/** The value a group ranks by; `undefined` when it has none (it then ranks last). */
function rankValue (g: ProfitGroup, by: RankBy, currency: string | undefined): number | undefined {
  switch (by) {
    case 'account_profit': return g.account_profit ?? undefined
    case 'minutes': return g.minutes
    case 'attempts': return g.attempts
    case 'connected': return g.connected
    case 'revenue': return currency === undefined ? undefined : g.revenue[currency]
    case 'cost': return currency === undefined ? undefined : g.cost[currency]
    case 'profit': return currency === undefined ? undefined : g.margin.net[currency]
    case 'margin': return g.margin.currency === currency ? g.margin.margin_pct ?? undefined : undefined
  }
}

/** A ranking: the top groups, and the rest summed. */
export interface Ranking {
  top: ProfitGroup[]
  /** The groups after the top ones, summed (`null` when there are none). */
  rest: (Omit<ProfitGroup, 'key'> & { groups: number }) | null
  /** Groups that have no value to rank by (another currency, no account profit): ranked last. */
  unranked: number
}

/**
 * Ranks groups by `by`, highest first (ties by attempts), keeps the first `limit` and sums the rest.
 * Money (revenue, cost, profit, margin) ranks in `currency`; groups without that currency go last.
 */
export function rankGroups (groups: readonly ProfitGroup[], by: RankBy, options: { limit: number, currency?: string, ascending?: boolean }): Ranking {
  const sign = options.ascending === true ? -1 : 1
  const valued = groups.map(g => ({ g, v: rankValue(g, by, options.currency) }))
  const sorted = valued.toSorted((a, b) => {
    if (a.v === undefined || b.v === undefined) return a.v === undefined ? (b.v === undefined ? b.g.attempts - a.g.attempts : 1) : -1
    return sign * (b.v - a.v) || b.g.attempts - a.g.attempts
  }).map(x => x.g)
  const top = sorted.slice(0, Math.max(0, options.limit))
  const others = sorted.slice(top.length)
  let rest: Ranking['rest'] = null
  if (others.length > 0) {
    const { key: _key, ...figures } = groupFigures({}, others.map(g => ({
      attempts: g.attempts, connected: g.connected, duration: g.duration_s,
      customer_charge: g.revenue, provider_charge: g.cost, account_profit: g.account_profit
    })))
    rest = { ...figures, groups: others.length }
  }
  return { top, rest, unranked: valued.filter(x => x.v === undefined).length }
}

/** The totals of all groups: the same figures, weighted over every attempt and call. */
export function totalsOf (groups: readonly ProfitGroup[]): Omit<ProfitGroup, 'key'> {
  const { key: _key, ...figures } = groupFigures({}, groups.map(g => ({
    attempts: g.attempts, connected: g.connected, duration: g.duration_s,
    customer_charge: g.revenue, provider_charge: g.cost, account_profit: g.account_profit
  })))
  return figures
}

/**
 * A group's margin from the API's own profit when its revenue and cost are not in one currency
 * but its revenue is all in the account's currency, which `account_profit` is in: profit /
 * revenue, both in that currency. Groups that have a margin already, or whose revenue is in
 * another currency (or several), are left as they are.
 */
export function withAccountMargin (g: ProfitGroup, accountCurrency: string): ProfitGroup {
  if (g.margin.currency !== null || g.account_profit === null) return g
  const codes = Object.keys(g.revenue).filter(c => g.revenue[c] !== 0)
  if (codes.length !== 1 || codes[0] !== accountCurrency) return g
  const revenue = g.revenue[accountCurrency]!
  return {
    ...g,
    margin: {
      net: g.margin.net,
      currency: accountCurrency,
      profit: g.account_profit,
      margin_pct: roundTo(g.account_profit / revenue * 100, 2),
      why: `costs are in several currencies: profit is the API's, in ${accountCurrency}, against revenue in ${accountCurrency}`
    }
  }
}
