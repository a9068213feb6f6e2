/**
 * A period's traffic in figures a report can show: totals with ratios weighted by their
 * population (Σ connected / Σ attempts, never a mean of per-row ratios), money per currency
 * (never added across currencies), groups ranked with the rest summed, a period against the one
 * before (points for ratios, percent for counts and money), and each carrier's health against
 * what the account gets on the same destinations.
 */
import { pct } from './detectors/types'

/** Traffic-report figures of one row (a group of `breakout-aggrid`), as sums. */
export interface TrafficRow {
  attempts: number
  connected: number
  /** Seconds of answered calls. */
  duration_s?: number
  /** Billed seconds on each side. */
  customer_duration_s?: number
  provider_duration_s?: number
  /** Charged to customers, and paid to carriers, per currency. */
  customer_charge?: Readonly<Record<string, number>>
  provider_charge?: Readonly<Record<string, number>>
  /** Profit in the account's currency. */
  account_profit?: number
  /** Attempts refused before any carrier (provider 0), when the row says. */
  refused?: number
}

/** The sums of a set of rows and the ratios they give. */
export interface TrafficTotals {
  attempts: number
  connected: number
  failed: number
  /** Σ connected / Σ attempts × 100. */
  asr_pct: number | null
  /** Σ seconds / Σ connected. */
  acd_s: number | null
  minutes: number
  customer_minutes: number
  provider_minutes: number
  revenue: Record<string, number>
  cost: Record<string, number>
  account_profit: number | null
  refused: number
  refused_pct: number | null
}

function addMoney (into: Record<string, number>, money: Readonly<Record<string, number>> | undefined): void {
  for (const [currency, amount] of Object.entries(money ?? {})) if (Number.isFinite(amount)) into[currency] = (into[currency] ?? 0) + amount
}

function roundMoney (money: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(money).sort(([a], [b]) => (a < b ? -1 : 1)).map(([c, v]) => [c, Math.round(v * 10_000) / 10_000]))
}

/** Sums rows. */
export function sumTraffic (rows: Iterable<TrafficRow>): TrafficTotals {
  let attempts = 0
  let connected = 0
  let seconds = 0
  let customerSeconds = 0
  let providerSeconds = 0
  let refused = 0
  let profit: number | null = null
  const revenue: Record<string, number> = {}
  const cost: Record<string, number> = {}
  for (const r of rows) {
    attempts += r.attempts
    connected += r.connected
    seconds += r.duration_s ?? 0
    customerSeconds += r.customer_duration_s ?? 0
    providerSeconds += r.provider_duration_s ?? 0
    refused += r.refused ?? 0
    if (r.account_profit !== undefined) profit = (profit ?? 0) + r.account_profit
    addMoney(revenue, r.customer_charge)
    addMoney(cost, r.provider_charge)
  }
  return {
    attempts,
    connected,
    failed: attempts - connected,
    asr_pct: pct(connected, attempts),
    acd_s: connected === 0 ? null : Math.round(seconds / connected * 10) / 10,
    minutes: Math.round(seconds / 60 * 100) / 100,
    customer_minutes: Math.round(customerSeconds / 60 * 100) / 100,
    provider_minutes: Math.round(providerSeconds / 60 * 100) / 100,
    revenue: roundMoney(revenue),
    cost: roundMoney(cost),
    account_profit: profit === null ? null : Math.round(profit * 10_000) / 10_000,
    refused,
    refused_pct: pct(refused, attempts)
  }
}

/**
 * Profit margin in percent: profit (in the account's currency) over revenue, only when all
 * revenue is in that currency too; otherwise null, since converting currencies is not ours to do.
 */
export function marginPct (totals: TrafficTotals, accountCurrency: string): number | null {
  const currencies = Object.keys(totals.revenue)
  if (totals.account_profit === null || currencies.length !== 1 || currencies[0] !== accountCurrency) return null
  return pct(Math.round(totals.account_profit * 10_000), Math.round(totals.revenue[accountCurrency]! * 10_000))
}

/** What groups are ranked by: a count, or revenue in one currency. */
export type RankBy = 'attempts' | 'connected' | 'failed' | 'minutes' | `revenue:${string}`

/** A group and its totals. */
export interface RankedGroup<K> {
  key: K
  totals: TrafficTotals
}

/** Groups rows by `keyOf`, ranks the groups by `by` (largest first), keeps `top` and sums the rest. */
export function rankGroups<R extends TrafficRow, K extends string | number> (
  rows: readonly R[],
  keyOf: (row: R) => K,
  by: RankBy,
  top: number
): { top: RankedGroup<K>[], rest: TrafficTotals & { groups: number }, groups: number } {
  const groups = new Map<K, R[]>()
  for (const row of rows) {
    const key = keyOf(row)
    const list = groups.get(key)
    if (list === undefined) groups.set(key, [row])
    else list.push(row)
  }
  const value = (t: TrafficTotals): number => by.startsWith('revenue:') ? t.revenue[by.slice(8)] ?? 0 : t[by as 'attempts' | 'connected' | 'failed' | 'minutes']
  const ranked = [...groups].map(([key, list]) => ({ key, totals: sumTraffic(list) }))
    .sort((a, b) => value(b.totals) - value(a.totals) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
  const kept = ranked.slice(0, top)
  const rest = ranked.slice(top)
  return { top: kept, rest: { ...sumTraffic(rest.flatMap(g => groups.get(g.key)!)), groups: rest.length }, groups: ranked.length }
}

/** One figure against the previous period. */
export interface Change {
  current: number | null
  previous: number | null
  /** Points for a ratio, percent of the previous value for a count or an amount; null when either is missing or the previous is 0. */
  change: number | null
  unit: 'points' | 'percent'
}

/** `current` against `previous`, in points (ratios) or percent (counts, amounts). */
export function change (current: number | null, previous: number | null, unit: Change['unit']): Change {
  let delta: number | null = null
  if (current !== null && previous !== null) {
    if (unit === 'points') delta = Math.round((current - previous) * 100) / 100
    else if (previous !== 0) delta = Math.round((current / previous - 1) * 10_000) / 100
  }
  return { current, previous, change: delta, unit }
}

/** A period's totals against the previous period's. */
export interface PeriodComparison {
  attempts: Change
  connected: Change
  asr_pct: Change
  acd_s: Change
  minutes: Change
  refused_pct: Change
  account_profit: Change
  revenue: Record<string, Change>
  cost: Record<string, Change>
}

/** Compares two periods figure by figure; money per currency, each currency that either period has. */
export function comparePeriods (current: TrafficTotals, previous: TrafficTotals): PeriodComparison {
  const money = (a: Record<string, number>, b: Record<string, number>): Record<string, Change> =>
    Object.fromEntries([...new Set([...Object.keys(a), ...Object.keys(b)])].sort().map(c => [c, change(a[c] ?? 0, b[c] ?? 0, 'percent')]))
  return {
    attempts: change(current.attempts, previous.attempts, 'percent'),
    connected: change(current.connected, previous.connected, 'percent'),
    asr_pct: change(current.asr_pct, previous.asr_pct, 'points'),
    acd_s: change(current.acd_s, previous.acd_s, 'percent'),
    minutes: change(current.minutes, previous.minutes, 'percent'),
    refused_pct: change(current.refused_pct, previous.refused_pct, 'points'),
    account_profit: change(current.account_profit, previous.account_profit, 'percent'),
    revenue: money(current.revenue, previous.revenue),
    cost: money(current.cost, previous.cost)
  }
}

/** One carrier's attempts on one destination (the traffic report by `provider_id` and destination). */
export interface CarrierDestinationRow {
  provider_id: number
  destination: string
  attempts: number
  connected: number
  duration_s?: number
}

/** What else is known of each carrier, from the CDR and the call log. */
export interface CarrierExtras {
  /** Post-dial delays of its answered calls, ms (CDR `pdd_out`). */
  pdd_ms?: Readonly<Record<number, readonly number[]>>
  /** Final codes of its attempts in the call log, 2xx included: NER and failure codes. */
  codes?: Readonly<Record<number, readonly { code: number, reason?: string, count: number }[]>>
}

/** One carrier's health. */
export interface CarrierHealth {
  provider_id: number
  attempts: number
  connected: number
  asr_pct: number | null
  /** The ASR the account gets on the same destinations, weighted by this carrier's attempts on each. */
  expected_asr_pct: number | null
  /** `asr_pct − expected_asr_pct`: below 0, worse than the account on the same traffic. */
  asr_gap_points: number | null
  acd_s: number | null
  pdd_p50_ms: number | null
  pdd_samples: number
  /** From the call-log attempts given (`ner_attempts` of them), not from the traffic report. */
  ner_pct: number | null
  ner_attempts: number
  /** Its three most frequent failures that are not the called party's outcome (busy, no answer…), from the call log. */
  failure_codes: { code: number, reason: string, count: number }[]
  /** Too few attempts to judge (fewer than `minAttempts`): ranked after the others. */
  enough_data: boolean
}

/** Final codes that are the called party's outcome (ITU-T E.425 NER): busy, no answer, cancelled, declined. */
const USER_OUTCOMES = new Set([480, 486, 487, 600, 603])

/**
 * Every carrier's health, worst first. Carriers carry different destinations, whose answer rates
 * differ (Cuba is not the UK), so each carrier's ASR is set against the account's ASR on the same
 * destinations, weighted by the carrier's own attempts on each; the worst gap ranks first.
 * Carriers with fewer than `minAttempts` attempts come last, in id order.
 */
export function carrierHealth (
  rows: readonly CarrierDestinationRow[],
  extras: CarrierExtras = {},
  options: { minAttempts?: number } = {}
): CarrierHealth[] {
  const minAttempts = options.minAttempts ?? 30
  const carried = rows.filter(r => r.provider_id !== 0)
  const byDest = new Map<string, { attempts: number, connected: number }>()
  for (const r of carried) {
    const d = byDest.get(r.destination) ?? { attempts: 0, connected: 0 }
    d.attempts += r.attempts
    d.connected += r.connected
    byDest.set(r.destination, d)
  }
  const byCarrier = new Map<number, CarrierDestinationRow[]>()
  for (const r of carried) byCarrier.set(r.provider_id, [...(byCarrier.get(r.provider_id) ?? []), r])
  const health = [...byCarrier].map(([id, list]): CarrierHealth => {
    const totals = sumTraffic(list)
    let expected = 0
    for (const r of list) {
      const d = byDest.get(r.destination)!
      expected += r.attempts * d.connected / d.attempts
    }
    const expectedPct = totals.attempts === 0 ? null : Math.round(expected / totals.attempts * 10_000) / 100
    const pdds = (extras.pdd_ms?.[id] ?? []).toSorted((a, b) => a - b)
    const codes = extras.codes?.[id] ?? []
    const logAttempts = codes.reduce((s, c) => s + c.count, 0)
    const good = codes.filter(c => (c.code >= 200 && c.code < 300) || USER_OUTCOMES.has(c.code)).reduce((s, c) => s + c.count, 0)
    return {
      provider_id: id,
      attempts: totals.attempts,
      connected: totals.connected,
      asr_pct: totals.asr_pct,
      expected_asr_pct: expectedPct,
      asr_gap_points: totals.asr_pct === null || expectedPct === null ? null : Math.round((totals.asr_pct - expectedPct) * 100) / 100,
      acd_s: totals.acd_s,
      pdd_p50_ms: pdds.length === 0 ? null : pdds[Math.ceil(pdds.length / 2) - 1]!,
      pdd_samples: pdds.length,
      ner_pct: pct(good, logAttempts),
      ner_attempts: logAttempts,
      failure_codes: codes.filter(c => c.code >= 300 && !USER_OUTCOMES.has(c.code)).map(c => ({ code: c.code, reason: c.reason ?? '', count: c.count })).sort((a, b) => b.count - a.count || a.code - b.code).slice(0, 3),
      enough_data: totals.attempts >= minAttempts
    }
  })
  return health.sort((a, b) => Number(b.enough_data) - Number(a.enough_data) ||
    (a.enough_data ? (a.asr_gap_points ?? 0) - (b.asr_gap_points ?? 0) : 0) || a.provider_id - b.provider_id)
}
