import { attemptPopulation, callAnalytics, countedKpis, type AttemptRecord, type CountedKpis } from '../analysis/callAnalytics'
import { detectCarrierOutages, type AccountFinding } from '../analysis/detectors/index'
import { findingFacts, rankFindings, type Finding } from '../analysis/findings'
import { destinationsOfPrefix, type PrefixDestinations } from '../analysis/prefixDestinations'
import { withDocs } from '../analysis/findingDocs'
import { trafficFindings } from '../analysis/trafficFindings'
import { carrierHealth, rankGroups, sumTraffic, type CarrierHealth, type TrafficTotals } from '../analysis/trafficTotals'
import { getCarrier, getCustomer } from '../connexcs/accounts'
import { LOG_RETENTION_DAYS, LOG_SEARCH_CAP, searchCallLogs } from '../connexcs/calls'
import { chargesByCurrency, prefixRules, type CdrRule } from '../connexcs/cdr'
import type { Connexcs } from '../connexcs/client'
import { limitConcurrency } from '../connexcs/concurrency'
import { listCarriers, listCustomers } from '../connexcs/customers'
import { getAllRules, listCards } from '../connexcs/rateCards'
import { cdrToEnd, fetchHourlyReport, fetchTrafficReport, type CdrPages, type ReportGroup, type ReportQuery, type ReportRow } from '../connexcs/reports'
import { isZeroDuration, OUTCOME_DEFINITIONS } from '../lib/callOutcome'
import { part, valueOf, type Part } from '../lib/parts'
import type { CallRouting } from '../connexcs/types'
import { describeRange, resolveRange, type DateRange } from '../lib/dates'
import { defineTool } from '../lib/defineTool'
import { invalidArgument, ToolError } from '../lib/errors'
import { formatCount, humanDuration, isoFromUnix } from '../lib/format'
import { clip } from '../lib/records'
import { nextStep, notFound, type NextStep, type ToolResult } from '../lib/result'
import { customerIdParam, digitsParam, endDateParam, providerIdParam, startDateParam } from '../lib/sharedParams'
import { resolveFilters } from './shared/accounts'

/** API requests in flight at once: the CDR database takes fewer than four concurrent queries. */
const MAX_IN_FLIGHT = 3
/** Log searches per question (a customer's or carrier's IPs). */
const MAX_TERMS = 3
const HOUR_BUCKET_MAX_DAYS = 2
/** Hourly rows of a slice by destination for at most this many days; longer ones go by day (outages need hours). */
const HOURLY_SLICE_MAX_DAYS = 7
/** Answered calls shorter than this count as short. */
const SHORT_CALL_S = 6
const DAY_S = 86_400
/** The CDR is read to the end up to this many rows (ten pages). */
const CDR_MAX_ROWS_READ = 50_000
/** Customer cards read to turn a prefix into destination names, and names queried (one report each). */
const MAX_CARDS = 20
const MAX_PREFIX_NAMES = 10
const DEFINITIONS = 'ASR = answered / attempts (one source for both); NER = (answered + busy, no answer, cancelled, declined) / attempts; ' +
  'ACD = billed seconds / answered calls; PDD = the customer\'s post-dial delay of answered calls (CDR pdd_in), median; ' +
  `answered = ${OUTCOME_DEFINITIONS.answered}; zero-duration = ${OUTCOME_DEFINITIONS.zero_duration}`

type GroupBy = 'day' | 'hour' | 'carrier' | 'customer' | 'destination'

interface Filters {
  customer_id?: number
  provider_id?: number
  /** Names of a customer or carrier given by name, for the answer. */
  customer_name?: string
  provider_name?: string
  destination?: string
  dest_prefix?: string
  cli?: string
}

/** The call log's attempts within the range and filters, and how much of them the log could give. */
interface LogAttempts {
  records: AttemptRecord[]
  /** Every attempt of the range is there: no search was capped and the range is within the log's days. */
  complete: boolean
  terms: string[]
  /** Why the records may be fewer than the attempts. */
  gaps: string[]
}

const text = (value: unknown): string => Array.isArray(value) ? value.flat(3).filter(v => v !== '').join(', ') : String(value ?? '')

function scopeOf (f: Filters): string {
  const parts = [
    f.customer_id === undefined ? undefined : `customer ${f.customer_name === undefined ? f.customer_id : `${f.customer_name} (${f.customer_id})`}`,
    f.provider_id === undefined ? undefined : `carrier ${f.provider_name === undefined ? f.provider_id : `${f.provider_name} (${f.provider_id})`}`,
    f.destination === undefined ? undefined : `destination "${f.destination}"`,
    f.dest_prefix === undefined ? undefined : `numbers ${f.dest_prefix}…`,
    f.cli === undefined ? undefined : `CLI ${f.cli}`
  ].filter(p => p !== undefined)
  return parts.length === 0 ? 'the account' : parts.join(', ')
}

/** The log search terms a question allows: the numbers asked for, else the customer's or carrier's IPs. */
async function logTerms (api: Connexcs, f: Filters): Promise<{ terms: string[], why?: string }> {
  if (f.destination !== undefined) return { terms: [], why: 'the call log cannot be filtered by destination name; give dest_prefix for failure codes' }
  if (f.cli !== undefined) return { terms: [f.cli] }
  // The log matches 3 digits or more anywhere in a number; shorter prefixes would match nothing.
  if (f.dest_prefix !== undefined) return f.dest_prefix.length >= 3 ? { terms: [f.dest_prefix] } : { terms: [], why: 'the call log needs at least 3 digits to search a prefix' }
  if (f.customer_id !== undefined) {
    const ips = (await getCustomer(api, f.customer_id))?.ips ?? []
    return ips.length === 0 ? { terms: [], why: 'the customer has no IPs to search the call log by' } : { terms: ips.slice(0, MAX_TERMS) }
  }
  if (f.provider_id !== undefined) {
    const ips = (await getCarrier(api, f.provider_id))?.ips ?? []
    return ips.length === 0 ? { terms: [], why: 'the carrier has no IPs to search the call log by' } : { terms: ips.slice(0, MAX_TERMS) }
  }
  return { terms: [], why: 'failure codes need the call log, which is searched by a number or IP: give cli, dest_prefix, customer_id or provider_id' }
}

/** Attempts of one call as the question counts them: the call itself, or each try of the carrier asked about. */
function attemptsOf (r: CallRouting, f: Filters): AttemptRecord[] {
  const time = r.start_time ?? Number.NaN
  if (f.provider_id !== undefined) {
    return (r.egress_routing ?? []).filter(e => e.provider_id === f.provider_id)
      .map(e => ({
        callid: r.callid, time, sip_code: e.sip_code ?? 0, sip_reason: e.sip_reason ?? null,
        provider: e.provider_id, customer: r.account_id ?? null, destination: r.dest_number ?? null
      }))
  }
  return [{
    callid: r.callid, time, sip_code: r.sip_code ?? 0, sip_reason: r.sip_reason ?? null, duration_s: r.ok?.duration ?? null,
    customer: r.account_id ?? null, provider: r.egress_routing?.at(-1)?.provider_id ?? 0, destination: r.dest_number ?? null
  }]
}

async function logAttempts (api: Connexcs, f: Filters, range: DateRange, nowS: number): Promise<LogAttempts> {
  const { terms, why } = await logTerms(api, f)
  if (terms.length === 0) return { records: [], complete: false, terms, gaps: [why!] }
  const results = await Promise.all(terms.map(term => searchCallLogs(api, term)))
  const from = Date.parse(`${range.start_date}T00:00:00Z`) / 1000
  const to = from + range.days * DAY_S
  const calls = new Map<string, CallRouting>()
  for (const entry of results.flat()) calls.set(entry.routing.callid, entry.routing)
  const cli = f.cli?.replace(/^\+/, '')
  const prefix = f.dest_prefix?.replace(/^\+/, '')
  const kept = [...calls.values()].filter(r => r.start_time !== undefined && r.start_time >= from && r.start_time < to &&
    (f.customer_id === undefined || r.account_id === f.customer_id) &&
    (f.provider_id === undefined || (r.egress_routing ?? []).some(e => e.provider_id === f.provider_id)) &&
    (cli === undefined || r.cli === cli) &&
    (prefix === undefined || (r.dest_number ?? '').startsWith(prefix)))
  const gaps: string[] = []
  results.forEach((entries, i) => {
    if (entries.length < LOG_SEARCH_CAP) return
    const oldest = Math.min(...entries.map(e => e.routing.start_time ?? nowS))
    if (oldest > from) gaps.push(`the search for ${terms[i]} stopped at the log's ${LOG_SEARCH_CAP} newest matches, which reach back to ${isoFromUnix(oldest)}`)
  })
  if (from < nowS - LOG_RETENTION_DAYS * DAY_S) gaps.push(`the call log keeps ${LOG_RETENTION_DAYS} days: attempts before ${isoFromUnix(nowS - LOG_RETENTION_DAYS * DAY_S)} are not in it`)
  return { records: kept.flatMap(r => attemptsOf(r, f)), complete: gaps.length === 0, terms, gaps }
}

/** A CDR row as the analytics read it: an answered call (src/lib/callOutcome.ts), whatever its duration. */
function cdrRecord (row: Readonly<Record<string, unknown>>): AttemptRecord {
  const dt = String(row.dt ?? '')
  return {
    time: Date.parse(`${dt.replace(' ', 'T')}Z`) / 1000,
    sip_code: 200,
    duration_s: row.duration === null || row.duration === undefined || row.duration === '' ? null : Number(row.duration),
    pdd_ms: row.pdd_in === null || row.pdd_in === undefined ? null : Number(row.pdd_in)
  }
}

/** The keys of every day or hour of the range that has begun by the clock, as the analytics name buckets. */
function periodsOf (range: DateRange, bucket: 'day' | 'hour', nowMs: number): string[] {
  const start = Date.parse(`${range.start_date}T00:00:00Z`)
  const step = bucket === 'day' ? DAY_S * 1000 : 3_600_000
  const keys: string[] = []
  for (let i = 0, t = start; i < (bucket === 'day' ? range.days : range.days * 24) && t <= nowMs; i++, t += step) {
    const iso = new Date(t).toISOString()
    keys.push(bucket === 'day' ? iso.slice(0, 10) : `${iso.slice(0, 13)}:00Z`)
  }
  return keys
}

/** The destinations a prefix stands for on the customer cards, and how much of the cards was read. */
interface PrefixNames extends PrefixDestinations {
  cards: number
  cards_read: number
  complete: boolean
}

/** Reads the customer (sell) cards' rules and names the destinations of `prefix`. */
async function prefixNames (api: Connexcs, prefix: string): Promise<PrefixNames> {
  const cards = (await listCards(api)).filter(c => c.provider_id === null || c.provider_id === undefined || c.provider_id === 0)
  const read = cards.slice(0, MAX_CARDS)
  const rules = await Promise.all(read.map(c => getAllRules(api, c.id, c.active_rev ?? 1)))
  return {
    ...destinationsOfPrefix(rules.flatMap(r => r.rules), prefix),
    cards: cards.length,
    cards_read: read.length,
    complete: cards.length === read.length && rules.every(r => r.complete)
  }
}

/** What the traffic report gave for the slice. */
interface ReportSource {
  /** Rows over time, by carrier (and destination when sliced by it): by hour when `hourly`, else by day. */
  time: ReportRow[]
  hourly: boolean
  /** Why there are no hourly rows, when there are none. */
  no_hours?: string
  /** Rows of the `group_by` dimension (carriers: with their destinations). */
  groups?: ReportRow[]
  /** False when a report was cut at its row limit, or a prefix's names could not all be counted. */
  complete: boolean
  prefix?: PrefixNames
  /** Names of the prefix that were counted (at most {@link MAX_PREFIX_NAMES}). */
  counted_names?: string[]
}

/** The report queries of a slice: one, or one per destination name of a prefix. */
function sliceQueries (f: Filters, range: DateRange, names: readonly string[] | undefined): Omit<ReportQuery, 'groupBy'>[] {
  const base = {
    period: { from: range.from, to: range.to },
    ...(f.customer_id === undefined ? {} : { customer_id: f.customer_id }),
    ...(f.provider_id === undefined ? {} : { provider_id: f.provider_id })
  }
  if (names !== undefined) return names.map(name => ({ ...base, destination: { match: 'equals' as const, name } }))
  return [{ ...base, ...(f.destination === undefined ? {} : { destination: { match: 'contains' as const, name: f.destination } }) }]
}

/** The traffic report of a slice: over time (hours when it can), and by the group asked for. */
async function fetchReport (api: Connexcs, f: Filters, range: DateRange, groupBy: GroupBy): Promise<ReportSource> {
  let prefix: PrefixNames | undefined
  let names: string[] | undefined
  if (f.dest_prefix !== undefined) {
    prefix = await prefixNames(api, f.dest_prefix.replace(/^\+/, ''))
    const wanted = f.destination?.toLowerCase()
    names = prefix.names.filter(n => wanted === undefined || n.toLowerCase().includes(wanted)).slice(0, MAX_PREFIX_NAMES)
  }
  const queries = sliceQueries(f, range, names)
  const byDest = f.destination !== undefined || names !== undefined
  const keys: Exclude<ReportGroup, 'hour' | 'dt'>[] = ['provider_id', ...(byDest ? ['customer_card_dest_name' as const] : [])]
  const hoursWanted = groupBy === 'hour' || !byDest || range.days <= HOURLY_SLICE_MAX_DAYS
  const groupCols: ReportGroup[] | undefined = groupBy === 'carrier'
    ? ['provider_id', 'customer_card_dest_name']
    : groupBy === 'customer' ? ['customer_id'] : groupBy === 'destination' ? ['customer_card_dest_name'] : undefined
  const all = async (groupCols: ReportGroup[]) => {
    const results = await Promise.all(queries.map(q => fetchTrafficReport(api, { ...q, groupBy: groupCols })))
    return { rows: results.flatMap(r => r.rows), complete: results.every(r => r.complete) }
  }
  const [hourly, groups] = await Promise.all([
    hoursWanted ? Promise.all(queries.map(q => fetchHourlyReport(api, { ...q, groupBy: keys }))) : undefined,
    groupCols === undefined ? undefined : all(groupCols)
  ])
  const exact = prefix === undefined || (prefix.complete && prefix.mixed.length === 0 && prefix.names.length <= MAX_PREFIX_NAMES)
  const base = {
    ...(groups === undefined ? {} : { groups: groups.rows }),
    ...(prefix === undefined ? {} : { prefix, counted_names: names! })
  }
  const groupsComplete = groups?.complete ?? true
  if (hourly !== undefined && hourly.every(h => h.available)) {
    const ok = hourly as Extract<(typeof hourly)[number], { available: true }>[]
    return { ...base, time: ok.flatMap(h => h.rows), hourly: true, complete: exact && groupsComplete && ok.every(h => h.complete) }
  }
  const days = await all([...keys, 'dt'])
  const why = hourly === undefined
    ? `a slice by destination over more than ${HOURLY_SLICE_MAX_DAYS} days is read by day`
    : (hourly.find(h => !h.available) as { why: string }).why
  return { ...base, time: days.rows, hourly: false, no_hours: why, complete: exact && groupsComplete && days.complete }
}

interface Sources {
  log: Part<LogAttempts>
  cdr: Part<CdrPages>
  /** Absent when the report cannot filter the slice (by CLI). */
  report?: Part<ReportSource>
  names: { customers: Map<number, string>, carriers: Map<number, string> }
}

async function fetchSources (api: Connexcs, f: Filters, range: DateRange, nowS: number, groupBy: GroupBy): Promise<Sources> {
  const report = f.cli !== undefined ? undefined : part(() => fetchReport(api, f, range, groupBy))
  const cdr = part(async () => {
    const rules: CdrRule[] = []
    if (f.customer_id !== undefined) rules.push({ field: 'customer_id', condition: '=', data: f.customer_id })
    if (f.provider_id !== undefined) rules.push({ field: 'provider_id', condition: '=', data: f.provider_id })
    if (f.cli !== undefined) rules.push({ field: 'dest_cli', condition: '=', data: f.cli.replace(/^\+/, '') })
    if (f.dest_prefix !== undefined) rules.push(...prefixRules('dest_number', f.dest_prefix.replace(/^\+/, '')))
    const fields = ['duration', 'pdd_in', 'customer_charge', 'customer_card_currency',
      ...(f.destination === undefined ? [] : ['customer_card_dest_name']), ...(groupBy === 'carrier' ? ['provider_id'] : [])]
    const pages = await cdrToEnd(api, { period: { from: range.from, to: range.to }, fields, rules, maxRows: CDR_MAX_ROWS_READ })
    if (f.destination === undefined) return pages
    // The CDR matches names exactly; a destination is any name containing the text, as the traffic report filters it.
    const wanted = f.destination.toLowerCase()
    return { ...pages, rows: pages.rows.filter(r => text(r.customer_card_dest_name).toLowerCase().includes(wanted)) }
  })
  const log = part(() => logAttempts(api, f, range, nowS))
  const [customers, carriers] = await Promise.all([
    groupBy === 'customer' ? part(() => listCustomers(api)) : undefined,
    groupBy === 'carrier' ? part(() => listCarriers(api)) : undefined
  ])
  const names = (p: Part<{ id: number, name?: string }[]> | undefined): Map<number, string> =>
    new Map(p?.ok === true ? p.value.filter(c => typeof c.name === 'string').map(c => [Number(c.id), c.name!]) : [])
  return {
    log: await log,
    cdr: await cdr,
    ...(report === undefined ? {} : { report: await report }),
    names: { customers: names(customers), carriers: names(carriers) }
  }
}

/** `getCallAnalytics`: the KPIs of a period's calls, each number from a stated source. */
export const getCallAnalytics = defineTool({
  name: 'getCallAnalytics',
  title: 'Call analytics',
  description: 'Traffic health of a slice over a period (max 31 days): attempts, answered, ASR, NER, ACD, PDD, failure codes, ' +
    'findings (outage, routing gap, short calls), by day or hour, or grouped by carrier (worst first), customer or destination ' +
    'with the rest summed. Filters: customer, carrier, destination name, number prefix of any length, CLI. Whole-period ' +
    'figures; each names its source and says when it is partial. For the whole switch use getSwitchHealthReport.',
  example: 'How did carrier 376 do yesterday, hour by hour? Any outage?',
  readOnly: true,
  selfTest: {
    needs: 'customer',
    args: ({ customer, weekAgo, today }) => ({ start_date: weekAgo, end_date: today, customer_id: customer.customer_id }),
    expect: { findings: 'array', sources: 'array' },
    mayFindNothing: true
  },
  params: {
    start_date: startDateParam('6 days before end_date (the last 7 days)'),
    end_date: endDateParam,
    customer_id: customerIdParam,
    provider_id: providerIdParam,
    destination: { type: 'string', description: 'Destination name or part of it, as rate cards name it: Cuba, United Kingdom - Mobile.', maxLength: 100 },
    dest_prefix: digitsParam('Dialled numbers starting with these digits, any length, e.g. 53 or 447 (3 digits or more for failure codes).'),
    cli: digitsParam('CLI presented (exact).'),
    group_by: {
      type: 'string',
      description: `day (default) or hour (periods of ${HOUR_BUCKET_MAX_DAYS} days at most) over time; or carrier (worst first), customer or destination, top N.`,
      enum: ['day', 'hour', 'carrier', 'customer', 'destination'],
      default: 'day'
    },
    top: { type: 'number', description: 'Groups listed with group_by carrier, customer or destination, 1-50 (default 10); the rest are summed.', min: 1, max: 50, integer: true, default: 10 }
  },
  async handler (args, ctx): Promise<ToolResult> {
    const nowS = Math.floor(ctx.nowMs / 1000)
    const range = resolveRange(args.start_date, args.end_date, ctx.nowMs, 7, 31)
    if (args.group_by === 'hour' && range.days > HOUR_BUCKET_MAX_DAYS) {
      throw invalidArgument('group_by', `group_by 'hour' takes periods of ${HOUR_BUCKET_MAX_DAYS} days at most; ${describeRange(range)} is ${range.days} days: use group_by 'day' or a shorter range`)
    }
    const who = await resolveFilters(ctx.api, args, { tool: 'getCallAnalytics', args })
    if (!who.ok) return who.answer
    const f: Filters = Object.fromEntries(Object.entries({
      customer_id: who.customer?.id, customer_name: who.customer?.name, provider_id: who.carrier?.id, provider_name: who.carrier?.name,
      destination: args.destination, dest_prefix: args.dest_prefix, cli: args.cli
    }).filter(([, v]) => v !== undefined))
    const groupBy = args.group_by as GroupBy
    const sources = await fetchSources(limitConcurrency(ctx.api, MAX_IN_FLIGHT), f, range, nowS, groupBy)
    // The call log is a source only when there was something to search it by.
    const searched = !sources.log.ok || sources.log.value.terms.length > 0
    const all = [...(searched ? [sources.log] : []), sources.cdr, ...(sources.report === undefined ? [] : [sources.report])]
    if (all.every(p => !p.ok)) throw (all[0] as { ok: false, error: Error }).error
    const traffic = analyseTraffic(sources, f, range, groupBy, args.top, ctx.nowMs)
    if ((traffic.attempts?.attempts ?? 0) === 0 && (traffic.answered?.attempts ?? 0) === 0) return noCalls(f, range, sources, all)
    return presentTraffic(traffic, sources, f, range, args)
  }
})

/** A carrier outage window as a traffic finding. */
function outageFinding (f: AccountFinding): Finding {
  return { code: 'outage', severity: f.severity, title: f.title, meaning: f.meaning, fix: f.action, evidence: [] }
}

/** A report row's period key, as the analytics name buckets: `YYYY-MM-DD` or `YYYY-MM-DDTHH:00Z`. */
function periodKey (row: ReportRow, bucket: 'day' | 'hour'): string {
  const time = String(row.hour ?? row.dt ?? '')
  return bucket === 'day' ? time.slice(0, 10) : `${time.slice(0, 10)}T${time.slice(11, 13)}:00Z`
}

/** The period's figures from the sources that answered: one population per ratio. */
function analyseTraffic (sources: Sources, f: Filters, range: DateRange, groupBy: GroupBy, top: number, nowMs: number) {
  const bucket = groupBy === 'hour' ? 'hour' : 'day'
  const log = valueOf(sources.log)
  const cdr = valueOf(sources.cdr)
  const report = sources.report === undefined ? undefined : valueOf(sources.report)
  const logStats = log === undefined || log.records.length === 0 ? undefined : callAnalytics(log.records, { bucket, shortCallS: SHORT_CALL_S })
  const cdrStats = cdr === undefined ? undefined : callAnalytics(cdr.rows.map(cdrRecord), { bucket, shortCallS: SHORT_CALL_S })
  // Hours are only keys of hourly rows; rows by day leave the hours to the CDR.
  const timeRows = report === undefined || (bucket === 'hour' && !report.hourly) ? undefined : report.time
  const counted: CountedKpis | undefined = report === undefined
    ? undefined
    : countedKpis((timeRows ?? report.time).map(r => ({
        period: periodKey(r, timeRows === undefined ? 'day' : bucket),
        attempts: r.attempts,
        connected: r.connected,
        duration_s: r.duration_s,
        refused: r.provider_id === 0 ? r.attempts - r.connected : 0
      })))
  const attempts = attemptPopulation(
    logStats === undefined ? undefined : { stats: logStats, complete: log!.complete, gaps: log!.gaps, perCarrier: f.provider_id !== undefined },
    counted === undefined ? undefined : { kpis: counted, complete: report!.complete })
  const answered = cdrStats?.totals
  const outages = report?.hourly === true
    ? detectCarrierOutages(report.time.map(r => ({ provider_id: r.provider_id ?? 0, hour: r.hour!, attempts: r.attempts, connected: r.connected })))
    : []
  const findings = rankFindings([...trafficFindings({
    scope: scopeOf(f),
    ...(logStats === undefined
      ? {}
      : { attempts: { attempts: logStats.totals.attempts, answered: logStats.totals.answered, failure_codes: logStats.failure_codes } }),
    ...(counted === undefined
      ? {}
      : { counted: { attempts: counted.totals.attempts, answered: counted.totals.answered, refused: counted.totals.refused } }),
    ...(answered === undefined
      ? {}
      : {
          answered: { calls: answered.attempts, zero_duration: answered.zero_duration, short_calls: answered.short_calls, short_call_s: SHORT_CALL_S }
        })
  }), ...outages.map(outageFinding)])

  // Rows per period: attempts from the population above where it has the period, answered calls from the CDR.
  const periods = new Map<string, Record<string, unknown>>()
  const row = (key: string): Record<string, unknown> => periods.get(key) ?? periods.set(key, { period: key }).get(key)!
  const shown = new Set(periodsOf(range, bucket, nowMs))
  if (groupBy === 'day' || groupBy === 'hour') {
    // A period without attempts in the population shows 0 (an outage shows as one), not a missing figure.
    const perPeriod = attempts?.source === 'call log' || (counted !== undefined && timeRows !== undefined)
    if (perPeriod) for (const key of shown) Object.assign(row(key), { attempts: 0, answered: 0, asr_pct: null })
    if (attempts?.source === 'call log') for (const b of logStats!.buckets) Object.assign(row(b.key), { attempts: b.attempts, answered: b.answered, asr_pct: b.asr_pct })
    else if (counted !== undefined && timeRows !== undefined) {
      for (const b of counted.buckets) Object.assign(row(b.key), { attempts: b.attempts, answered: b.answered, asr_pct: b.asr_pct })
    }
    // Every period of the range up to the clock is listed, so that a silent one shows as 0.
    for (const key of shown) Object.assign(row(key), { cdr_calls: 0 })
    for (const b of cdrStats?.buckets ?? []) Object.assign(row(b.key), { cdr_calls: b.answered, acd_s: b.acd_s, pdd_p50_ms: b.pdd_p50_ms })
  }
  const rows = [...periods.values()].filter(r => shown.has(String(r.period))).sort((a, b) => (String(a.period) < String(b.period) ? -1 : 1))
  const groups = report?.groups === undefined ? undefined : groupFigures(groupBy, report.groups, cdr, outages, top)
  return { bucket, groupBy, log, cdr, report, counted, attempts, answered, codes: logStats?.failure_codes, findings, rows, groups, outages, prefixDigits: f.dest_prefix?.replace(/^\+/, '') }
}

type Traffic = ReturnType<typeof analyseTraffic>

/** A group's figures, compact. */
function groupRow (t: TrafficTotals) {
  return { attempts: t.attempts, answered: t.connected, asr_pct: t.asr_pct, acd_s: t.acd_s, minutes: t.minutes, revenue: t.revenue }
}

/**
 * The groups asked for, top N and the rest summed. Carriers rank worst first: those with an outage
 * window first, then by ASR below what the account gets on the same destinations; customers and
 * destinations by attempts.
 */
function groupFigures (groupBy: GroupBy, rows: ReportRow[], cdr: CdrPages | undefined, outages: AccountFinding[], top: number) {
  if (groupBy === 'carrier') {
    const pdd: Record<number, number[]> = {}
    for (const r of cdr?.rows ?? []) {
      const id = Number(r.provider_id)
      const v = Number(r.pdd_in)
      if (Number.isFinite(id) && id !== 0 && Number.isFinite(v) && v > 0) (pdd[id] ??= []).push(v)
    }
    const carried = rows.filter(r => (r.provider_id ?? 0) !== 0)
    const health = carrierHealth(carried.map(r => ({ provider_id: r.provider_id!, destination: r.customer_card_dest_name ?? '', attempts: r.attempts, connected: r.connected, duration_s: r.duration_s })), { pdd_ms: pdd })
    const down = new Map(outages.map(o => [o.subject.provider_id, o]))
    const ranked = health.map((c, i) => ({ c, i }))
      .sort((a, b) => Number(down.has(b.c.provider_id)) - Number(down.has(a.c.provider_id)) || a.i - b.i)
      .map(x => x.c)
    const kept = ranked.slice(0, top)
    const restIds = new Set(ranked.slice(top).map(c => c.provider_id))
    return {
      by: 'carrier' as const,
      ranked: 'worst first: carriers with an outage window first, then by ASR gap (the carrier\'s ASR less the account\'s on the same destinations, weighted by its attempts)',
      top: kept.map((c: CarrierHealth) => ({
        provider_id: c.provider_id,
        attempts: c.attempts,
        answered: c.connected,
        asr_pct: c.asr_pct,
        expected_asr_pct: c.expected_asr_pct,
        asr_gap_points: c.asr_gap_points,
        acd_s: c.acd_s,
        pdd_p50_ms: c.pdd_p50_ms,
        ...(down.has(c.provider_id) ? { outage: down.get(c.provider_id)!.window } : {}),
        ...(c.enough_data ? {} : { enough_data: false })
      })),
      rest: { groups: restIds.size, ...groupRow(sumTraffic(carried.filter(r => restIds.has(r.provider_id!)))) },
      refused_before_carrier: rows.filter(r => (r.provider_id ?? 0) === 0).reduce((s, r) => s + r.attempts - r.connected, 0),
      // Calls answered by an application on the switch (Class 5) reach no carrier either.
      answered_on_switch: rows.filter(r => (r.provider_id ?? 0) === 0).reduce((s, r) => s + r.connected, 0)
    }
  }
  const keyOf = (r: ReportRow): string | number => groupBy === 'customer' ? r.customer_id ?? 0 : r.customer_card_dest_name ?? ''
  const ranked = rankGroups(rows, keyOf, 'attempts', top)
  return {
    by: groupBy,
    ranked: 'most attempts first',
    top: ranked.top.map(g => ({ [groupBy === 'customer' ? 'customer_id' : 'destination']: g.key === '' ? '(no card rule)' : g.key, ...groupRow(g.totals) })),
    rest: { groups: ranked.rest.groups, ...groupRow(ranked.rest) }
  }
}

/** The sources that failed, other than "not found" (an unknown customer has no IPs to search by: that is an answer). */
function failures (all: Part<unknown>[]): ToolError[] {
  return all.filter((p): p is { ok: false, error: ToolError } => !p.ok && p.error.type !== 'not_found').map(p => p.error)
}

const SOURCE_NAMES = ['call log', 'CDR', 'traffic report']

/** The first sentence of an answer some of whose sources failed: which, and why. */
function failureSentence (sources: Sources): string {
  const all = [sources.log, sources.cdr, ...(sources.report === undefined ? [] : [sources.report])]
  const failed = all.map((p, i) => ({ p, name: SOURCE_NAMES[i]! })).filter(x => !x.p.ok && x.p.error.type !== 'not_found')
  if (failed.length === 0) return ''
  return `Partial: the ${failed.map(x => `${x.name} could not be read (${clip((x.p as { ok: false, error: Error }).error.message, 140)})`).join('; the ')}. `
}

/** Nothing matched in any source that answered: a normal answer, with what to check; never when a source failed. */
function noCalls (f: Filters, range: DateRange, sources: Sources, all: Part<unknown>[]): ToolResult {
  const failedNow = failures(all)
  const notFoundErrors = all.filter(p => !p.ok && p.error.type === 'not_found').map(p => (p as { ok: false, error: Error }).error.message)
  const check = 'Check the filters: customer and carrier ids are numeric, destination is part of a rate card\'s destination name, dest_prefix the first digits of the number as dialled.'
  const prefix = valueOf(sources.report ?? { ok: false, error: new ToolError('internal', '') })?.prefix
  const prefixNote = prefix !== undefined && prefix.names.length === 0
    ? ` No destination on the ${prefix.cards_read} customer cards read has all its numbers starting ${f.dest_prefix}.`
    : ''
  if (failedNow.length > 0) {
    // Not "nothing found": a source that might hold the calls could not be read.
    return {
      summary: `${failureSentence(sources)}The sources that answered have no calls for ${scopeOf(f)} in ${describeRange(range)}.`,
      why: `A source failed, so this is not "no calls": retry, or narrow the question. ${check}`,
      range: { start_date: range.start_date, end_date: range.end_date },
      filters: f,
      next_steps: []
    }
  }
  return notFound(`No calls for ${scopeOf(f)} in ${describeRange(range)}.`,
    `No attempt in the traffic report or the call log and no answered call in the CDR matched.${prefixNote} ${check}` +
    (notFoundErrors.length === 0 ? '' : ` Some sources failed: ${notFoundErrors.join('; ')}`),
    [nextStep('searchCallLogs', { search: f.dest_prefix ?? f.cli ?? '' }, 'Look at individual calls in the log.')].filter(s => String(s.args.search).length >= 3),
    { range: { start_date: range.start_date, end_date: range.end_date }, filters: f })
}

/** Where each figure came from, and how much of the period it covers. */
function sourceNotes (t: Traffic, sources: Sources): string[] {
  const { log, cdr, counted, report } = t
  const useLog = t.attempts?.source === 'call log'
  const notes: string[] = []
  const failure = (p: Part<unknown>): string => p.ok ? '' : p.error.message
  if (!sources.log.ok) notes.push(`call log: failed: ${failure(sources.log)}`)
  else if (log!.records.length === 0) notes.push(`call log: nothing read${log!.gaps.length === 0 ? '' : `: ${log!.gaps.join('; ')}`}`)
  else notes.push(`call log: ${formatCount(log!.records.length)} attempts with their SIP codes${useLog ? '' : ' (failure codes only)'}: ${log!.complete ? 'every attempt of the period' : `a lower bound: ${log!.gaps.join('; ')}`}`)
  if (sources.report === undefined) notes.push('traffic report: not used: it cannot filter by CLI')
  else if (!sources.report.ok) notes.push(`traffic report: failed: ${failure(sources.report)}`)
  else {
    const prefix = report!.prefix
    const names = prefix === undefined
      ? ''
      : ` of ${report!.counted_names!.length === 0 ? 'no destination' : report!.counted_names!.join(', ')} (the destinations whose numbers all start ${t.prefixDigits})` +
        `${prefix.mixed.length === 0 ? '' : `; not counted, as they also rate other numbers: ${prefix.mixed.slice(0, 5).join(', ')}`}` +
        `${prefix.broader.length === 0 ? '' : `; ${prefix.broader.slice(0, 3).map(b => `${b.name} (${b.prefix})`).join(', ')} rate the prefix's numbers no longer rule covers, not counted`}` +
        `${prefix.names.length > MAX_PREFIX_NAMES ? `; the first ${MAX_PREFIX_NAMES} of ${prefix.names.length} destinations only` : ''}` +
        `${prefix.cards_read < prefix.cards ? `; ${prefix.cards_read} of ${prefix.cards} customer cards read` : ''}`
    notes.push(`traffic report: ${formatCount(counted!.totals.attempts)} carrier tries, ${formatCount(counted!.totals.answered)} connected${names}` +
      `${useLog ? ' (not used for the ratios: the call log has every attempt)' : ''}${report!.complete ? '' : ': a lower bound (a report was cut at its row limit, or a destination could not be counted)'}` +
      `${report!.hourly ? '' : `; by day, not by hour: ${report!.no_hours}`}`)
  }
  if (!sources.cdr.ok) notes.push(`CDR: failed: ${failure(sources.cdr)}`)
  else notes.push(`CDR: ${formatCount(cdr!.rows.length)} answered calls (ACD, PDD, short calls)${cdr!.complete ? ', every one of the period' : `: read in part (${cdr!.why ?? ''}); narrow the range or add a filter`}`)
  return notes
}

function trafficSummary (t: Traffic, f: Filters, range: DateRange, sources: Sources): string {
  const { attempts, answered, cdr, log, codes, findings, groups } = t
  const top = (codes ?? []).slice(0, 3).map(c => `${c.code} ${c.reason} (${c.count})`.replace(/\s+\(/, ' ('))
  const first = groups?.top[0] as Record<string, unknown> | undefined
  const name = (id: unknown, names: Map<number, string>): string => names.has(Number(id)) ? `${names.get(Number(id))} (${String(id)})` : String(id)
  const groupText = first === undefined
    ? ''
    : groups!.by === 'carrier'
      ? `Worst carrier: ${name(first.provider_id, sources.names.carriers)}, ASR ${first.asr_pct ?? '–'} % against ${first.expected_asr_pct ?? '–'} % for the same destinations` +
      `${first.outage === undefined ? '' : `, outage from ${(first.outage as { start: string }).start} to ${(first.outage as { end: string }).end}`}.`
      : `Most attempts: ${groups!.by === 'customer' ? `customer ${name(first.customer_id, sources.names.customers)}` : String(first.destination)}, ` +
        `${formatCount(Number(first.attempts))} (ASR ${first.asr_pct ?? '–'} %).`
  return [
    `${failureSentence(sources)}${capitalise(scopeOf(f))}, ${describeRange(range)}:`,
    attempts === undefined
      ? 'attempts not counted (the call log had none to read, and the traffic report cannot filter by CLI);'
      : `${formatCount(attempts.attempts)}${attempts.complete ? '' : '+'} attempt${attempts.attempts === 1 && attempts.complete ? '' : 's'} (${attempts.source}), ` +
        `${formatCount(attempts.answered)} answered, ASR ${attempts.asr_pct ?? '–'} %${'ner_pct' in attempts ? `, NER ${attempts.ner_pct ?? '–'} %` : ''};`,
    answered === undefined
      ? 'answered calls unknown (the CDR could not be read).'
      : `${formatCount(answered.attempts)}${cdr!.complete ? '' : '+'} answered call${answered.attempts === 1 && cdr!.complete ? '' : 's'} in the CDR` +
        `${answered.acd_s === null ? '' : `, ACD ${humanDuration(answered.acd_s * 1000)}`}${answered.pdd_ms === null ? '' : `, PDD median ${humanDuration(answered.pdd_ms.p50)}`}.`,
    groupText,
    top.length === 0 ? '' : `Top failures${log!.complete ? '' : ` (in ${formatCount(log!.records.length)} attempts of the call log)`}: ${top.join(', ')}.`,
    findings[0] === undefined ? '' : `Finding: ${findings[0].title}.`
  ].filter(t => t !== '').join(' ')
}

function trafficSteps (t: Traffic, f: Filters, range: DateRange, args: Record<string, unknown>): NextStep[] {
  const { codes, cdr, findings, groupBy, groups } = t
  const steps: NextStep[] = []
  // The newest call of the most frequent failure that is not the called party's choice.
  const failing = codes?.find(c => c.kind !== 'user' && c.example_callid !== undefined)
  if (failing !== undefined) steps.push(nextStep('investigateCall', { callid: failing.example_callid }, `Why one of the ${failing.code} ${failing.reason} failures happened.`))
  const term = f.dest_prefix ?? f.cli
  if (term !== undefined && term.length >= 3 && codes !== undefined && codes.length > 0) steps.push(nextStep('searchCallLogs', { search: term }, 'The failed calls one by one, with their Call-IDs.'))
  const short = cdr?.rows.find(r => isZeroDuration(r.duration === null || r.duration === undefined ? undefined : Number(r.duration)) && typeof r.callid === 'string')
  if (findings.some(x => x.code === 'short_calls') && short !== undefined) steps.push(nextStep('investigateCall', { callid: String(short.callid) }, 'Who hung up one of the short calls, and how its audio was.'))
  const worst = groups?.by === 'carrier' ? (groups.top[0] as { provider_id?: number, outage?: { start: string } } | undefined) : undefined
  if (worst?.provider_id !== undefined && f.provider_id === undefined) {
    steps.push(nextStep('getCallAnalytics', {
      ...(args as Record<string, string | number>), provider_id: worst.provider_id, group_by: range.days <= HOUR_BUCKET_MAX_DAYS ? 'hour' : 'day',
      ...(worst.outage === undefined ? {} : { start_date: worst.outage.start.slice(0, 10), end_date: worst.outage.start.slice(0, 10), group_by: 'hour' })
    }, 'The worst carrier on its own, over time.'))
  }
  steps.push(nextStep('searchCdr', {
    start_date: range.start_date, end_date: range.end_date, customer_id: f.customer_id, provider_id: f.provider_id,
    cli: f.cli, dest_prefix: f.dest_prefix, limit: 10
  }, 'The answered calls themselves.'))
  if (groupBy === 'day' && range.days <= HOUR_BUCKET_MAX_DAYS) steps.push(nextStep('getCallAnalytics', { ...(args as Record<string, string | number>), group_by: 'hour' }, 'The same, hour by hour.'))
  return steps
}

/** The answer: summary, the population of each figure, failure codes, findings, the periods or groups, and where each came from. */
function presentTraffic (t: Traffic, sources: Sources, f: Filters, range: DateRange, args: Record<string, unknown>): ToolResult {
  const { attempts, answered, cdr, log, codes, groups } = t
  const named = groups === undefined
    ? undefined
    : {
        ...groups,
        top: groups.top.map((g: Record<string, unknown>) => {
          const id = groups.by === 'carrier' ? Number(g.provider_id) : groups.by === 'customer' ? Number(g.customer_id) : undefined
          const names = groups.by === 'carrier' ? sources.names.carriers : sources.names.customers
          return id !== undefined && names.has(id) ? { ...g, name: names.get(id) } : g
        })
      }
  return {
    summary: trafficSummary(t, f, range, sources),
    range: { start_date: range.start_date, end_date: range.end_date },
    filters: f,
    ...(attempts === undefined ? {} : { attempts }),
    ...(answered === undefined
      ? {}
      : {
          answered_calls: {
            source: 'CDR',
            complete: cdr!.complete,
            calls: answered.attempts,
            acd_s: answered.acd_s,
            minutes: answered.minutes,
            pdd_ms: answered.pdd_ms,
            zero_duration: answered.zero_duration,
            short_calls: answered.short_calls,
            short_call_pct: answered.short_call_pct,
            ...chargesOf(cdr!, t.report)
          }
        }),
    ...(codes === undefined
      ? { failure_codes_unavailable: log === undefined ? (sources.log.ok ? '' : sources.log.error.message) : log.gaps.join('; ') || 'no attempt in the call log matched the filters and the period' }
      : {
          failure_codes: {
            source: 'call log',
            complete: log!.complete,
            codes: codes.map(c => ({
              code: c.code, reason: c.reason, count: c.count, pct_of_attempts: c.pct_of_attempts, example_callid: c.example_callid
            }))
          }
        }),
    findings: t.findings.slice(0, 5).map(f => withDocs(findingFacts(f))),
    ...(named === undefined ? {} : { groups: named }),
    ...(t.groupBy === 'day' || t.groupBy === 'hour' ? { [`by_${t.bucket}`]: t.rows } : {}),
    sources: sourceNotes(t, sources),
    definitions: DEFINITIONS,
    next_steps: trafficSteps(t, f, range, args)
  }
}

/**
 * What the slice charged its customers, per currency: from every answered call when the CDR was
 * read whole (exact), else from the traffic report (whole, rounded per group), else the CDR's part.
 */
function chargesOf (cdr: CdrPages, report: ReportSource | undefined): { charges: Record<string, number>, charges_from?: string } {
  if (cdr.complete || report === undefined) return { charges: chargesByCurrency(cdr.rows), ...(cdr.complete ? {} : { charges_from: 'the CDR rows read (a lower bound)' }) }
  return { charges: sumTraffic(report.time).revenue, charges_from: 'the traffic report (the CDR was read in part)' }
}

function capitalise (t: string): string {
  return t.charAt(0).toUpperCase() + t.slice(1)
}
