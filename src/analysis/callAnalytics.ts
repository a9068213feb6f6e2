/**
 * Carrier KPIs over call attempts: ASR, ACD, NER, ISA, PDD percentiles, failure codes, short
 * and zero-duration calls, per day or hour and per customer, provider or destination.
 *
 * Definitions (voip-diagnostics §3.1; every result repeats them in `definitions`):
 * - attempts: the records given. Each is one attempt as the caller counts it: a call that cranked
 *   back through three carriers is one attempt for the customer and three for the carriers.
 * - answered: final SIP code 2xx (src/lib/callOutcome.ts, the one definition every tool counts with).
 * - ASR = answered / attempts × 100 (ITU-T E.411).
 * - ACD = Σ duration of answered calls / answered calls with a duration, in seconds.
 * - NER = (answered + user outcomes) / attempts × 100 (ITU-T E.425): the user outcomes are busy
 *   (486, 600), no answer or absent (480), caller abandoned (487) and declined (603): the network
 *   worked, the user did not take the call. This is RFC 6076's SEER set plus 487.
 * - ISA = attempts ending 408, 500, 503 or 504 / attempts × 100 (RFC 6076 §4.8): infrastructure failures.
 * - PDD percentiles by nearest rank over the attempts with a PDD above 0 (0 or none means not measured).
 * - zero-duration calls: answered with a duration of at most 1 s (FAS probes, instant hang-ups; src/lib/callOutcome.ts).
 * - short calls: answered with a duration under `shortCallS` (6 s by default), zero-duration included;
 *   their share is of the answered calls (SDC %).
 */
import { isAnsweredCode as isAnswered, isZeroDuration, OUTCOME_DEFINITIONS } from '../lib/callOutcome'
import { sipCodeInfo, type FailureKind } from './sipCodes'
import { pct, percentile, round } from './stats'

/** One call attempt, normalised from the call logs or the CDR. */
export interface AttemptRecord {
  /** The call's Call-ID, to name an example of a failure. */
  callid?: string | null
  /** Start of the attempt, unix seconds. */
  time: number
  /** The final SIP code; 2xx is an answer. 0 or missing means no final code. */
  sip_code: number
  sip_reason?: string | null
  /** Billable seconds of an answered call. */
  duration_s?: number | null
  pdd_ms?: number | null
  customer?: string | number | null
  provider?: string | number | null
  destination?: string | null
}

/** The KPIs of a set of attempts. */
export interface Kpis {
  attempts: number
  answered: number
  failed: number
  asr_pct: number | null
  acd_s: number | null
  ner_pct: number | null
  isa_pct: number | null
  /** Σ duration of answered calls / 60, 2 decimals. */
  minutes: number
  pdd_ms: { samples: number, avg: number, p50: number, p95: number } | null
  zero_duration: number
  short_calls: number
  short_call_pct: number | null
}

/** The KPIs of one bucket or group, compact. */
export interface SliceKpis {
  key: string
  attempts: number
  answered: number
  asr_pct: number | null
  acd_s: number | null
  ner_pct: number | null
  pdd_p50_ms: number | null
}

/** One failure code and how often it ended an attempt. */
export interface FailureCount {
  code: number
  /** The most frequent reason phrase given with it. */
  reason: string
  kind: FailureKind | 'none'
  count: number
  pct_of_failures: number
  pct_of_attempts: number
  /** The newest attempt that ended so, when the records carry Call-IDs. */
  example_callid?: string
}

/** Everything {@link callAnalytics} computes. Lists are capped; `*_omitted` says how much was left out. */
export interface CallAnalytics {
  totals: Kpis
  /** Most frequent first. */
  failure_codes: FailureCount[]
  failure_codes_omitted: number
  /** In time order. */
  buckets: SliceKpis[]
  buckets_omitted: number
  /** Most attempts first. */
  groups: SliceKpis[]
  groups_omitted: number
  definitions: Record<string, string>
}

/** Options of {@link callAnalytics}. */
export interface AnalyticsOptions {
  bucket?: 'day' | 'hour' | 'none'
  groupBy?: 'customer' | 'provider' | 'destination'
  shortCallS?: number
  maxFailureCodes?: number
  maxBuckets?: number
  maxGroups?: number
}

const USER_OUTCOMES = new Set([486, 600, 480, 487, 603])
const INFRASTRUCTURE = new Set([408, 500, 503, 504])

/** The definitions behind the numbers, for the result. */
export const KPI_DEFINITIONS: Record<string, string> = {
  answered: 'final SIP code 2xx',
  asr_pct: 'answered / attempts × 100 (ITU-T E.411)',
  acd_s: 'Σ duration of answered calls / answered calls with a duration, seconds',
  ner_pct: '(answered + 486, 600, 480, 487, 603) / attempts × 100 (ITU-T E.425; RFC 6076 SEER plus 487)',
  isa_pct: 'attempts ending 408, 500, 503 or 504 / attempts × 100 (RFC 6076)',
  pdd_ms: 'percentiles by nearest rank over attempts with a PDD above 0',
  zero_duration: OUTCOME_DEFINITIONS.zero_duration,
  short_calls: 'answered calls shorter than the short-call threshold (zero-duration included)'
}

/** Accumulates one set of attempts. */
class Tally {
  attempts = 0
  answered = 0
  effective = 0
  infrastructure = 0
  durationSum = 0
  durationCount = 0
  zero = 0
  short = 0
  pdds: number[] = []

  add (r: AttemptRecord, code: number, shortCallS: number): void {
    this.attempts++
    if (USER_OUTCOMES.has(code)) this.effective++
    if (INFRASTRUCTURE.has(code)) this.infrastructure++
    const pdd = r.pdd_ms
    if (typeof pdd === 'number' && Number.isFinite(pdd) && pdd > 0) this.pdds.push(pdd)
    if (!isAnswered(code)) return
    this.answered++
    this.effective++
    const d = r.duration_s
    if (typeof d === 'number' && Number.isFinite(d) && d >= 0) {
      this.durationSum += d
      this.durationCount++
      if (isZeroDuration(d)) this.zero++
      if (d < shortCallS) this.short++
    }
  }

  acd (): number | null {
    return this.durationCount === 0 ? null : round(this.durationSum / this.durationCount, 1)
  }

  kpis (): Kpis {
    const sorted = this.pdds.toSorted((a, b) => a - b)
    let sum = 0
    for (const v of sorted) sum += v
    return {
      attempts: this.attempts,
      answered: this.answered,
      failed: this.attempts - this.answered,
      asr_pct: pct(this.answered, this.attempts),
      acd_s: this.acd(),
      ner_pct: pct(this.effective, this.attempts),
      isa_pct: pct(this.infrastructure, this.attempts),
      minutes: round(this.durationSum / 60, 2),
      pdd_ms: sorted.length === 0
        ? null
        : {
            samples: sorted.length,
            avg: Math.round(sum / sorted.length),
            p50: percentile(sorted, 50)!,
            p95: percentile(sorted, 95)!
          },
      zero_duration: this.zero,
      short_calls: this.short,
      short_call_pct: pct(this.short, this.answered)
    }
  }

  slice (key: string): SliceKpis {
    const sorted = this.pdds.toSorted((a, b) => a - b)
    return {
      key,
      attempts: this.attempts,
      answered: this.answered,
      asr_pct: pct(this.answered, this.attempts),
      acd_s: this.acd(),
      ner_pct: pct(this.effective, this.attempts),
      pdd_p50_ms: percentile(sorted, 50)
    }
  }
}

function bucketOf (time: number, bucket: 'day' | 'hour'): string {
  if (!Number.isFinite(time)) return 'unknown'
  const iso = new Date(time * 1000).toISOString()
  return bucket === 'day' ? iso.slice(0, 10) : `${iso.slice(0, 13)}:00Z`
}

/**
 * Computes the KPIs of a set of call attempts (definitions in this module's comment).
 *
 * @param records the attempts, in any order.
 */
export function callAnalytics (records: Iterable<AttemptRecord>, options: AnalyticsOptions = {}): CallAnalytics {
  const shortCallS = options.shortCallS ?? 6
  const bucket = options.bucket ?? 'day'
  const totals = new Tally()
  const buckets = new Map<string, Tally>()
  const groups = new Map<string, Tally>()
  const failures = new Map<number, { count: number, reasons: Map<string, number>, example?: AttemptRecord }>()

  for (const r of records) {
    const code = Number.isFinite(r.sip_code) ? r.sip_code : 0
    totals.add(r, code, shortCallS)
    if (bucket !== 'none') {
      const key = bucketOf(r.time, bucket)
      let tally = buckets.get(key)
      if (tally === undefined) buckets.set(key, tally = new Tally())
      tally.add(r, code, shortCallS)
    }
    if (options.groupBy !== undefined) {
      const value = r[options.groupBy]
      const key = value === undefined || value === null || value === '' ? 'unknown' : String(value)
      let tally = groups.get(key)
      if (tally === undefined) groups.set(key, tally = new Tally())
      tally.add(r, code, shortCallS)
    }
    if (!isAnswered(code)) {
      let entry = failures.get(code)
      if (entry === undefined) failures.set(code, entry = { count: 0, reasons: new Map() })
      entry.count++
      if (typeof r.callid === 'string' && r.callid !== '' && (entry.example === undefined || r.time > entry.example.time)) entry.example = r
      const reason = r.sip_reason ?? ''
      entry.reasons.set(reason, (entry.reasons.get(reason) ?? 0) + 1)
    }
  }

  const failed = totals.attempts - totals.answered
  const ranked = [...failures].sort((a, b) => b[1].count - a[1].count || a[0] - b[0])
  const maxCodes = options.maxFailureCodes ?? 10
  const failureCodes = ranked.slice(0, maxCodes).map(([code, entry]): FailureCount => {
    const reason = [...entry.reasons].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]![0]
    return {
      code,
      reason: reason === '' && code > 0 ? sipCodeInfo(code).name : reason,
      kind: code === 0 ? 'none' : sipCodeInfo(code).kind,
      count: entry.count,
      pct_of_failures: pct(entry.count, failed)!,
      pct_of_attempts: pct(entry.count, totals.attempts)!,
      ...(entry.example === undefined ? {} : { example_callid: entry.example.callid! })
    }
  })

  const maxBuckets = options.maxBuckets ?? 744
  const bucketList = [...buckets].sort((a, b) => a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0).map(([key, t]) => t.slice(key))
  const maxGroups = options.maxGroups ?? 20
  const groupList = [...groups].map(([key, t]) => t.slice(key)).sort((a, b) => b.attempts - a.attempts || (a.key < b.key ? -1 : 1))

  return {
    totals: totals.kpis(),
    failure_codes: failureCodes,
    failure_codes_omitted: Math.max(0, ranked.length - maxCodes),
    buckets: bucketList.slice(0, maxBuckets),
    buckets_omitted: Math.max(0, bucketList.length - maxBuckets),
    groups: groupList.slice(0, maxGroups),
    groups_omitted: Math.max(0, groupList.length - maxGroups),
    definitions: { ...KPI_DEFINITIONS, short_calls: `answered calls shorter than ${shortCallS} s (zero-duration included)` }
  }
}

/** Attempts and answers already counted for a period, as a traffic report gives them. */
export interface CountedRow {
  /** `YYYY-MM-DD` or an hour; rows of the same period are added up. */
  period: string
  attempts: number
  connected: number
  /** Σ duration of the connected calls, seconds. */
  duration_s: number
  /** Attempts the switch refused before trying any carrier. */
  refused: number
}

/** ASR and ACD of counted attempts, in total and per period. */
export interface CountedKpis {
  totals: { attempts: number, answered: number, asr_pct: number | null, acd_s: number | null, refused: number, refused_pct: number | null }
  /** In period order. */
  buckets: { key: string, attempts: number, answered: number, asr_pct: number | null, acd_s: number | null }[]
}

/**
 * KPIs of attempts counted elsewhere (ASR = connected / attempts, ACD = Σ duration / connected),
 * for reports that give counts instead of one record per attempt.
 */
export function countedKpis (rows: readonly CountedRow[]): CountedKpis {
  const periods = new Map<string, CountedRow>()
  const total = { period: '', attempts: 0, connected: 0, duration_s: 0, refused: 0 }
  for (const row of rows) {
    const sum = periods.get(row.period) ?? { period: row.period, attempts: 0, connected: 0, duration_s: 0, refused: 0 }
    for (const into of [sum, total]) {
      into.attempts += row.attempts
      into.connected += row.connected
      into.duration_s += row.duration_s
      into.refused += row.refused
    }
    periods.set(row.period, sum)
  }
  const acd = (r: CountedRow): number | null => r.connected === 0 ? null : round(r.duration_s / r.connected, 1)
  return {
    totals: {
      attempts: total.attempts,
      answered: total.connected,
      asr_pct: pct(total.connected, total.attempts),
      acd_s: acd(total),
      refused: total.refused,
      refused_pct: pct(total.refused, total.attempts)
    },
    buckets: [...periods.values()].sort((a, b) => (a.period < b.period ? -1 : a.period > b.period ? 1 : 0))
      .map(r => ({ key: r.period, attempts: r.attempts, answered: r.connected, asr_pct: pct(r.connected, r.attempts), acd_s: acd(r) }))
  }
}

/** The call log's attempts of a period, as the tool could read them. */
export interface LogPopulation {
  stats: CallAnalytics
  /** Every attempt of the period is there (no search capped, the period within the log's days). */
  complete: boolean
  /** Why the log may hold fewer attempts than there were. */
  gaps: string[]
  /** Counted per try of one carrier rather than per call placed. */
  perCarrier: boolean
}

/** The traffic report's counts of a period. */
export interface ReportPopulation {
  kpis: CountedKpis
  /** False when the report was cut at its row limit. */
  complete: boolean
}

/** The attempts a ratio is computed over: one source, named, with what it counts. */
export interface AttemptPopulation {
  source: 'call log' | 'traffic report'
  counts: string
  complete: boolean
  lower_bound?: true
  why_incomplete?: string[]
  attempts: number
  answered: number
  failed: number
  asr_pct: number | null
  ner_pct?: number | null
  isa_pct?: number | null
  refused_before_carrier?: number
}

/**
 * Chooses the one population every ratio of a period is computed over (never two mixed): the call
 * log when it holds every attempt, else the traffic report, else the call log as a lower bound.
 */
export function attemptPopulation (log: LogPopulation | undefined, report: ReportPopulation | undefined): AttemptPopulation | undefined {
  if (log !== undefined && (log.complete || report === undefined)) {
    const t = log.stats.totals
    return {
      source: 'call log',
      counts: log.perCarrier ? 'tries of this carrier (each carrier tried counts)' : 'calls as placed (a call tried on two carriers counts once)',
      complete: log.complete,
      ...(log.complete ? {} : { lower_bound: true as const, why_incomplete: log.gaps }),
      attempts: t.attempts,
      answered: t.answered,
      failed: t.failed,
      asr_pct: t.asr_pct,
      ner_pct: t.ner_pct,
      isa_pct: t.isa_pct
    }
  }
  if (report === undefined) return undefined
  const t = report.kpis.totals
  return {
    source: 'traffic report',
    counts: 'tries of a carrier: a call tried on two carriers counts twice; a call refused before any carrier counts once',
    complete: report.complete,
    attempts: t.attempts,
    answered: t.answered,
    failed: t.attempts - t.answered,
    asr_pct: t.asr_pct,
    refused_before_carrier: t.refused
  }
}
