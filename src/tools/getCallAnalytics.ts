import { attemptPopulation, callAnalytics, countedKpis, type AttemptRecord, type CallAnalytics, type CountedKpis } from '../analysis/callAnalytics'
import { findingFacts } from '../analysis/findings'
import { withDocs } from '../analysis/findingDocs'
import { trafficFindings } from '../analysis/trafficFindings'
import { getCarrier, getCustomer } from '../connexcs/accounts'
import { queryBreakout, type BreakoutQuery, type BreakoutRow } from '../connexcs/breakout'
import { LOG_RETENTION_DAYS, LOG_SEARCH_CAP, searchCallLogs } from '../connexcs/calls'
import { CDR_MAX_ROWS, chargesByCurrency, prefixRules, queryCdr, type CdrRow, type CdrRule } from '../connexcs/cdr'
import type { Connexcs } from '../connexcs/client'
import { part, valueOf, type Part } from '../lib/parts'
import type { CallRouting } from '../connexcs/types'
import { describeRange, resolveRange, type DateRange } from '../lib/dates'
import { defineTool } from '../lib/defineTool'
import { invalidArgument } from '../lib/errors'
import { formatCount, humanDuration, isoFromUnix } from '../lib/format'
import { nextStep, notFound, type NextStep, type ToolResult } from '../lib/result'
import { customerIdParam, digitsParam, endDateParam, providerIdParam, startDateParam } from '../lib/sharedParams'
import { resolveFilters } from './shared/accounts'

/** Log searches per question (a customer's or carrier's IPs). */
const MAX_TERMS = 3
/** Rows asked of the traffic report: days × carriers × destinations of a month fit. */
const BREAKOUT_ROWS = 10_000
const HOUR_BUCKET_MAX_DAYS = 2
/** Answered calls shorter than this count as short. */
const SHORT_CALL_S = 6
const DAY_S = 86_400
const DEFINITIONS = 'ASR = answered / attempts (one source for both); NER = (answered + busy, no answer, cancelled, declined) / attempts; ' +
  'ACD = billed seconds / answered calls (CDR); PDD = the customer\'s post-dial delay of answered calls (CDR pdd_in), median'

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

function cdrRecord (row: CdrRow): AttemptRecord {
  const dt = String(row.dt ?? '')
  return {
    time: Date.parse(`${dt.replace(' ', 'T')}Z`) / 1000,
    sip_code: 200,
    duration_s: Number(row.duration ?? 0),
    pdd_ms: row.pdd_in === null || row.pdd_in === undefined ? null : Number(row.pdd_in)
  }
}

/** The keys of every day or hour of the range, as the analytics name buckets. */
function periodsOf (range: DateRange, bucket: 'day' | 'hour'): string[] {
  const start = Date.parse(`${range.start_date}T00:00:00Z`)
  const step = bucket === 'day' ? DAY_S * 1000 : 3_600_000
  return Array.from({ length: bucket === 'day' ? range.days : range.days * 24 }, (_, i) => {
    const iso = new Date(start + i * step).toISOString()
    return bucket === 'day' ? iso.slice(0, 10) : `${iso.slice(0, 13)}:00Z`
  })
}

/** Every hour of the range with its answered calls (0 where none), for spotting silent hours. */
function hoursOf (analytics: CallAnalytics, range: DateRange): { hour: string, calls: number }[] {
  const counts = new Map(analytics.buckets.map(b => [b.key, b.answered]))
  return periodsOf(range, 'hour').map(hour => ({ hour, calls: counts.get(hour) ?? 0 }))
}

interface Sources {
  log: Part<LogAttempts>
  cdr: Part<{ rows: CdrRow[], complete: boolean }>
  breakout?: Part<{ rows: BreakoutRow[], names: string[], complete: boolean }>
}

async function fetchSources (api: Connexcs, f: Filters, range: DateRange, nowS: number): Promise<Sources> {
  const breakout = f.cli !== undefined || f.dest_prefix !== undefined
    ? undefined
    : part(async () => {
        const query: BreakoutQuery = {
          groupBy: ['dt', 'provider_id', ...(f.destination === undefined ? [] : ['customer_card_dest_name' as const])],
          sum: ['attempts', 'connected', 'duration'],
          filters: {
            dt: { type: 'inRange', filter: range.from, filterTo: range.to },
            ...(f.customer_id === undefined ? {} : { customer_id: { type: 'equals', filter: f.customer_id } }),
            ...(f.provider_id === undefined ? {} : { provider_id: { type: 'equals', filter: f.provider_id } }),
            ...(f.destination === undefined ? {} : { customer_card_dest_name: { type: 'contains', filter: f.destination } })
          },
          maxRows: BREAKOUT_ROWS
        }
        const rows = await queryBreakout(api, query)
        return { rows, names: [...new Set(rows.map(r => text(r.customer_card_dest_name)).filter(n => n !== ''))], complete: rows.length < BREAKOUT_ROWS }
      })
  const cdr = part(async () => {
    const rules: CdrRule[] = [{ field: 'dt', condition: '>=', data: range.from }, { field: 'dt', condition: '<=', data: range.to }]
    if (f.customer_id !== undefined) rules.push({ field: 'customer_id', condition: '=', data: f.customer_id })
    if (f.provider_id !== undefined) rules.push({ field: 'provider_id', condition: '=', data: f.provider_id })
    if (f.cli !== undefined) rules.push({ field: 'dest_cli', condition: '=', data: f.cli.replace(/^\+/, '') })
    if (f.dest_prefix !== undefined) rules.push(...prefixRules('dest_number', f.dest_prefix.replace(/^\+/, '')))
    // A destination name that the report resolves to one exact name is a CDR rule; several are filtered here.
    const resolved = f.destination === undefined ? undefined : await breakout
    const names = resolved?.ok === true ? resolved.value.names : []
    if (names.length === 1) rules.push({ field: 'customer_card_dest_name', condition: '=', data: names[0]! })
    const rows = await queryCdr(api, { field: ['dt', 'callid', 'duration', 'pdd_in', 'customer_card_dest_name', 'customer_charge', 'customer_card_currency'], where: { rules }, limit: CDR_MAX_ROWS, order: [{ field: 'dt', direction: 'DESC' }] })
    const complete = rows.length < CDR_MAX_ROWS
    if (f.destination === undefined || names.length === 1) return { rows, complete }
    const wanted = f.destination.toLowerCase()
    return { rows: rows.filter(r => text(r.customer_card_dest_name).toLowerCase().includes(wanted)), complete }
  })
  const log = part(() => logAttempts(api, f, range, nowS))
  return { log: await log, cdr: await cdr, ...(breakout === undefined ? {} : { breakout: await breakout }) }
}

/** `getCallAnalytics`: the KPIs of a period's calls, each number from a stated source. */
export const getCallAnalytics = defineTool({
  name: 'getCallAnalytics',
  title: 'Call analytics',
  description: 'Traffic health over a period (max 31 days): attempts, answered, ASR, NER, ACD, PDD, failure codes ranked, ' +
    'by day or hour, and findings (outage, routing gap, short calls). Use it for "how is customer, carrier or destination X ' +
    'doing?", not for one call. Filters: customer, carrier, destination name, number prefix, CLI. Each number names its ' +
    'source (call log, traffic report, CDR) and says when it is a lower bound.',
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
    dest_prefix: digitsParam('Dialled numbers starting with these digits, e.g. 447 (3 digits or more for failure codes).'),
    cli: digitsParam('CLI presented (exact).'),
    bucket: { type: 'string', description: `Break down by day, or by hour (periods of ${HOUR_BUCKET_MAX_DAYS} days at most).`, enum: ['day', 'hour'], default: 'day' }
  },
  async handler (args, ctx): Promise<ToolResult> {
    const nowS = Math.floor(ctx.nowMs / 1000)
    const range = resolveRange(args.start_date, args.end_date, ctx.nowMs, 7, 31)
    if (args.bucket === 'hour' && range.days > HOUR_BUCKET_MAX_DAYS) {
      throw invalidArgument('bucket', `bucket 'hour' takes periods of ${HOUR_BUCKET_MAX_DAYS} days at most; ${describeRange(range)} is ${range.days} days: use bucket 'day' or a shorter range`)
    }
    const who = await resolveFilters(ctx.api, args, { tool: 'getCallAnalytics', args })
    if (!who.ok) return who.answer
    const f: Filters = Object.fromEntries(Object.entries({
      customer_id: who.customer?.id, customer_name: who.customer?.name, provider_id: who.carrier?.id, provider_name: who.carrier?.name,
      destination: args.destination, dest_prefix: args.dest_prefix, cli: args.cli
    }).filter(([, v]) => v !== undefined))
    const bucket = args.bucket as 'day' | 'hour'
    const sources = await fetchSources(ctx.api, f, range, nowS)
    const all = [sources.log, sources.cdr, ...(sources.breakout === undefined ? [] : [sources.breakout])]
    if (all.every(p => !p.ok)) throw (all[0] as { ok: false, error: Error }).error
    const traffic = analyseTraffic(sources, f, range, bucket)
    if ((traffic.attempts?.attempts ?? 0) === 0 && (traffic.answered?.attempts ?? 0) === 0) return noCalls(f, range, all)
    return presentTraffic(traffic, sources, f, range, args)
  }
})

/** The period's figures from the sources that answered: one population per ratio, answered calls from the CDR. */
function analyseTraffic (sources: Sources, f: Filters, range: DateRange, bucket: 'day' | 'hour') {
  const log = valueOf(sources.log)
  const cdr = valueOf(sources.cdr)
  const report = sources.breakout === undefined ? undefined : valueOf(sources.breakout)
  const logStats = log === undefined || log.records.length === 0 ? undefined : callAnalytics(log.records, { bucket, shortCallS: SHORT_CALL_S })
  const cdrStats = cdr === undefined ? undefined : callAnalytics(cdr.rows.map(cdrRecord), { bucket, shortCallS: SHORT_CALL_S })
  const counted: CountedKpis | undefined = report === undefined
    ? undefined
    : countedKpis(report.rows.map(r => ({
        period: String(r.dt ?? '').slice(0, 10),
        attempts: Number(r.attempts ?? 0),
        connected: Number(r.connected ?? 0),
        duration_s: Number(r.duration ?? 0),
        refused: Number(r.provider_id ?? -1) === 0 ? Number(r.attempts ?? 0) : 0
      })))
  const attempts = attemptPopulation(
    logStats === undefined ? undefined : { stats: logStats, complete: log!.complete, gaps: log!.gaps, perCarrier: f.provider_id !== undefined },
    counted === undefined ? undefined : { kpis: counted, complete: report!.complete })
  const answered = cdrStats?.totals
  const findings = trafficFindings({
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
        }),
    ...(bucket === 'hour' && cdr?.complete === true && cdrStats !== undefined ? { hourly_answered: hoursOf(cdrStats, range) } : {})
  })

  // Rows per period: attempts from the population above where it has the period, answered calls from the CDR.
  const periods = new Map<string, Record<string, unknown>>()
  const row = (key: string): Record<string, unknown> => periods.get(key) ?? periods.set(key, { period: key }).get(key)!
  if (attempts?.source === 'call log') for (const b of logStats!.buckets) Object.assign(row(b.key), { attempts: b.attempts, answered: b.answered, asr_pct: b.asr_pct })
  else if (counted !== undefined && bucket === 'day') for (const b of counted.buckets) Object.assign(row(b.key), { attempts: b.attempts, answered: b.answered, asr_pct: b.asr_pct })
  // Every period of the range is listed, so that a silent one shows as 0.
  for (const key of periodsOf(range, bucket)) Object.assign(row(key), { cdr_calls: 0 })
  for (const b of cdrStats?.buckets ?? []) Object.assign(row(b.key), { cdr_calls: b.answered, acd_s: b.acd_s, pdd_p50_ms: b.pdd_p50_ms })
  const rows = [...periods.values()].sort((a, b) => (String(a.period) < String(b.period) ? -1 : 1))
  return { bucket, log, cdr, counted, attempts, answered, codes: logStats?.failure_codes, findings, rows }
}

type Traffic = ReturnType<typeof analyseTraffic>

/** Nothing matched in any source that answered: a normal answer, with what to check. */
function noCalls (f: Filters, range: DateRange, all: Part<unknown>[]): ToolResult {
  const failures = all.filter(p => !p.ok).map(p => (p as { ok: false, error: Error }).error.message)
  return notFound(`No calls for ${scopeOf(f)} in ${describeRange(range)}.`,
    'No attempt in the traffic report or the call log and no answered call in the CDR matched. Check the filters: customer and carrier ids are numeric, ' +
    'destination is part of a rate card\'s destination name, dest_prefix the first digits of the number as dialled.' +
    (failures.length === 0 ? '' : ` Some sources failed: ${failures.join('; ')}`),
    [nextStep('searchCallLogs', { search: f.dest_prefix ?? f.cli ?? '' }, 'Look at individual calls in the log.')].filter(s => s.args.search !== ''),
    { range: { start_date: range.start_date, end_date: range.end_date }, filters: f })
}

/** Where each figure came from, and how much of the period it covers. */
function sourceNotes (t: Traffic, sources: Sources): string[] {
  const { log, cdr, counted } = t
  const useLog = t.attempts?.source === 'call log'
  const notes: string[] = []
  const failure = (p: Part<unknown>): string => p.ok ? '' : p.error.message
  if (!sources.log.ok) notes.push(`call log: failed: ${failure(sources.log)}`)
  else if (log!.records.length === 0) notes.push(`call log: nothing read${log!.gaps.length === 0 ? '' : `: ${log!.gaps.join('; ')}`}`)
  else notes.push(`call log: ${formatCount(log!.records.length)} attempts with their SIP codes${useLog ? '' : ' (failure codes only)'}: ${log!.complete ? 'every attempt of the period' : `a lower bound: ${log!.gaps.join('; ')}`}`)
  if (sources.breakout === undefined) notes.push('traffic report: not used: it cannot filter by CLI or number prefix')
  else if (!sources.breakout.ok) notes.push(`traffic report: failed: ${failure(sources.breakout)}`)
  else {
    notes.push(`traffic report: ${formatCount(counted!.totals.attempts)} carrier tries, ${formatCount(counted!.totals.answered)} connected` +
      `${useLog ? ' (not used for the ratios: the call log has every attempt)' : ''}${sources.breakout.value.complete ? '' : `; cut at ${formatCount(BREAKOUT_ROWS)} rows`}`)
  }
  if (!sources.cdr.ok) notes.push(`CDR: failed: ${failure(sources.cdr)}`)
  else {
    notes.push(`CDR: ${formatCount(cdr!.rows.length)} answered calls (ACD, PDD, short calls)${cdr!.complete
      ? ''
      : `: the API returns at most ${formatCount(CDR_MAX_ROWS)} rows, so these are the newest ${formatCount(CDR_MAX_ROWS)} only (a lower bound); narrow the range or add a filter`}`)
  }
  return notes
}

function trafficSummary (t: Traffic, f: Filters, range: DateRange): string {
  const { attempts, answered, cdr, log, codes, findings } = t
  const top = (codes ?? []).slice(0, 3).map(c => `${c.code} ${c.reason} (${c.count})`.replace(/\s+\(/, ' ('))
  return [
    `${capitalise(scopeOf(f))}, ${describeRange(range)}:`,
    attempts === undefined
      ? 'attempts unknown'
      : `${formatCount(attempts.attempts)}${attempts.complete ? '' : '+'} attempt${attempts.attempts === 1 && attempts.complete ? '' : 's'} (${attempts.source}), ` +
        `${formatCount(attempts.answered)} answered, ASR ${attempts.asr_pct ?? '–'} %${'ner_pct' in attempts ? `, NER ${attempts.ner_pct ?? '–'} %` : ''};`,
    answered === undefined
      ? 'answered calls unknown (CDR failed).'
      : `${formatCount(answered.attempts)}${cdr!.complete ? '' : '+'} answered call${answered.attempts === 1 && cdr!.complete ? '' : 's'} in the CDR` +
        `${answered.acd_s === null ? '' : `, ACD ${humanDuration(answered.acd_s * 1000)}`}${answered.pdd_ms === null ? '' : `, PDD median ${humanDuration(answered.pdd_ms.p50)}`}.`,
    top.length === 0 ? '' : `Top failures${log!.complete ? '' : ` (in ${formatCount(log!.records.length)} attempts of the call log)`}: ${top.join(', ')}.`,
    findings[0] === undefined ? '' : `Finding: ${findings[0].title}.`
  ].filter(t => t !== '').join(' ')
}

function trafficSteps (t: Traffic, f: Filters, range: DateRange, args: Record<string, unknown>): NextStep[] {
  const { codes, cdr, findings, bucket } = t
  const steps: NextStep[] = []
  // The newest call of the most frequent failure that is not the called party's choice.
  const failing = codes?.find(c => c.kind !== 'user' && c.example_callid !== undefined)
  if (failing !== undefined) steps.push(nextStep('investigateCall', { callid: failing.example_callid }, `Why one of the ${failing.code} ${failing.reason} failures happened.`))
  const term = f.dest_prefix ?? f.cli
  if (term !== undefined && codes !== undefined && codes.length > 0) steps.push(nextStep('searchCallLogs', { search: term }, 'The failed calls one by one, with their Call-IDs.'))
  const short = cdr?.rows.find(r => Number(r.duration ?? 1) <= 1 && typeof r.callid === 'string')
  if (findings.some(x => x.code === 'short_calls') && short !== undefined) steps.push(nextStep('investigateCall', { callid: String(short.callid) }, 'Who hung up one of the short calls, and how its audio was.'))
  steps.push(nextStep('searchCdr', {
    start_date: range.start_date, end_date: range.end_date, customer_id: f.customer_id, provider_id: f.provider_id,
    cli: f.cli, dest_prefix: f.dest_prefix, limit: 10
  }, 'The answered calls themselves.'))
  if (bucket === 'day' && range.days <= HOUR_BUCKET_MAX_DAYS) steps.push(nextStep('getCallAnalytics', { ...(args as Record<string, string | number>), bucket: 'hour' }, 'The same, hour by hour.'))
  return steps
}

/** The answer: summary, the population of each figure, failure codes, findings, the periods, and where each came from. */
function presentTraffic (t: Traffic, sources: Sources, f: Filters, range: DateRange, args: Record<string, unknown>): ToolResult {
  const { attempts, answered, cdr, log, codes } = t
  return {
    summary: trafficSummary(t, f, range),
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
            charges: chargesByCurrency(cdr!.rows)
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
    [`by_${t.bucket}`]: t.rows,
    sources: sourceNotes(t, sources),
    definitions: DEFINITIONS,
    next_steps: trafficSteps(t, f, range, args)
  }
}

function capitalise (t: string): string {
  return t.charAt(0).toUpperCase() + t.slice(1)
}
