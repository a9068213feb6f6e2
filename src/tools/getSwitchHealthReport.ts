import { runDetectors, type AccountFinding } from '../analysis/detectors/index'
import { addressSearchTerms, callLogTerms, carrierCodes, cdrMargins, cdrMoney, healthReport, type HealthFacts, type HealthRow, type LogSearchTerm, type Rankings } from '../analysis/healthReport'
import type { Change } from '../analysis/trafficTotals'
import { dailyTrafficCharts } from '../analysis/xyChart'
import { scanAccount, type Scan } from '../connexcs/accountScan'
import { LOG_RETENTION_DAYS, LOG_SEARCH_CAP, searchCallLogs } from '../connexcs/calls'
import type { Connexcs } from '../connexcs/client'
import { limitConcurrency } from '../connexcs/concurrency'
import { listCarriers, listClis, listCustomers, listSwitchUsers } from '../connexcs/customers'
import { fetchAccountCurrency, logCallRecord } from '../connexcs/reports'
import type { CallRecord } from '../lib/callRecord'
import type { CallLogEntry, CallRouting } from '../connexcs/types'
import { dayOf, resolveRange } from '../lib/dates'
import { HARD_CAP_BYTES, utf8Length } from '../lib/bounded'
import { defineTool } from '../lib/defineTool'
import { invalidArgument } from '../lib/errors'
import { formatCount, formatMoney, humanDuration, isoFromUnix, plural } from '../lib/format'
import { part, valueOf, type Part } from '../lib/parts'
import { clip } from '../lib/records'
import { nextStep, notFound, type NextStep, type ToolResult } from '../lib/result'
import { endDateParam, startDateParam } from '../lib/sharedParams'

const DAY_MS = 86_400_000
const MAX_DAYS = 31
/**
 * How findings are shown, most detail first: how many, how many say what they mean (every one has
 * its evidence and action) and how many name their detector's rule. The report takes the first
 * that keeps it within {@link REPORT_BYTES}, so the cap never has to cut it.
 */
const FINDING_LAYOUTS = [
  { max: 14, meaning: 5, threshold: 2 },
  { max: 14, meaning: 3, threshold: 0 },
  { max: 14, meaning: 1, threshold: 0 },
  { max: 10, meaning: 1, threshold: 0 },
  { max: 6, meaning: 0, threshold: 0 }
] as const
const REPORT_BYTES = HARD_CAP_BYTES - 1000
/** What the report reads of every answered call: post-dial delays, numbers (the commonest country codes) and exact money. */
const ANSWERED_FIELDS = ['pdd_in', 'dest_number', 'customer_charge', 'customer_card_currency', 'provider_charge', 'provider_card_currency']
/** Groups kept in the rankings by minutes, and by revenue (per currency) and failures. */
const TOP = 5
const TOP_OTHER = 3
/** API requests in flight at once: the CDR database takes fewer than four concurrent queries. */
const MAX_IN_FLIGHT = 3
/** What only the call log tells. */
const CALL_LOG_FINDINGS = 'no route per prefix, malformed and sequential numbers, authentication failures, addresses and carriers\' failure codes'
/** Addresses of refused calls searched for in a second round of the call log. */
const MAX_ADDRESS_SEARCHES = 3
/** Carriers listed; an account with more lists the worst. */
const MAX_CARRIERS = 15

/** The period a report covers, as the API takes it, and the one before it, as long. */
interface ReportPeriod {
  start_date: string
  end_date: string
  days: number
  /** `YYYY-MM-DD HH:MM:SS`, UTC, both included; `to` stops at the clock. */
  from: string
  to: string
  /** How it was asked for: `last_month`, `this_month`, `last_30_days` or `dates`. */
  asked: string
  previous: { start_date: string, end_date: string, from: string, to: string }
}

const sqlTime = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').slice(0, 19)
const msOf = (sql: string): number => Date.parse(`${sql.replace(' ', 'T')}Z`)

/** The period asked for: a named one, or dates (31 days at most); the default is the last full calendar month. */
function reportPeriod (args: { period?: string, start_date?: string, end_date?: string }, nowMs: number): ReportPeriod {
  const today = dayOf(nowMs)
  if (args.period !== undefined && (args.start_date !== undefined || args.end_date !== undefined)) {
    throw invalidArgument('period', `give either period ('${args.period}') or start_date/end_date, not both`)
  }
  let start: string
  let end: string
  const asked = args.start_date !== undefined || args.end_date !== undefined ? 'dates' : args.period ?? 'last_month'
  if (asked === 'dates') {
    const range = resolveRange(args.start_date, args.end_date, nowMs, 30, MAX_DAYS)
    if (range.start_date > today) throw invalidArgument('start_date', `start_date ${range.start_date} is after today (${today} UTC): there is no traffic yet`)
    start = range.start_date
    end = range.end_date
  } else if (asked === 'this_month') {
    start = `${today.slice(0, 7)}-01`
    end = today
  } else if (asked === 'last_30_days') {
    start = dayOf(nowMs - 29 * DAY_MS)
    end = today
  } else {
    const first = Date.parse(`${today.slice(0, 7)}-01T00:00:00Z`)
    start = dayOf(first - DAY_MS).slice(0, 7) + '-01'
    end = dayOf(first - DAY_MS)
  }
  const fromMs = Date.parse(`${start}T00:00:00Z`)
  const toMs = Math.min(Date.parse(`${end}T23:59:59Z`), Math.floor(nowMs / 1000) * 1000)
  const days = Math.round((Date.parse(`${end}T00:00:00Z`) - fromMs) / DAY_MS) + 1
  const shift = days * DAY_MS
  return {
    start_date: start,
    end_date: end,
    days,
    from: sqlTime(fromMs),
    to: sqlTime(toMs),
    asked,
    previous: { start_date: dayOf(fromMs - shift), end_date: dayOf(toMs - shift), from: sqlTime(fromMs - shift), to: sqlTime(toMs - shift) }
  }
}

/** The call log's entries for some searches, each search's own, and the searches that failed. */
interface LogSweep {
  terms: LogSearchTerm[]
  entries: Map<string, CallRouting>
  bySearch: Map<string, CallLogEntry[]>
  failed: { term: string, message: string }[]
  /** Searches that returned the log's cap: their matches reach back less far than the period. */
  capped: string[]
}

/** Runs the searches at once (adding to `into` when given); a failed search is named, not fatal. */
async function sweepCallLog (api: Connexcs, terms: LogSearchTerm[], into?: LogSweep): Promise<LogSweep> {
  const results = await Promise.all(terms.map(t => part(() => searchCallLogs(api, t.term))))
  const sweep: LogSweep = into ?? { terms: [], entries: new Map(), bySearch: new Map(), failed: [], capped: [] }
  sweep.terms.push(...terms)
  results.forEach((r, i) => {
    const term = terms[i]!.term
    if (!r.ok) {
      sweep.failed.push({ term, message: r.error.message })
      return
    }
    sweep.bySearch.set(term, r.value)
    if (r.value.length >= LOG_SEARCH_CAP) sweep.capped.push(term)
    for (const e of r.value) sweep.entries.set(e.routing.callid, e.routing)
  })
  return sweep
}

/** What the tool read, and what it made of it. */
interface Report {
  period: ReportPeriod
  scan: Scan
  facts: HealthFacts
  findings: AccountFinding[]
  ran: number
  skipped: { code: string, why: string }[]
  names: { customers: Map<number, string>, carriers: Map<number, string> }
  sweep: LogSweep | undefined
  records: CallRecord[]
  partial: string[]
  /** Sources that could not be read: the summary's first sentence names them. */
  failed: { what: string, message: string }[]
  currency: string | undefined
  /** Profit and margin per currency, when every answered call of the CDR was read. */
  margins: ReturnType<typeof cdrMargins> | undefined
}

/** A Call-ID for each routing gap, from a swept refusal of a customer whose only refused destination it is. */
function gapExamples (rows: readonly HealthRow[], records: readonly CallRecord[]): Record<string, string> {
  const refusedDests = new Map<number, Set<string>>()
  for (const r of rows) {
    if (r.provider_id !== 0 || r.destination === '' || r.attempts <= r.connected) continue
    refusedDests.set(r.customer_id, (refusedDests.get(r.customer_id) ?? new Set()).add(r.destination))
  }
  const examples: Record<string, string> = {}
  for (const rec of records.toSorted((a, b) => b.time - a.time)) {
    const dests = refusedDests.get(rec.customer_id ?? 0)
    if (dests?.size !== 1 || rec.sip_code !== 503 || !/\(U\)/.test(rec.sip_reason ?? '') || typeof rec.callid !== 'string') continue
    const [dest] = [...dests]
    examples[dest!] ??= rec.callid
  }
  return examples
}

async function buildReport (api: Connexcs, period: ReportPeriod, nowMs: number): Promise<Report> {
  const [scan, currency, customers, carriers, users, clis] = await Promise.all([
    // The call-log records come after (from searches the report points to), so none are given here.
    scanAccount(api, { period, previous: period.previous, answeredFields: ANSWERED_FIELDS, callLog: [] }),
    part(() => fetchAccountCurrency(api)),
    part(() => listCustomers(api)),
    part(() => listCarriers(api)),
    part(() => listSwitchUsers(api)),
    part(() => listClis(api))
  ])
  const partial = [...scan.partial]
  // Sources that failed: named first in the summary, and in partial with what they would have given.
  const failed: { what: string, message: string }[] = []
  const missing = (what: string, gives: string, p: Part<unknown>): void => {
    if (p.ok) return
    failed.push({ what, message: p.error.message })
    partial.push(`${what}: could not be read (${clip(p.error.message, 120)}): ${gives} are missing`)
  }
  missing('the customer list', 'customer names and the addresses to search the call log by', customers)
  missing('the carrier list', 'carrier names and addresses', carriers)
  missing('the SIP users', 'whether a failing username exists', users)
  missing('the CLIs', 'whose PBX a new address is', clis)
  missing('the account', 'its currency, and the margin', currency)
  const rows: HealthRow[] = scan.reports.destinations.rows.map(r => ({
    ...r, customer_id: r.customer_id ?? 0, provider_id: r.provider_id ?? 0, destination: r.customer_card_dest_name ?? ''
  }))
  const answered = scan.answered?.rows ?? []
  const pdd = Object.fromEntries((scan.input.carriers?.current ?? []).map(c => [c.provider_id, c.pdd_ms]))
  const input = {
    rows,
    previous: scan.reports.previous?.rows ?? [],
    dayRows: scan.reports.customerDays.rows.map(r => ({ day: String(r.dt ?? ''), attempts: r.attempts, connected: r.connected })),
    days: scan.input.days,
    pddInMs: answered.map(r => Number(r.pdd_in)),
    ...(scan.answered?.complete === true ? { money: cdrMoney(answered) } : {}),
    ...(valueOf(currency) === undefined ? {} : { accountCurrency: valueOf(currency)! }),
    top: TOP,
    topRevenue: TOP_OTHER
  }
  const first = healthReport({ ...input, carrierExtras: { pdd_ms: pdd } })

  // The call log keeps 14 days and is searched by number or IP: a few searches where the report points.
  const fromS = msOf(period.from) / 1000
  const toS = msOf(period.to) / 1000
  const logStart = nowMs / 1000 - LOG_RETENTION_DAYS * 86_400
  let sweep: LogSweep | undefined
  let records: CallRecord[] = []
  if (toS >= logStart) {
    const cliList = valueOf(clis) ?? []
    const terms = callLogTerms(rows, {
      customers: (valueOf(customers) ?? [])
        .map(c => ({ id: c.id, ips: c.ips ?? [], clis: cliList.filter(x => x.company_id === c.id).map(x => x.cli) })),
      carriers: (valueOf(carriers) ?? []).map(c => ({ id: c.id, ips: c.ips ?? [] }))
    }, answered.map(r => String(r.dest_number ?? '')), first.carriers.filter(c => c.enough_data && (c.asr_gap_points ?? 0) < 0).map(c => c.provider_id))
    sweep = await sweepCallLog(api, terms)
    const ofPeriod = (s: LogSweep): CallRecord[] =>
      [...s.entries.values()].filter(r => (r.start_time ?? 0) >= fromS && (r.start_time ?? 0) <= toS).map(r => logCallRecord(r))
    records = ofPeriod(sweep)
    // Callers matched to no customer are counted without their address: one of their calls met above names it, and a search by it finds the rest.
    const owned = [...(valueOf(customers) ?? []), ...(valueOf(carriers) ?? [])].flatMap(p => p.ips ?? [])
    const addresses = addressSearchTerms(records, owned, sweep.terms.map(t => t.term), MAX_ADDRESS_SEARCHES)
    if (addresses.length > 0) records = ofPeriod(await sweepCallLog(api, addresses, sweep))
  }
  const codes: Record<number, { code: number, reason: string, count: number }[]> = {}
  for (const t of sweep?.terms ?? []) {
    const found = sweep!.bySearch.get(t.term)
    if (t.provider_id === undefined || found === undefined) continue
    const tries = found.filter(e => (e.routing.start_time ?? 0) >= fromS && (e.routing.start_time ?? 0) <= toS)
      .flatMap(e => (e.routing.egress_routing ?? [])
        .map(x => ({ provider_id: x.provider_id ?? 0, sip_code: x.sip_code ?? 0, sip_reason: x.sip_reason ?? null })))
    codes[t.provider_id] = carrierCodes(tries, t.provider_id)
  }
  const facts = Object.keys(codes).length === 0 ? first : healthReport({ ...input, carrierExtras: { pdd_ms: pdd, codes } })
  const run = runDetectors({
    ...scan.input,
    ...(sweep === undefined ? {} : { callLog: records }),
    ...(users.ok ? { knownUsers: users.value.map(u => u.username) } : {}),
    ...(clis.ok ? { cliOwners: Object.fromEntries(clis.value.map(c => [c.cli, c.company_id])) } : {}),
    examples: gapExamples(rows, records),
    callLogFrom: new Date(logStart * 1000).toISOString()
  })
  if (sweep === undefined) {
    partial.push(`call-log findings: none of ${CALL_LOG_FINDINGS}: the call log keeps ${LOG_RETENTION_DAYS} days and the period ended before them`)
  } else {
    partial.push(`call-log findings: ${CALL_LOG_FINDINGS} come ` +
      `from ${plural(sweep.terms.length, 'search', 'searches')} of the call log (${formatCount(records.length)} attempts of the period), not every attempt: ` +
      `the log is searched by number or IP only, ${LOG_SEARCH_CAP} matches a search, ${LOG_RETENTION_DAYS} days` +
      `${fromS < logStart ? ` (it starts ${isoFromUnix(Math.ceil(logStart))})` : ''}`)
    for (const f of sweep.failed) {
      failed.push({ what: `the call-log search for ${f.term}`, message: f.message })
      partial.push(`the call-log search for ${f.term}: could not be read (${clip(f.message, 120)}): its calls are missing from the call-log findings`)
    }
    for (const t of sweep.terms) {
      if (t.why === 'unknown_address' && sweep.capped.includes(t.term)) {
        partial.push(`calls from ${t.term}: the search returned the log's cap (${LOG_SEARCH_CAP} matches): its count is the newest ${LOG_SEARCH_CAP}, there may be more`)
      }
    }
  }
  for (const f of run.findings) {
    if (f.code !== 'unauthorised_ip' || f.subject.source_ip !== undefined || !String(f.evidence.address).startsWith('unknown')) continue
    const read = sweep === undefined || String(f.evidence.address).includes('older')
      ? `they are older than the call log's ${LOG_RETENTION_DAYS} days`
      : `none of the ${plural(sweep.terms.length, 'call-log search', 'call-log searches')} met them (the log is searched by number, Call-ID or IP, not by time)`
    partial.push(`unknown addresses: ${plural(f.evidence.count as number, 'call')} matching no customer, ${f.window!.start} to ${f.window!.end}: ` +
      `the traffic report counts them without their address, and ${read}`)
  }
  partial.push('NER: not given for the period: it needs every attempt\'s final SIP code, which the traffic report lacks and only the call log has ' +
    '(searched, not listed); carrier_health gives each searched carrier\'s NER over its newest tries in the call log')
  const names = {
    customers: new Map((valueOf(customers) ?? []).filter(c => typeof c.name === 'string').map(c => [c.id, c.name!])),
    carriers: new Map((valueOf(carriers) ?? []).filter(c => typeof c.name === 'string').map(c => [c.id, c.name!]))
  }
  return {
    period, scan, facts, findings: run.findings, ran: run.ran.length, skipped: run.skipped, names, sweep, records, partial, failed,
    currency: valueOf(currency), margins: scan.answered?.complete === true ? cdrMargins(answered) : undefined
  }
}

const round2 = (m: Readonly<Record<string, number>>): Record<string, number> =>
  Object.fromEntries(Object.entries(m).map(([c, v]) => [c, Math.round(v * 100) / 100]))

/** `+1.2 points`, `-3.4 %`, or null. */
function changeText (c: Change): string | null {
  if (c.change === null) return null
  const sign = c.change > 0 ? '+' : ''
  return c.unit === 'points' ? `${sign}${c.change} points` : `${sign}${c.change} %`
}

function changeFacts (c: Change, money = false) {
  const shown = (v: number | null): number | null => v === null || !money ? v : Math.round(v * 100) / 100
  return { now: shown(c.current), previous: shown(c.previous), change: changeText(c) }
}

const who = (names: Map<number, string>, id: number): string => names.has(id) ? `${names.get(id)} (${id})` : String(id)

/**
 * A finding's title with names: the analysis knows ids only ("Carrier 376 connected 0 of 18…"),
 * a manager reading the report knows names ("Carrier Crown Fixed Lines (376) connected…").
 */
function titleOf (f: AccountFinding, r: Report): string {
  return f.title.replace(/\b([Cc]ustomer|[Cc]arrier) (\d+)\b(?! \()/g, (whole, kind: string, id: string) => {
    const names = kind.toLowerCase() === 'customer' ? r.names.customers : r.names.carriers
    return names.has(Number(id)) ? `${kind} ${who(names, Number(id))}` : whole
  })
}

/** A finding's subject in words, with names. */
function subjectText (f: AccountFinding, r: Report): string {
  const s = f.subject
  const parts = [
    s.customer_id === undefined ? undefined : `customer ${who(r.names.customers, s.customer_id)}`,
    s.provider_id === undefined ? undefined : `carrier ${who(r.names.carriers, s.provider_id)}`,
    s.destination, s.prefix === undefined ? undefined : `${s.prefix}…`, s.cli === undefined ? undefined : `CLI ${s.cli}`,
    s.username === undefined ? undefined : `user ${s.username}`, s.source_ip
  ].filter(p => p !== undefined)
  return parts.join(', ')
}

/** Evidence without long lists. */
function shortEvidence (evidence: AccountFinding['evidence']): AccountFinding['evidence'] {
  return Object.fromEntries(Object.entries(evidence).map(([k, v]) => [k, Array.isArray(v) && v.length > 5 ? [...v.slice(0, 5), `+${v.length - 5}`] : v]))
}

/** A finding as the report shows it: every one with its evidence and action; the first ones also say what it means and their rule. */
function findingFacts (f: AccountFinding, r: Report, withMeaning: boolean, withThreshold: boolean) {
  const about = subjectText(f, r)
  return {
    severity: f.severity,
    code: f.code,
    ...(about === '' ? {} : { about }),
    title: titleOf(f, r),
    ...(withMeaning ? { meaning: f.meaning } : {}),
    action: f.action,
    evidence: shortEvidence(f.evidence),
    ...(f.example_callid === undefined ? {} : { example_callid: f.example_callid }),
    ...(f.window === undefined ? {} : { window: f.window }),
    ...(withThreshold ? { threshold: f.threshold } : {})
  }
}

/** Profit and margin per currency, of the calls sold and bought in it. */
function marginTable (m: ReturnType<typeof cdrMargins>) {
  const same = m.calls - m.mixed_calls
  const r2 = (v: number): number => Math.round(v * 100) / 100
  return {
    of: `calls sold and bought in one currency (${formatCount(same)} of ${formatCount(m.calls)} answered)` +
      (m.mixed_calls === 0 ? '' : `; the ${formatCount(m.mixed_calls)} others are in profit only (the platform converts them)`),
    columns: ['currency', 'calls', 'revenue', 'cost', 'profit', 'margin_pct'],
    rows: m.currencies.map(c => [c.currency, c.calls, r2(c.revenue), r2(c.cost), r2(c.profit), c.margin_pct])
  }
}

/** Money for a table cell: `GBP 12.30`, several currencies joined. */
function money (byCurrency: Readonly<Record<string, number>>): string {
  return Object.keys(byCurrency).length === 0 ? '' : formatMoney(byCurrency)
}

/** A ranking as lists of keys and one table of the groups they name (each group once). */
function rankingFacts (ranking: Rankings, names?: Map<number, string>) {
  const label = (key: number | string): string | number => key === '' ? '(no card rule)' : key
  return {
    of: ranking.groups,
    by_minutes: ranking.by_minutes.map(label),
    by_revenue: Object.fromEntries(Object.entries(ranking.by_revenue).map(([c, keys]) => [c, keys.map(label)])),
    by_failures: ranking.by_failures.map(label),
    columns: [names === undefined ? 'destination' : 'id', ...(names === undefined ? [] : ['name']), 'attempts', 'answered', 'asr_pct', 'acd_s', 'minutes', 'revenue'],
    rows: ranking.figures.map(g => [
      label(g.key), ...(names === undefined ? [] : [names.get(g.key as number) ?? '']), g.attempts, g.answered, g.asr_pct, g.acd_s, g.minutes, money(g.revenue)
    ])
  }
}

/** Every carrier's health as a table, worst first: carriers with a finding, then by ASR below what the account gets on the same destinations. */
function carrierTable (r: Report) {
  const flagged = new Map<number, AccountFinding>()
  for (const f of r.findings) if (f.subject.provider_id !== undefined && !flagged.has(f.subject.provider_id)) flagged.set(f.subject.provider_id, f)
  const rank = (id: number): number => flagged.get(id)?.severity === 'critical' ? 0 : flagged.has(id) ? 1 : 2
  const carriers = r.facts.carriers.map((c, i) => ({ c, i })).sort((a, b) => rank(a.c.provider_id) - rank(b.c.provider_id) || a.i - b.i).map(x => x.c)
  return {
    ranked: 'carriers with a finding first, then by asr_gap_points (its ASR less the expected ASR)',
    columns: ['provider_id', 'name', 'attempts', 'asr_pct', 'expected_asr_pct', 'asr_gap_points', 'acd_s', 'pdd_p50_ms', 'finding', 'failure_codes'],
    ...(carriers.length > MAX_CARRIERS ? { omitted: carriers.length - MAX_CARRIERS } : {}),
    rows: carriers.slice(0, MAX_CARRIERS).map(c => [
      c.provider_id, r.names.carriers.get(c.provider_id) ?? '', c.attempts, c.asr_pct, c.expected_asr_pct, c.asr_gap_points, c.acd_s, c.pdd_p50_ms,
      flagged.get(c.provider_id)?.code ?? (c.enough_data ? '' : 'too few attempts to judge'),
      c.ner_attempts === 0
        ? ''
        : `${c.failure_codes.map(x => `${x.code} ${x.reason} ×${x.count}`.replace(/\s+×/, ' ×')).join(', ') || 'none'} (NER ${c.ner_pct ?? '–'} % of its newest ${c.ner_attempts} tries in the call log)`
    ])
  }
}

/** The previous period's days with traffic, when it had traffic on fewer days than the period has (an account that began trading within it). */
function thinPrevious (r: Report): string[] | undefined {
  const days = r.scan.previousDays
  return days === undefined || r.facts.previous.attempts === 0 || days.length >= r.period.days ? undefined : days
}

function periodText (p: ReportPeriod): string {
  const until = p.to.endsWith('23:59:59') ? '' : `, to ${p.to.slice(11, 16)} UTC`
  return `${p.start_date} to ${p.end_date} (${plural(p.days, 'day')}${until})`
}

/** ` (margin EUR 8.45 %, USD -9.47 % on calls sold and bought in one currency)`, or nothing. */
function marginText (r: Report): string {
  const shown = (r.margins?.currencies ?? []).filter(c => c.margin_pct !== null)
  return shown.length === 0 ? '' : ` (margin ${shown.map(c => `${c.currency} ${c.margin_pct} %`).join(', ')} on calls sold and bought in one currency)`
}

function summaryOf (r: Report): string {
  const t = r.facts.totals
  const c = r.facts.change
  const thin = thinPrevious(r)
  const previous = r.facts.previous.attempts === 0
    ? 'no traffic in the previous period to compare with'
    : `ASR ${changeText(c.asr_pct) ?? 'unchanged'} and minutes ${changeText(c.minutes) ?? 'unchanged'} on the previous ${plural(r.period.days, 'day')}` +
      `${thin === undefined ? '' : ` (only ${thin.length} of which had traffic)`}`
  const critical = r.findings.filter(f => f.severity === 'critical').length
  const findings = r.findings.length === 0
    ? 'No findings: no detector found anything unusual.'
    : `${plural(r.findings.length, 'finding')}${critical === 0 ? '' : `, ${critical} critical`}: ${r.findings.slice(0, 3).map(f => clip(titleOf(f, r), 170)).join('; ')}` +
      `${r.findings.length > 3 ? '; …' : ''}.`
  const failures = r.failed.length === 0
    ? ''
    : `Partial: ${r.failed.map(f => f.what).join(', ')} could not be read (${clip(r.failed[0]!.message, 140)}).`
  return [
    failures,
    `Switch health, ${periodText(r.period)}: ${formatCount(t.connected)} answered calls of ${formatCount(t.attempts)} carrier attempts ` +
    `(ASR ${t.asr_pct ?? '–'} %), ${formatCount(t.minutes)} minutes${t.acd_s === null ? '' : `, ACD ${humanDuration(t.acd_s * 1000)}`}` +
    `${t.pdd_p50_ms === null ? '' : `, PDD median ${humanDuration(t.pdd_p50_ms)}`}; revenue ${formatMoney(t.revenue)}` +
    `${t.margin_pct !== null ? ` (margin ${t.margin_pct} %)` : marginText(r)}; ${plural(t.active_customers, 'active customer')}, ${plural(t.active_carriers, 'carrier')}; ${previous}.`,
    findings,
    r.partial.length === 0 ? '' : `Partial figures (see partial): ${r.partial.map(p => p.slice(0, p.indexOf(':') < 0 ? 60 : p.indexOf(':'))).join('; ')}.`
  ].filter(s => s !== '').join(' ')
}

function stepsOf (r: Report): NextStep[] {
  const steps: NextStep[] = []
  const add = (step: NextStep): void => {
    if (steps.length < 5 && !steps.some(s => JSON.stringify(s.args) === JSON.stringify(step.args) && s.tool === step.tool)) steps.push(step)
  }
  const range = { start_date: r.period.start_date, end_date: r.period.end_date }
  for (const f of r.findings) {
    if (f.example_callid !== undefined) add(nextStep('investigateCall', { callid: f.example_callid }, `One call of the ${f.code} finding.`))
    if (f.code === 'carrier_outage' && f.window !== undefined) {
      add(nextStep('getCallAnalytics', { provider_id: f.subject.provider_id, start_date: f.window.start.slice(0, 10), group_by: 'hour' }, 'The carrier hour by hour on the day of the outage.'))
    } else if (f.subject.source_ip !== undefined) {
      add(nextStep('searchCallLogs', { search: f.subject.source_ip }, 'The calls from that address.'))
    } else if (Array.isArray(f.evidence.addresses_in_call_log)) {
      add(nextStep('searchCallLogs', { search: String(f.evidence.addresses_in_call_log[0]) }, 'Calls from an address that matches no customer.'))
    } else if (f.subject.customer_id !== undefined) {
      add(nextStep('getCallAnalytics', { customer_id: f.subject.customer_id, ...range }, `Customer ${f.subject.customer_id}'s traffic over the period.`))
    }
  }
  add(nextStep('searchCdr', { ...range, sort_by: 'charge', limit: 10 }, 'The period\'s top revenue calls.'))
  add(nextStep('getCallAnalytics', { ...range, group_by: 'carrier' }, 'Every carrier\'s figures, worst first.'))
  return steps
}

/** The report in the most detailed layout that fits. */
function fitted (r: Report): ToolResult {
  let result: ToolResult | undefined
  for (const layout of FINDING_LAYOUTS) {
    result = present(r, layout)
    if (utf8Length(JSON.stringify(result)) <= REPORT_BYTES) break
  }
  return result!
}

function present (r: Report, layout: (typeof FINDING_LAYOUTS)[number]): ToolResult {
  const { facts } = r
  const t = facts.totals
  const charts = dailyTrafficCharts(facts.daily, 'Switch traffic')
  return {
    summary: summaryOf(r),
    period: {
      start_date: r.period.start_date, end_date: r.period.end_date, days: r.period.days, from: r.period.from, to: r.period.to,
      previous: { start_date: r.period.previous.start_date, end_date: r.period.previous.end_date, to: r.period.previous.to }
    },
    totals: {
      counts: 'carrier attempts: a call tried on two carriers counts twice, a call refused before any carrier once; answered calls are connected calls',
      attempts: t.attempts,
      answered: t.connected,
      failed: t.failed,
      asr_pct: t.asr_pct,
      acd_s: t.acd_s,
      pdd_p50_ms: t.pdd_p50_ms,
      minutes: t.minutes,
      refused_before_carrier: t.refused,
      active_customers: t.active_customers,
      active_carriers: t.active_carriers,
      revenue: round2(t.revenue),
      cost: round2(t.cost),
      profit: { amount: t.account_profit === null ? null : Math.round(t.account_profit * 100) / 100, currency: r.currency ?? 'the account\'s', margin_pct: t.margin_pct },
      ...(r.margins === undefined ? {} : { margin_by_currency: marginTable(r.margins) })
    },
    compared_with_previous: facts.previous.attempts === 0
      ? { previous_period: 'no traffic' }
      : {
          attempts: changeFacts(facts.change.attempts),
          answered: changeFacts(facts.change.connected),
          asr_pct: changeFacts(facts.change.asr_pct),
          acd_s: changeFacts(facts.change.acd_s),
          minutes: changeFacts(facts.change.minutes),
          profit: changeFacts(facts.change.account_profit, true),
          revenue: Object.fromEntries(Object.entries(facts.change.revenue).map(([cur, c]) => [cur, changeFacts(c, true)])),
          ...(thinPrevious(r) === undefined
            ? {}
            : {
                note: `the previous period had traffic on ${thinPrevious(r)!.length} of its ${r.period.days} days (from ${thinPrevious(r)![0]}): ` +
                  'the changes in counts, minutes and money are not like for like; ASR and ACD are'
              })
        },
    findings: r.findings.slice(0, layout.max).map((f, i) => findingFacts(f, r, i < layout.meaning, i < layout.threshold)),
    ...(r.findings.length > layout.max ? { findings_omitted: r.findings.slice(layout.max).map(f => `${f.severity} ${f.code}: ${clip(titleOf(f, r), 100)}`) } : {}),
    detectors: { ran: r.ran, ...(r.skipped.length === 0 ? {} : { skipped: r.skipped }) },
    charts: { attempts_per_day: charts.attempts, asr_per_day: charts.asr },
    top: {
      customers: rankingFacts(facts.top.customers, r.names.customers),
      carriers: rankingFacts(facts.top.carriers, r.names.carriers),
      destinations: rankingFacts(facts.top.destinations)
    },
    carrier_health: carrierTable(r),
    partial: r.partial,
    sources: [
      `traffic report (breakout-aggrid): totals, tops, carriers, days, outages, routing gaps, spikes, unidentified callers (${r.scan.round_trips} requests with the CDR)`,
      `CDR (POST cdr, paged to the end): ${formatCount(r.scan.answered?.rows.length ?? 0)} answered calls for revenue and cost, post-dial delays, ` +
      'zero-length and high-cost calls',
      r.sweep === undefined ? 'call log: not read' : `call log (GET log): ${r.sweep.terms.map(s => s.term).join(', ')}`
    ],
    definitions: 'ASR = answered / carrier attempts; ACD = seconds / answered calls; PDD = post-dial delay of answered calls, median: the customer\'s in totals, ' +
      'the carrier leg\'s in carrier_health; ' +
      'expected ASR = the account\'s ASR on the same destinations, weighted by the carrier\'s attempts; money per currency, never added across currencies',
    next_steps: stepsOf(r)
  }
}

/** `getSwitchHealthReport`: the whole account over a period, summary and findings first. */
export const getSwitchHealthReport = defineTool({
  name: 'getSwitchHealthReport',
  title: 'Switch health report',
  description: 'The whole switch over a period (default last calendar month; max 31 days): calls, minutes, ASR, ACD, PDD, ' +
    'revenue, cost and margin per currency against the previous period, top customers, carriers and destinations, every ' +
    'carrier\'s health worst first, daily Mermaid charts, and findings (outages, routing gaps, zero-duration calls, bad numbers, ' +
    'fraud, auth failures, unknown IPs) with evidence and the fix. For "give me a 30-day report".',
  example: 'Give me a 30-day report of the switch: traffic, revenue, and what needs fixing.',
  readOnly: true,
  selfTest: {
    // A week: the same work as a month on a quarter of the rows, so the self-test stays quick on a big account.
    args: ({ weekAgo, today }) => ({ start_date: weekAgo, end_date: today }),
    expect: { totals: 'object', findings: 'array', charts: 'object', carrier_health: 'object' },
    mayFindNothing: true
  },
  params: {
    period: { type: 'string', description: 'last_month (the default), this_month or last_30_days; or give start_date and end_date instead.', enum: ['last_month', 'this_month', 'last_30_days'] },
    start_date: startDateParam('the first day of last month'),
    end_date: endDateParam
  },
  async handler (args, ctx): Promise<ToolResult> {
    const period = reportPeriod(args, ctx.nowMs)
    const report = await buildReport(limitConcurrency(ctx.api, MAX_IN_FLIGHT), period, ctx.nowMs)
    if (report.facts.totals.attempts === 0) {
      return notFound(`No traffic on the switch in ${periodText(period)}.`,
        'The traffic report has no attempt in the period: the account carried no calls then (or the period is before its traffic began).',
        period.asked === 'last_30_days' ? [] : [nextStep('getSwitchHealthReport', { period: 'last_30_days' }, 'The last 30 days instead.')],
        { period: { start_date: period.start_date, end_date: period.end_date }, partial: report.partial })
    }
    return fitted(report)
  }
})
