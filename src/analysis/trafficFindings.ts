/**
 * Findings over many calls: what a period's traffic says that no single call does. A failure
 * code that dominates, attempts the switch refused before any carrier, answered calls that last
 * no time, and an hour when a busy route stopped answering. Each says how strong the evidence is.
 */
import type { FailureCount } from './callAnalytics'
import { rankFindings, type Finding, type Severity } from './findings'
import { switchReason } from './sipCodes'
import { round } from './stats'
import { explainCarrierResponse, explainSwitchRefusal } from './traceFindings'

/** What the traffic of a period shows, from whichever sources were read. */
export interface TrafficFacts {
  /** What the numbers are about, for titles: `carrier 376`, `customer 105221`, `the account`. */
  scope: string
  /** Attempts with their final codes (one record each), when they were read. */
  attempts?: { attempts: number, answered: number, failure_codes: readonly FailureCount[] }
  /** Attempts counted by the switch's report, and how many it refused before any carrier. */
  counted?: { attempts: number, answered: number, refused: number }
  /** Answered calls, and how many lasted at most 1 s, or under `short_call_s`. */
  answered?: { calls: number, zero_duration: number, short_calls: number, short_call_s: number }
  /** Answered calls per hour, in time order, every hour of the range (0 where none). */
  hourly_answered?: readonly { hour: string, calls: number }[]
}

/** A failure code counts when it ends at least this many attempts and this share of them. */
const DOMINANT_MIN = 3
const DOMINANT_PCT = 20
/** Busy hours around a silent one: each has at least this many answered calls. */
const BUSY_HOUR_MIN = 3
/** A silent stretch is an outage when chance would give it less often than this. */
const CHANCE_MAX = 0.05

function finding (f: Omit<Finding, 'evidence'>): Finding {
  return { ...f, evidence: [] }
}

function pctText (part: number, whole: number): string {
  return `${round(part / whole * 100, 1)} %`
}

function dominantFailures (facts: TrafficFacts, out: Finding[]): void {
  const attempts = facts.attempts
  if (attempts === undefined || attempts.attempts === 0) return
  const dominant = attempts.failure_codes.filter(f => f.count >= DOMINANT_MIN && f.pct_of_attempts >= DOMINANT_PCT && f.kind !== 'user' && f.kind !== 'none')
  for (const f of dominant.slice(0, 2)) {
    // The switch's own refusals are named by their reason phrase; anything else a carrier answered.
    const explanation = switchReason(f.reason) !== undefined ? explainSwitchRefusal(f.code, f.reason) : explainCarrierResponse(f.code, f.reason)
    if (explanation === undefined) continue
    out.push(finding({
      code: explanation.code,
      severity: explanation.severity,
      title: `${f.count} of ${attempts.attempts} attempts for ${facts.scope} (${pctText(f.count, attempts.attempts)}) ended ${f.code} ${f.reason}`.trimEnd(),
      meaning: explanation.meaning,
      fix: explanation.fix
    }))
  }
}

function refusals (facts: TrafficFacts, out: Finding[]): void {
  const counted = facts.counted
  if (counted === undefined || counted.refused < DOMINANT_MIN || counted.refused * 2 < counted.attempts) return
  if (out.some(f => f.code === 'no_route')) return
  const none = counted.answered === 0
  out.push(finding({
    code: 'no_route',
    severity: none ? 'critical' : 'warning',
    title: `${counted.refused} of ${counted.attempts} attempts for ${facts.scope} were refused by the switch before any carrier was tried${none ? '; none connected' : ''}`,
    meaning: 'No carrier was tried for them. Most often no carrier\'s rate card has the destination (503 No Routes Available (U)) or the customer\'s card has no rule for it (Pre): a routing gap. A caller the switch refuses (unknown IP or user, no balance) looks the same in these counts.',
    fix: 'Read one attempt\'s routing log (search the call log for a number called) for the exact refusal. For a destination no carrier carries, add a carrier route for its prefix, or stop selling it on the customer cards.'
  }))
}

function shortCalls (facts: TrafficFacts, out: Finding[]): void {
  const a = facts.answered
  if (a === undefined || a.calls === 0) return
  const zero = a.zero_duration >= 5 && a.zero_duration * 5 >= a.calls
  const short = a.short_calls >= 10 && a.short_calls * 10 >= a.calls * 3
  if (!zero && !short) return
  const count = zero ? a.zero_duration : a.short_calls
  const severity: Severity = count * 2 >= a.calls ? 'critical' : 'warning'
  out.push(finding({
    code: 'short_calls',
    severity,
    title: `${count} of ${a.calls} answered calls for ${facts.scope} (${pctText(count, a.calls)}) lasted ${zero ? '1 s or less' : `under ${a.short_call_s} s`}`,
    meaning: 'Calls answered and ended at once. Usual causes: a dialler that hangs up as soon as the call is answered (or probes numbers), false answer supervision by a carrier (billing ringing time), or callers who hear nothing and hang up (one-way audio).',
    fix: 'See who hangs up on one of them (investigate one call): the caller means the customer\'s dialler, so raise it with the customer; the carrier, with several carriers affected differently, suggests false answer; check the audio (RTCP) of one of them.'
  }))
}

/** Silent hours between busy ones: each stretch with the chance of seeing it on a working route. */
function outages (facts: TrafficFacts, out: Finding[]): void {
  const hours = facts.hourly_answered ?? []
  const found: { from: number, to: number, before: number, after: number, chance: number }[] = []
  for (let i = 1; i < hours.length - 1; i++) {
    if (hours[i]!.calls !== 0 || hours[i - 1]!.calls < BUSY_HOUR_MIN) continue
    let j = i
    while (j + 1 < hours.length && hours[j + 1]!.calls === 0) j++
    if (j + 1 >= hours.length || hours[j + 1]!.calls < BUSY_HOUR_MIN) {
      i = j
      continue
    }
    const before = hours[i - 1]!.calls
    const after = hours[j + 1]!.calls
    // Poisson: P(no call in n hours) at the rate of the hours around the gap.
    const chance = Math.exp(-(before + after) / 2 * (j - i + 1))
    if (chance < CHANCE_MAX) found.push({ from: i, to: j, before, after, chance })
    i = j
  }
  for (const gap of found.sort((a, b) => a.chance - b.chance).slice(0, 2)) {
    const end = hours[gap.to + 1]!.hour
    const rate = round((gap.before + gap.after) / 2, 1)
    out.push(finding({
      code: 'outage',
      severity: 'warning',
      title: `No call for ${facts.scope} was answered from ${hours[gap.from]!.hour} to ${end}, with ${gap.before} and ${gap.after} in the hours around it`,
      meaning: `At about ${rate} answered calls an hour, ${gap.to === gap.from ? 'an hour' : `${gap.to - gap.from + 1} hours`} without any would happen by chance ${pctText(gap.chance, 1)} of the time: the carrier or route most probably stopped taking calls (an outage), and calls failed or went to other carriers.`,
      fix: 'Check the failure codes of that hour (the call log for a number called then, or the carrier\'s status) and raise it with the carrier; while it lasts, mark the carrier down or lower its priority so calls go elsewhere at once.'
    }))
  }
}

/** The findings of a period's traffic, ranked (most likely root cause first). */
export function trafficFindings (facts: TrafficFacts): Finding[] {
  const out: Finding[] = []
  dominantFailures(facts, out)
  refusals(facts, out)
  shortCalls(facts, out)
  outages(facts, out)
  return rankFindings(out)
}
