/**
 * A period's switch health in figures: totals with margin and post-dial delay, the same against
 * the previous period, the top customers, carriers and destinations three ways, every carrier's
 * health, and the traffic of each day; and which call-log searches can tell the detectors most,
 * since the call log cannot be listed. Facts only: the tool words and bounds them.
 */
import { refusedForAddress } from './detectors/security'
import type { CallRecord } from './detectors/types'
import { countryCodeOf } from './numbers'
import { percentile } from './stats'
import {
  carrierHealth, comparePeriods, marginPct, rankGroups, sumTraffic,
  type CarrierExtras, type CarrierHealth, type PeriodComparison, type RankBy, type TrafficRow, type TrafficTotals
} from './trafficTotals'
import type { DayTraffic } from './xyChart'

/** One row of the traffic report by customer, destination (the customer card's name) and carrier. */
export interface HealthRow extends TrafficRow {
  customer_id: number
  /** 0: refused before any carrier. */
  provider_id: number
  /** Empty when no customer card rule rated the call. */
  destination: string
}

/** What the figures are made from. */
export interface HealthInput {
  rows: readonly HealthRow[]
  /** The previous period's traffic report rows (any grouping). */
  previous: readonly TrafficRow[]
  /** Attempts and connected calls per day (rows of one day are added up), and every day of the period. */
  dayRows: readonly DayTraffic[]
  days: readonly string[]
  /** The customer's post-dial delay of every answered call (CDR `pdd_in`), ms. */
  pddInMs: readonly number[]
  /** What else is known of each carrier (post-dial delays, final codes from the call log). */
  carrierExtras?: CarrierExtras
  /**
   * Revenue and cost per currency summed over every answered call of the CDR, when read: exact,
   * where the traffic report's amounts are rounded per group. Otherwise the report's sums.
   */
  money?: { revenue: Record<string, number>, cost: Record<string, number> }
  /** The account's currency, for the margin. */
  accountCurrency?: string
  /** Groups kept in the ranking by minutes (default 5), and by revenue in each currency and by failures (default 3). */
  top?: number
  topRevenue?: number
}

/** One group's figures, compact. */
export interface GroupFigures {
  key: number | string
  attempts: number
  answered: number
  failed: number
  asr_pct: number | null
  acd_s: number | null
  minutes: number
  revenue: Record<string, number>
}

/** Groups ranked three ways: by minutes, by revenue (one ranking per currency) and by failed attempts; each group's figures once. */
export interface Rankings {
  by_minutes: (number | string)[]
  by_revenue: Record<string, (number | string)[]>
  by_failures: (number | string)[]
  groups: number
  figures: GroupFigures[]
}

/** The period's totals, with what only the whole period gives. */
export interface HealthTotals extends TrafficTotals {
  active_customers: number
  active_carriers: number
  /** Median of the customers' post-dial delay over every answered call with one. */
  pdd_p50_ms: number | null
  pdd_samples: number
  /** Profit over revenue, when both are in the account's currency only. */
  margin_pct: number | null
}

/** Everything {@link healthReport} computes. */
export interface HealthFacts {
  totals: HealthTotals
  previous: TrafficTotals
  change: PeriodComparison
  top: { customers: Rankings, carriers: Rankings, destinations: Rankings }
  /** Worst first. */
  carriers: CarrierHealth[]
  /** Every day of the period, in order (0 where nothing). */
  daily: DayTraffic[]
}

function figures (key: number | string, t: TrafficTotals): GroupFigures {
  return {
    key, attempts: t.attempts, answered: t.connected, failed: t.failed, asr_pct: t.asr_pct, acd_s: t.acd_s, minutes: t.minutes, revenue: t.revenue
  }
}

/** Ranks groups by minutes (keeping `top`), by revenue in each currency and by failures (keeping `topRevenue`). */
export function rankings<R extends TrafficRow> (rows: readonly R[], keyOf: (row: R) => number | string, top: number, topRevenue = top): Rankings {
  const all = rankGroups(rows, keyOf, 'attempts', Number.MAX_SAFE_INTEGER).top
  const kept = new Map<number | string, GroupFigures>()
  const rank = (by: RankBy, n = top): (number | string)[] => {
    const value = (g: (typeof all)[number]): number => by.startsWith('revenue:') ? g.totals.revenue[by.slice(8)] ?? 0 : g.totals[by as 'minutes' | 'failed']
    const list = all.filter(g => value(g) > 0).toSorted((a, b) => value(b) - value(a) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)).slice(0, n)
    for (const g of list) kept.set(g.key, figures(g.key, g.totals))
    return list.map(g => g.key)
  }
  const currencies = [...new Set(all.flatMap(g => Object.keys(g.totals.revenue)))].sort()
  return {
    by_minutes: rank('minutes'),
    by_revenue: Object.fromEntries(currencies.map(c => [c, rank(`revenue:${c}`, topRevenue)])),
    by_failures: rank('failed', topRevenue),
    groups: all.length,
    figures: [...kept.values()]
  }
}

/** Attempts and connected calls of every day of the period (0 for a day without traffic). */
export function dailyTraffic (rows: readonly DayTraffic[], days: readonly string[]): DayTraffic[] {
  const byDay = new Map<string, DayTraffic>(days.map(day => [day, { day, attempts: 0, connected: 0 }]))
  for (const r of rows) {
    const d = byDay.get(r.day.slice(0, 10))
    if (d === undefined) continue
    d.attempts += r.attempts
    d.connected += r.connected
  }
  return [...byDay.values()]
}

/** The period's health in figures. */
export function healthReport (input: HealthInput): HealthFacts {
  const top = input.top ?? 5
  const topRevenue = input.topRevenue ?? 3
  // Refused: the attempts no carrier was tried for (carrier 0) that did not connect (those are answered on the switch).
  const refused = input.rows.map(r => ({ ...r, refused: r.provider_id === 0 ? r.attempts - r.connected : 0 }))
  const totals = { ...sumTraffic(refused), ...(input.money ?? {}) }
  const previous = sumTraffic(input.previous)
  const pdds = input.pddInMs.filter(v => Number.isFinite(v) && v > 0).toSorted((a, b) => a - b)
  const active = (key: 'customer_id' | 'provider_id'): number => new Set(input.rows.filter(r => r[key] !== 0 && r.attempts > 0).map(r => r[key])).size
  return {
    totals: {
      ...totals,
      active_customers: active('customer_id'),
      active_carriers: active('provider_id'),
      pdd_p50_ms: percentile(pdds, 50),
      pdd_samples: pdds.length,
      margin_pct: input.accountCurrency === undefined ? null : marginPct(totals, input.accountCurrency)
    },
    previous,
    change: comparePeriods(totals, previous),
    top: {
      // Customer 0 is callers the switch could not identify, carrier 0 the attempts it refused before any carrier: neither is a party to rank.
      customers: rankings(input.rows.filter(r => r.customer_id !== 0), r => r.customer_id, top, topRevenue),
      carriers: rankings(input.rows.filter(r => r.provider_id !== 0), r => r.provider_id, top, topRevenue),
      destinations: rankings(input.rows, r => r.destination, top, topRevenue)
    },
    carriers: carrierHealth(input.rows.map(r => ({ ...r, duration_s: r.duration_s ?? 0 })), input.carrierExtras ?? {}),
    daily: dailyTraffic(input.dayRows, input.days)
  }
}

/** Who can be searched for in the call log. */
export interface SearchableParty {
  id: number
  /** Its authorised addresses, or, for one that authenticates by SIP user, its CLIs. */
  ips?: readonly string[]
  clis?: readonly string[]
}

/** One call-log search a report should make, and why. */
export interface LogSearchTerm {
  term: string
  why: 'refused_customer' | 'malformed_numbers' | 'worst_carrier' | 'unknown_address'
  customer_id?: number
  provider_id?: number
}

/** Options of {@link callLogTerms}. */
export interface LogTermOptions {
  /** Searches in all (default 10). */
  max?: number
  /** Customers searched for (default 4), and terms for each (default 2). */
  customers?: number
  perCustomer?: number
  /** Carriers searched for (default 2). */
  carriers?: number
}

/**
 * The call-log searches that tell the call-log detectors most within a few requests, since the
 * log cannot be listed (it is searched by number or IP, 200 matches a search): the customers with
 * the most calls refused before any carrier (authentication failures, no route, balance), by their
 * addresses or else their CLIs; numbers with the most common country code dialled twice, or
 * followed by the national 0 (the usual formatting mistakes); and the carriers that do worst, by
 * their addresses, for their failure codes.
 */
export function callLogTerms (
  rows: readonly HealthRow[],
  parties: { customers: readonly SearchableParty[], carriers: readonly SearchableParty[] },
  dialled: readonly string[],
  worstCarriers: readonly number[],
  options: LogTermOptions = {}
): LogSearchTerm[] {
  const max = options.max ?? 10
  const refused = new Map<number, number>()
  for (const r of rows) {
    const n = r.provider_id === 0 && r.customer_id !== 0 ? r.attempts - r.connected : 0
    if (n > 0) refused.set(r.customer_id, (refused.get(r.customer_id) ?? 0) + n)
  }
  const terms: LogSearchTerm[] = []
  const add = (term: LogSearchTerm): void => {
    if (terms.length < max && !terms.some(t => t.term === term.term)) terms.push(term)
  }
  const customers = new Map(parties.customers.map(c => [c.id, c]))
  for (const [id] of [...refused].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, options.customers ?? 4)) {
    const c = customers.get(id)
    const handles = (c?.ips ?? []).length > 0 ? c!.ips! : c?.clis ?? []
    for (const term of handles.slice(0, options.perCustomer ?? 2)) add({ term, why: 'refused_customer', customer_id: id })
  }
  const codes = new Map<string, number>()
  for (const number of dialled) {
    const cc = countryCodeOf(number)
    if (cc !== undefined) codes.set(cc, (codes.get(cc) ?? 0) + 1)
  }
  // The log matches 3 digits or more anywhere in a number: a code of one digit twice is too short to search.
  const common = [...codes].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([cc]) => cc).filter(cc => cc.length >= 2)
  if (common[0] !== undefined) {
    add({ term: common[0] + common[0], why: 'malformed_numbers' })
    add({ term: `${common[0]}0`, why: 'malformed_numbers' })
  }
  if (common[1] !== undefined) add({ term: common[1] + common[1], why: 'malformed_numbers' })
  const carriers = new Map(parties.carriers.map(c => [c.id, c]))
  for (const id of worstCarriers.slice(0, options.carriers ?? 2)) {
    const ip = carriers.get(id)?.ips?.[0]
    if (ip !== undefined) add({ term: ip, why: 'worst_carrier', provider_id: id })
  }
  return terms
}

/**
 * The second round of call-log searches: the source addresses of the calls the first round met
 * that were refused for their address or matched no customer, that no customer or carrier owns
 * and that were not searched yet, most calls first (at most `max`, default 3). The traffic report
 * counts such callers without their address; one of their calls met by chance names the address,
 * and a search by it gives the rest.
 */
export function addressSearchTerms (records: readonly CallRecord[], owned: Iterable<string>, searched: Iterable<string>, max = 3): LogSearchTerm[] {
  const skip = new Set([...owned, ...searched].map(ip => ip.toLowerCase()))
  const counts = new Map<string, number>()
  for (const r of records) {
    const ip = r.source_ip ?? ''
    if (ip === '' || skip.has(ip.toLowerCase()) || !(refusedForAddress(r) || ((r.customer_id ?? 0) === 0 && r.sip_code >= 400))) continue
    counts.set(ip, (counts.get(ip) ?? 0) + 1)
  }
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, max).map(([term]) => ({ term, why: 'unknown_address' as const }))
}

/** One carrier try of a call, as the call log's routing lists them. */
export interface CarrierTry {
  provider_id: number
  sip_code: number
  sip_reason?: string | null
}

/** Final codes of one carrier's tries, most frequent first (for {@link carrierHealth}'s `codes`). */
export function carrierCodes (tries: readonly CarrierTry[], providerId: number): { code: number, reason: string, count: number }[] {
  const codes = new Map<number, { reason: string, count: number }>()
  for (const t of tries) {
    if (t.provider_id !== providerId || !Number.isFinite(t.sip_code) || t.sip_code <= 0) continue
    const c = codes.get(t.sip_code) ?? { reason: t.sip_reason ?? '', count: 0 }
    c.count++
    codes.set(t.sip_code, c)
  }
  return [...codes].map(([code, c]) => ({ code, reason: c.reason, count: c.count })).sort((a, b) => b.count - a.count || a.code - b.code)
}

/** One CDR row's money, as `POST cdr` gives it. */
export interface CdrMoneyRow {
  customer_charge?: unknown
  customer_card_currency?: unknown
  provider_charge?: unknown
  provider_card_currency?: unknown
}

/** Revenue (customer charges) and cost (carrier charges) of CDR rows, per currency, to 4 decimals; never added across currencies. */
export function cdrMoney (rows: readonly CdrMoneyRow[]): { revenue: Record<string, number>, cost: Record<string, number> } {
  const revenue: Record<string, number> = {}
  const cost: Record<string, number> = {}
  const add = (into: Record<string, number>, amount: unknown, currency: unknown): void => {
    const n = Number(amount ?? 0)
    if (n !== 0 && Number.isFinite(n)) into[String(currency ?? '?')] = (into[String(currency ?? '?')] ?? 0) + n
  }
  for (const r of rows) {
    add(revenue, r.customer_charge, r.customer_card_currency)
    add(cost, r.provider_charge, r.provider_card_currency)
  }
  const round = (m: Record<string, number>): Record<string, number> =>
    Object.fromEntries(Object.entries(m).sort(([a], [b]) => (a < b ? -1 : 1)).map(([c, v]) => [c, Math.round(v * 10_000) / 10_000]))
  return { revenue: round(revenue), cost: round(cost) }
}

/** Profit and margin in one currency, over the answered calls both sold and bought in it. */
export interface CurrencyMargin {
  currency: string
  calls: number
  revenue: number
  cost: number
  profit: number
  /** Profit over revenue, %; null without revenue. */
  margin_pct: number | null
}

/**
 * Profit and margin per currency from the CDR: a call's profit is its charge less its cost only
 * when both are in one currency, so each currency's figures cover the calls sold and bought in
 * it, and the calls sold in one currency and bought in another are counted apart (their profit
 * needs an exchange rate, which only the platform's `account_profit` applies).
 */
export function cdrMargins (rows: readonly CdrMoneyRow[]): { currencies: CurrencyMargin[], calls: number, mixed_calls: number } {
  const by = new Map<string, { calls: number, revenue: number, cost: number }>()
  let mixed = 0
  for (const r of rows) {
    const sold = String(r.customer_card_currency ?? '')
    if (sold === '' || sold !== String(r.provider_card_currency ?? '')) {
      mixed++
      continue
    }
    const m = by.get(sold) ?? { calls: 0, revenue: 0, cost: 0 }
    const [revenue, cost] = [Number(r.customer_charge ?? 0), Number(r.provider_charge ?? 0)]
    m.calls++
    m.revenue += Number.isFinite(revenue) ? revenue : 0
    m.cost += Number.isFinite(cost) ? cost : 0
    by.set(sold, m)
  }
  const round = (v: number): number => Math.round(v * 10_000) / 10_000
  const currencies = [...by].sort(([a], [b]) => (a < b ? -1 : 1)).map(([currency, m]) => ({
    currency,
    calls: m.calls,
    revenue: round(m.revenue),
    cost: round(m.cost),
    profit: round(m.revenue - m.cost),
    margin_pct: m.revenue > 0 ? Math.round((m.revenue - m.cost) / m.revenue * 10_000) / 100 : null
  }))
  return { currencies, calls: rows.length, mixed_calls: mixed }
}
