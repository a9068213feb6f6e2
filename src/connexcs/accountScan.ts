import type { CallRecord } from '../lib/callRecord'
import { ZERO_DURATION_MAX_S } from '../lib/callOutcome'
import type { Connexcs } from './client'
import {
  CALL_RECORD_FIELDS, cdrCallRecord, cdrToEnd, fetchHourlyReport, fetchTrafficReport,
  type CdrPages, type HourlyReport, type Period, type ReportResult
} from './reports'

/**
 * Everything the account-wide detectors read that the API can give whole, fetched at once: four
 * traffic reports (by carrier and hour, by customer, destination and carrier, by customer and day,
 * and the callers the switch could not identify by hour), the CDR's zero-length and high-cost
 * calls, and each carrier's post-dial delays in this period and the previous one. The call log
 * cannot be listed account-wide (it is searched by number, Call-ID or IP, 200 matches and 14 days
 * at most), so its records come from the caller, or those detectors are skipped and say so.
 */

/** One carrier's figures in a period (the shape of `analysis/`'s `CarrierPeriod`). */
export interface CarrierFigures {
  provider_id: number
  attempts: number
  connected: number
  pdd_ms: number[]
}

/** What the detectors read, in the shape of `analysis/`'s `DetectorInput` (`runDetectors` takes it as it is). */
export interface ScanInput {
  period: { start: string, end: string }
  carrierHours?: { provider_id: number, hour: string, attempts: number, connected: number }[]
  destinations: { customer_id: number, provider_id: number, destination: string, attempts: number, connected: number }[]
  customerDays: { customer_id: number, day: string, attempts: number }[]
  days: string[]
  answeredByCustomer: Record<number, number>
  zeroDurationCalls: CallRecord[]
  highCostCalls: CallRecord[]
  answeredCalls: CallRecord[]
  callLog?: readonly CallRecord[]
  carriers?: { current: CarrierFigures[], previous: CarrierFigures[] }
  unidentifiedHours?: { hour: string, attempts: number, connected: number }[]
}

/** What to scan. */
export interface ScanQuery {
  period: Period
  /** The period the drift detector compares with (usually the one just before, as long). */
  previous?: Period
  /** Call-log records the caller could read. */
  callLog?: readonly CallRecord[]
  /** High-cost calls are priced at this per minute or more (default 0.10, the detector's). */
  minRate?: number
  /**
   * More CDR fields to read with the post-dial delays of every answered call in the period (the
   * pass is made when this or `previous` is given), returned as `answered`.
   */
  answeredFields?: readonly string[]
}

/** The detectors' input, the reports it came from, and what could not be had whole. */
export interface Scan {
  input: ScanInput
  /** `previous`: the previous period's traffic report by carrier and day, when a previous period was given. */
  reports: { carrierHours: HourlyReport, destinations: ReportResult, customerDays: ReportResult, unidentified: HourlyReport, previous?: ReportResult }
  /** Every answered call of the period with `provider_id`, `pdd_out` and the `answeredFields`, when asked for. */
  answered?: CdrPages
  /** The days of the previous period with traffic (`YYYY-MM-DD`), when a previous period was given. */
  previousDays?: string[]
  round_trips: number
  /** One line per figure that is partial, and why. */
  partial: string[]
}

/** Every day of a period, `YYYY-MM-DD`. */
export function daysOf (period: Period): string[] {
  const days: string[] = []
  const last = Date.parse(`${period.to.slice(0, 10)}T00:00:00Z`)
  for (let t = Date.parse(`${period.from.slice(0, 10)}T00:00:00Z`); t <= last; t += 86_400_000) days.push(new Date(t).toISOString().slice(0, 10))
  return days
}

function pdds (pages: CdrPages): Map<number, number[]> {
  const out = new Map<number, number[]>()
  for (const row of pages.rows) {
    const id = Number(row.provider_id)
    const pdd = Number(row.pdd_out)
    if (!Number.isFinite(id) || id === 0 || !Number.isFinite(pdd) || pdd <= 0) continue
    const list = out.get(id)
    if (list === undefined) out.set(id, [pdd])
    else list.push(pdd)
  }
  return out
}

/** Fetches the detectors' input for a period; independent requests run concurrently. */
export async function scanAccount (api: Connexcs, query: ScanQuery): Promise<Scan> {
  const { period, previous } = query
  const minRate = query.minRate ?? 0.1
  const pddOf = (p: Period, more: readonly string[] = []): Promise<CdrPages> => cdrToEnd(api, { period: p, fields: ['provider_id', 'pdd_out', ...more] })
  const [carrierHours, destinations, customerDays, unidentified, zero, high, pddNow, before, pddBefore] = await Promise.all([
    fetchHourlyReport(api, { period, groupBy: ['provider_id'] }),
    fetchTrafficReport(api, { period, groupBy: ['customer_id', 'customer_card_dest_name', 'provider_id'] }),
    fetchTrafficReport(api, { period, groupBy: ['customer_id', 'dt'] }),
    // Customer 0: callers the switch matched to no customer (an unknown address or SIP user).
    fetchHourlyReport(api, { period, groupBy: [], customer_id: 0 }),
    // Zero-duration calls as every tool counts them (src/lib/callOutcome.ts).
    cdrToEnd(api, { period, fields: CALL_RECORD_FIELDS, rules: [{ field: 'duration', condition: '<=', data: ZERO_DURATION_MAX_S }] }),
    cdrToEnd(api, { period, fields: CALL_RECORD_FIELDS, rules: [{ field: 'customer_card_rate', condition: '>=', data: minRate }] }),
    previous === undefined && query.answeredFields === undefined ? undefined : pddOf(period, query.answeredFields),
    // By day too: which of its days carried traffic (a comparison with a period the account only partly traded in says so).
    previous === undefined ? undefined : fetchTrafficReport(api, { period: previous, groupBy: ['provider_id', 'dt'] }),
    previous === undefined ? undefined : pddOf(previous)
  ])
  const partial: string[] = []
  if (!carrierHours.available) partial.push(`carrier outages: not looked for: ${carrierHours.why}`)
  else if (!carrierHours.complete) partial.push('carrier outages: the hourly traffic report was cut at its row limit')
  if (!destinations.complete) partial.push('routing gaps: the traffic report by destination was cut at its row limit')
  if (!customerDays.complete) partial.push('traffic spikes: the traffic report by customer and day was cut at its row limit')
  if (!unidentified.available) partial.push(`unidentified callers: not counted by hour: ${unidentified.why}`)
  if (!zero.complete) partial.push(`zero-duration calls: the CDR was read in part (${zero.why ?? ''})`)
  if (!high.complete) partial.push(`high-cost bursts: the CDR was read in part (${high.why ?? ''})`)
  for (const p of [pddNow, pddBefore]) if (p !== undefined && !p.complete) partial.push(`carrier drift: post-dial delays were read in part (${p.why ?? ''})`)
  if (query.callLog === undefined) partial.push('no route, malformed and sequential numbers, authentication failures and unknown addresses: no call-log records (the call log is searched by number, Call-ID or IP only)')

  const answeredByCustomer: Record<number, number> = {}
  for (const r of customerDays.rows) answeredByCustomer[r.customer_id!] = (answeredByCustomer[r.customer_id!] ?? 0) + r.connected
  const zeroRecords = zero.rows.map(cdrCallRecord)
  const highRecords = high.rows.map(cdrCallRecord)
  const input: ScanInput = {
    period: { start: period.from, end: new Date(Date.parse(`${period.to.replace(' ', 'T')}Z`) + 1000).toISOString() },
    destinations: destinations.rows.map(r => ({ customer_id: r.customer_id!, provider_id: r.provider_id!, destination: r.customer_card_dest_name ?? '', attempts: r.attempts, connected: r.connected })),
    customerDays: customerDays.rows.map(r => ({ customer_id: r.customer_id!, day: String(r.dt).slice(0, 10), attempts: r.attempts })),
    days: daysOf(period),
    answeredByCustomer,
    zeroDurationCalls: zeroRecords,
    highCostCalls: highRecords,
    answeredCalls: [...zeroRecords, ...highRecords],
    ...(carrierHours.available
      ? { carrierHours: carrierHours.rows.map(r => ({ provider_id: r.provider_id!, hour: r.hour!, attempts: r.attempts, connected: r.connected })) }
      : {}),
    ...(unidentified.available
      ? { unidentifiedHours: unidentified.rows.map(r => ({ hour: r.hour!, attempts: r.attempts, connected: r.connected })) }
      : {}),
    ...(query.callLog === undefined ? {} : { callLog: query.callLog })
  }
  if (before !== undefined && pddNow !== undefined && pddBefore !== undefined) {
    const now = new Map<number, CarrierFigures>()
    for (const r of destinations.rows) {
      if (r.provider_id === 0) continue
      const c = now.get(r.provider_id!) ?? { provider_id: r.provider_id!, attempts: 0, connected: 0, pdd_ms: [] }
      c.attempts += r.attempts
      c.connected += r.connected
      now.set(r.provider_id!, c)
    }
    const [pNow, pBefore] = [pdds(pddNow), pdds(pddBefore)]
    const then = new Map<number, CarrierFigures>()
    for (const r of before.rows) {
      if (r.provider_id === 0) continue
      const c = then.get(r.provider_id!) ?? { provider_id: r.provider_id!, attempts: 0, connected: 0, pdd_ms: pBefore.get(r.provider_id!) ?? [] }
      c.attempts += r.attempts
      c.connected += r.connected
      then.set(r.provider_id!, c)
    }
    input.carriers = {
      current: [...now.values()].map(c => ({ ...c, pdd_ms: pNow.get(c.provider_id) ?? [] })),
      previous: [...then.values()]
    }
    if (!before.complete) partial.push('carrier drift: the previous period\'s traffic report was cut at its row limit')
  }
  const trips = carrierHours.round_trips + destinations.round_trips + customerDays.round_trips + unidentified.round_trips + zero.round_trips +
    high.round_trips + (pddNow?.round_trips ?? 0) + (before?.round_trips ?? 0) + (pddBefore?.round_trips ?? 0)
  const reports = { carrierHours, destinations, customerDays, unidentified, ...(before === undefined ? {} : { previous: before }) }
  const previousDays = before === undefined
    ? undefined
    : [...new Set(before.rows.filter(r => r.attempts > 0).map(r => String(r.dt ?? '').slice(0, 10)))].sort()
  const more = { ...(pddNow === undefined ? {} : { answered: pddNow }), ...(previousDays === undefined ? {} : { previousDays }) }
  return { input, reports, ...more, round_trips: trips, partial }
}
