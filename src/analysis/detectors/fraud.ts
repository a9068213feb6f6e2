/**
 * Signs of fraud and runaway traffic per customer: bursts of calls to high-cost destinations
 * (IRSF, wangiri), answered calls that last no time (diallers, probes), and a day with many times
 * a customer's usual traffic. Each test holds its false alarms over every customer tested.
 */
import { isAnsweredCode, isZeroDuration } from '../../lib/callOutcome'
import { binomialAtLeast, poissonAtLeast } from '../significance'
import { chance, count, DEFAULT_ALPHA, isoSeconds, pct, type AccountFinding, type CallRecord } from './types'

/** Options of {@link detectHighCostBursts}. */
export interface HighCostOptions {
  /** The period's length in hours (the customer's usual rate is its calls over it). */
  periodHours: number
  /** A destination is high-cost from this price per minute, in the card's currency (default 0.10). */
  minRate?: number
  /** The burst window, minutes (default 60). */
  windowMinutes?: number
  /** Calls in a window before it can be a burst (default 10). */
  minCalls?: number
  alpha?: number
}

/**
 * Bursts of calls to high-cost destinations: per customer, the most calls priced at `minRate`
 * or more in any window, against the customer's own rate of such calls outside it (Poisson), over
 * every customer-window of the period (Bonferroni). Short answered calls in the burst are the
 * wangiri sign and shown; the burst alone is the IRSF sign.
 */
export function detectHighCostBursts (records: readonly CallRecord[], options: HighCostOptions): AccountFinding[] {
  const minRate = options.minRate ?? 0.1
  const windowS = (options.windowMinutes ?? 60) * 60
  const minCalls = options.minCalls ?? 10
  const alpha = options.alpha ?? DEFAULT_ALPHA
  const hours = Math.max(1, options.periodHours)
  const byCustomer = new Map<number, CallRecord[]>()
  for (const r of records) {
    if (r.customer_id === null || r.customer_id === 0 || (r.rate ?? 0) < minRate) continue
    byCustomer.set(r.customer_id, [...(byCustomer.get(r.customer_id) ?? []), r])
  }
  const windows = hours * 3600 / windowS
  const level = alpha / Math.max(1, byCustomer.size * windows)
  const out: AccountFinding[] = []
  for (const [customer, calls] of byCustomer) {
    const sorted = calls.toSorted((a, b) => a.time - b.time)
    let best = { from: 0, to: 0 }
    for (let i = 0, j = 0; j < sorted.length; j++) {
      while (sorted[j]!.time - sorted[i]!.time >= windowS) i++
      if (j - i > best.to - best.from) best = { from: i, to: j }
    }
    const burst = sorted.slice(best.from, best.to + 1)
    if (burst.length < minCalls) continue
    // The customer's usual rate, from its calls outside the burst (at least one a period, so none is not certainty).
    const usual = Math.max(1, sorted.length - burst.length) / Math.max(1, windows - 1)
    const p = poissonAtLeast(burst.length, usual)
    if (p > level) continue
    const answered = burst.filter(c => c.sip_code >= 200 && c.sip_code < 300)
    const short = answered.filter(c => (c.duration_s ?? 0) < 30).length
    const durations = answered.map(c => c.duration_s ?? 0).sort((a, b) => a - b)
    const destinations = [...new Set(burst.map(c => c.destination ?? c.dest_number.slice(0, 4)))].sort()
    const first = burst[0]!
    const last = burst.at(-1)!
    const example = answered.at(-1)?.callid ?? last.callid
    out.push({
      code: 'high_cost_burst',
      severity: 'critical',
      title: `Customer ${customer}: ${count(burst.length, 'call')} to high-cost destinations (${destinations.join(', ')}) in ${Math.max(1, Math.round((last.time - first.time) / 60))} min, ${answered.length} answered${durations.length === 0 ? '' : `, median ${durations[(durations.length - 1) >> 1]} s`}; usually ${Number((usual * 24 * 3600 / windowS).toPrecision(2))} a day`,
      meaning: `A sudden burst to destinations priced at ${minRate} a minute or more that the customer rarely calls: the sign of International Revenue Share Fraud (a compromised PBX or stolen credentials pumping calls to numbers that share the termination revenue)${short > answered.length / 2 ? ', and with answered calls this short, of wangiri (one-ring callbacks) or route testing' : ''}. The customer is billed, and we pay the carrier, for every minute.`,
      action: 'Block the destinations for the customer (or suspend it) now, ask it to check its PBX and change its SIP credentials, and set a destination or spend limit; tell the carrier if the numbers belong to a known fraud range.',
      threshold: `${minCalls} or more calls priced at ${minRate}/min or more within ${Math.round(windowS / 60)} min, at a chance below ${chance(level)} against the customer's own rate (${alpha} over ${count(Math.round(byCustomer.size * windows), 'customer-window')}): ordinary traffic to dear destinations is a few calls a day.`,
      subject: { customer_id: customer },
      evidence: {
        count: burst.length,
        answered: answered.length,
        short_answered: short,
        destinations,
        usual_per_window: Number(usual.toPrecision(3)),
        p_value: Number(p.toPrecision(3))
      },
      ...(typeof example === 'string' ? { example_callid: example } : {}),
      window: { start: isoSeconds(first.time), end: isoSeconds(last.time) }
    })
  }
  return out
}

/** Options of {@link detectZeroDurationCalls}. */
export interface ZeroDurationOptions {
  /** Answered calls per customer in the period (the traffic report's `connected` by `customer_id`). */
  answeredByCustomer: Readonly<Record<number, number>>
  /** Calls of one customer and CLI before they are repeated (default 5). */
  minCount?: number
  alpha?: number
}

/**
 * Repeated zero-duration calls (answered, at most 1 s) per customer and CLI. The records are the
 * period's answered calls of at most 1 s (the CDR where duration ≤ 1); each group's count is
 * tested against the account's share of such calls applied to all the customer's answered calls
 * (binomial; using the customer's total, not the CLI's, makes the test conservative), over every
 * customer and CLI tested (Bonferroni).
 */
export function detectZeroDurationCalls (records: readonly CallRecord[], options: ZeroDurationOptions): AccountFinding[] {
  const min = options.minCount ?? 5
  const alpha = options.alpha ?? DEFAULT_ALPHA
  const zero = records.filter(r => isAnsweredCode(r.sip_code) && isZeroDuration(r.duration_s ?? 0) && r.customer_id !== null && r.customer_id !== 0)
  const answered = Object.values(options.answeredByCustomer).reduce((s, n) => s + n, 0)
  if (answered === 0) return []
  const share = Math.min(1, zero.length / answered)
  const groups = new Map<string, CallRecord[]>()
  for (const r of zero) groups.set(`${r.customer_id}|${r.cli ?? ''}`, [...(groups.get(`${r.customer_id}|${r.cli ?? ''}`) ?? []), r])
  const tested = Math.max(groups.size, Object.keys(options.answeredByCustomer).length)
  const level = alpha / tested
  const out: AccountFinding[] = []
  for (const [key, calls] of groups) {
    if (calls.length < min) continue
    const [customer, cli] = key.split('|') as [string, string]
    const n = Math.max(calls.length, options.answeredByCustomer[Number(customer)] ?? calls.length)
    const p = binomialAtLeast(calls.length, n, share)
    if (p > level) continue
    const sorted = calls.toSorted((a, b) => a.time - b.time)
    const example = sorted.at(-1)!.callid
    out.push({
      code: 'zero_duration_calls',
      severity: calls.length * 2 >= n ? 'critical' : 'warning',
      title: `Customer ${customer}${cli === '' ? '' : `, CLI ${cli}`}: ${count(calls.length, 'answered call')} of at most 1 s, of its ${count(n, 'answered call')} (${pct(calls.length, n)} %; ${Math.round(share * 10_000) / 100} % across the account)`,
      meaning: 'Calls answered and ended at once, again and again from one caller: a dialler hanging up on answer (or probing numbers), false answer supervision billing the ringing, or callers who hear nothing and hang up. They cost call setup and may be billed as a minimum.',
      action: 'See who hangs up on one of them: the caller means the customer\'s dialler (raise it with the customer, or enforce a minimum duration or charge); the carrier, with several carriers differing, suggests false answer supervision; check the audio of one too.',
      threshold: `${min} or more calls of at most 1 s from one customer and CLI, at a chance below ${chance(level)} at the account's share (${alpha} over ${count(tested, 'customer and CLI', 'customers and CLIs')}): a few such calls are normal (wrong numbers, voicemail hang-ups).`,
      subject: { customer_id: Number(customer), ...(cli === '' ? {} : { cli }) },
      evidence: {
        count: calls.length,
        customer_answered: n,
        account_share_pct: Math.round(share * 10_000) / 100,
        first: isoSeconds(sorted[0]!.time),
        last: isoSeconds(sorted.at(-1)!.time),
        p_value: Number(p.toPrecision(3))
      },
      ...(typeof example === 'string' ? { example_callid: example } : {}),
      window: { start: isoSeconds(sorted[0]!.time), end: isoSeconds(sorted.at(-1)!.time) }
    })
  }
  return out.sort((a, b) => (b.evidence.count as number) - (a.evidence.count as number))
}

/** One customer's attempts on one day (the traffic report by `customer_id` and `dt`). */
export interface CustomerDayRow {
  customer_id: number
  /** `YYYY-MM-DD`. */
  day: string
  attempts: number
}

/** Options of {@link detectTrafficSpikes}. */
export interface SpikeOptions {
  /** Every day of the period (`YYYY-MM-DD`), so that days without a row count as 0. */
  days: readonly string[]
  /** How many times the usual day a spike must be (default 4). */
  factor?: number
  /** Attempts a spike day must have at least (default 50). */
  minAttempts?: number
  /** Other days with traffic on the account needed to know a customer's usual day (default 3). */
  minDays?: number
  alpha?: number
}

/**
 * A sudden traffic spike on one customer: a day with `factor` times the customer's usual day (the
 * median of its other days, which one spike cannot move) and a Poisson chance below `alpha` over
 * every customer-day. Weekends halve traffic and weekdays double it back: under the factor. Only
 * days on which the account carried traffic count: a period that starts before the account's
 * traffic (a new switch, a month asked for in full) would otherwise make every customer's usual
 * day 0; fewer than `minDays` other such days are too few to know a usual day.
 */
export function detectTrafficSpikes (rows: readonly CustomerDayRow[], options: SpikeOptions): AccountFinding[] {
  const factor = options.factor ?? 4
  const minAttempts = options.minAttempts ?? 50
  const minDays = options.minDays ?? 3
  const alpha = options.alpha ?? DEFAULT_ALPHA
  const byCustomer = new Map<number, Map<string, number>>()
  const busy = new Set<string>()
  for (const r of rows) {
    if (r.attempts > 0) busy.add(r.day)
    if (r.customer_id === 0) continue
    const days = byCustomer.get(r.customer_id) ?? new Map<string, number>()
    days.set(r.day, (days.get(r.day) ?? 0) + r.attempts)
    byCustomer.set(r.customer_id, days)
  }
  const tested = options.days.filter(d => busy.has(d))
  if (tested.length <= minDays) return []
  const level = alpha / Math.max(1, byCustomer.size * tested.length)
  const out: AccountFinding[] = []
  for (const [customer, days] of byCustomer) {
    for (const day of tested) {
      const attempts = days.get(day) ?? 0
      if (attempts < minAttempts) continue
      const others = tested.filter(d => d !== day).map(d => days.get(d) ?? 0).sort((a, b) => a - b)
      const usual = Math.max(1, others.length === 0 ? 0 : others[(others.length - 1) >> 1]!)
      if (attempts < usual * factor) continue
      const p = poissonAtLeast(attempts, usual)
      if (p > level) continue
      out.push({
        code: 'traffic_spike',
        severity: 'warning',
        title: `Customer ${customer}: ${count(attempts, 'attempt')} on ${day}, ${Math.round(attempts / usual)} times its usual day (${count(usual, 'attempt')})`,
        meaning: 'One customer suddenly sent many times its usual traffic: a new campaign, a dialler let loose, or a compromised PBX. Until it is known which, it is a risk to the customer\'s balance and to the routes\' capacity.',
        action: 'Ask the customer whether the traffic is expected; if not, suspend it or cap its channels and calls per second, and look at where the calls went (high-cost destinations, sequential numbers).',
        threshold: `A day with ${factor} times the customer's median day (of the days the account carried traffic), ${minAttempts} attempts or more, at a chance ` +
          `below ${chance(level)} (${alpha} over ${count(byCustomer.size * tested.length, 'customer-day')}): weekday and weekend swings stay within twice the median.`,
        subject: { customer_id: customer },
        evidence: { count: attempts, attempts, usual_day: usual, day, p_value: Number(p.toPrecision(3)) },
        window: { start: `${day}T00:00:00Z`, end: `${day}T23:59:59Z` }
      })
    }
  }
  return out.sort((a, b) => (b.evidence.count as number) - (a.evidence.count as number))
}
