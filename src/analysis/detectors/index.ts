/**
 * Every account-wide detector at once, over what the caller could read: each runs when its input
 * is there, and the run says which did not and why, so a report can say which findings are
 * partial.
 */
import { detectMalformedNumbers, detectSequentialNumbers } from './dialledNumbers'
import { detectCarrierDrift, type CarrierPeriod } from './drift'
import { detectHighCostBursts, detectTrafficSpikes, detectZeroDurationCalls, type CustomerDayRow } from './fraud'
import { detectCarrierOutages, type CarrierHourRow } from './outage'
import { detectRepeatedNoRoute, detectRoutingGaps, type DestinationRow } from './routing'
import { detectAuthFailureBursts, detectUnauthorisedIps, detectUnidentifiedCallers, type UnidentifiedHourRow } from './security'
import { rankAccountFindings, timeMs, type AccountFinding, type AccountFindingCode, type CallRecord } from './types'

export * from './dialledNumbers'
export * from './drift'
export * from './fraud'
export * from './outage'
export * from './routing'
export * from './security'
export * from './types'

/** What the detectors read; every part is optional. */
export interface DetectorInput {
  /** The period, `YYYY-MM-DD[ HH:MM:SS]` or ISO 8601, UTC; `end` exclusive. */
  period: { start: string, end: string }
  /** Traffic report by `provider_id` and hour: outages. */
  carrierHours?: readonly CarrierHourRow[]
  /** Traffic report by `customer_id`, `customer_card_dest_name` and `provider_id`: routing gaps. */
  destinations?: readonly DestinationRow[]
  /** Traffic report by `customer_id` and day, and every day of the period: spikes. */
  customerDays?: readonly CustomerDayRow[]
  days?: readonly string[]
  /** Traffic report `connected` by `customer_id`: the population of the zero-duration test. */
  answeredByCustomer?: Readonly<Record<number, number>>
  /** The CDR's answered calls of at most 1 s in the period. */
  zeroDurationCalls?: readonly CallRecord[]
  /** The CDR's calls priced at the high-cost rate or more in the period (with `rate`). */
  highCostCalls?: readonly CallRecord[]
  /** Call-log attempts (every attempt, with its final code): no route, numbers, authentication, addresses. */
  callLog?: readonly CallRecord[]
  /** The oldest time the call log holds (`YYYY-MM-DD HH:MM:SS` or ISO 8601, UTC): older unidentified callers cannot be looked up. */
  callLogFrom?: string
  /** More calls whose numbers to check (e.g. the CDR's), merged with the call log by Call-ID. */
  answeredCalls?: readonly CallRecord[]
  /** Traffic report attempts of customer 0 (callers matched to no customer) by hour: unknown addresses, with the call log or without it. */
  unidentifiedHours?: readonly UnidentifiedHourRow[]
  /** Each carrier in this period and the previous one: drift. */
  carriers?: { current: readonly CarrierPeriod[], previous: readonly CarrierPeriod[] }
  /** Context that sharpens the findings. */
  knownUsers?: readonly string[]
  cliOwners?: Readonly<Record<string, number>>
  cards?: Readonly<Record<string, readonly string[]>>
  examples?: Readonly<Record<string, string>>
}

/** Which detectors ran, and why the others did not. */
export interface DetectorRun {
  findings: AccountFinding[]
  ran: AccountFindingCode[]
  skipped: { code: AccountFindingCode, why: string }[]
}

/** Runs every detector that has its input; findings ranked. */
export function runDetectors (input: DetectorInput): DetectorRun {
  const findings: AccountFinding[] = []
  const ran: AccountFindingCode[] = []
  const skipped: DetectorRun['skipped'] = []
  const run = (code: AccountFindingCode, missing: string | undefined, detect: () => AccountFinding[]): void => {
    if (missing !== undefined) skipped.push({ code, why: missing })
    else {
      ran.push(code)
      findings.push(...detect())
    }
  }
  const hours = (timeMs(input.period.end) - timeMs(input.period.start)) / 3_600_000
  const log = input.callLog
  const numbers = [...(log ?? [])]
  const seen = new Set(numbers.map(r => r.callid).filter(id => id !== undefined && id !== null))
  for (const r of input.answeredCalls ?? []) if (r.callid === undefined || r.callid === null || !seen.has(r.callid)) numbers.push(r)

  run('carrier_outage', input.carrierHours === undefined ? 'needs the traffic report by carrier and hour' : undefined, () => detectCarrierOutages(input.carrierHours!))
  run('routing_gap', input.destinations === undefined ? 'needs the traffic report by customer, destination and carrier' : undefined,
    () => detectRoutingGaps(input.destinations!, {
      ...(input.cards === undefined ? {} : { cards: input.cards }),
      ...(input.examples === undefined ? {} : { examples: input.examples })
    }))
  run('repeated_no_route', log === undefined ? 'needs call-log attempts (refused calls are not in the CDR)' : undefined, () => detectRepeatedNoRoute(log!))
  run('zero_duration_calls', input.zeroDurationCalls === undefined || input.answeredByCustomer === undefined ? 'needs the CDR\'s calls of at most 1 s and answered calls by customer' : undefined,
    () => detectZeroDurationCalls(input.zeroDurationCalls!, { answeredByCustomer: input.answeredByCustomer! }))
  run('malformed_numbers', numbers.length === 0 ? 'needs dialled numbers (call log or CDR)' : undefined, () => detectMalformedNumbers(numbers))
  run('high_cost_burst', input.highCostCalls === undefined || Number.isNaN(hours) ? 'needs the CDR\'s calls to high-cost destinations and the period' : undefined,
    () => detectHighCostBursts(input.highCostCalls!, { periodHours: hours }))
  run('sequential_numbers', numbers.length === 0 ? 'needs dialled numbers (call log or CDR)' : undefined, () => detectSequentialNumbers(numbers))
  run('traffic_spike', input.customerDays === undefined || input.days === undefined ? 'needs the traffic report by customer and day' : undefined,
    () => detectTrafficSpikes(input.customerDays!, { days: input.days! }))
  run('auth_failure_burst', log === undefined ? 'needs call-log attempts (refused calls are not in the CDR)' : undefined,
    () => detectAuthFailureBursts(log!, input.knownUsers === undefined ? {} : { knownUsers: input.knownUsers }))
  run('unauthorised_ip', log === undefined && input.unidentifiedHours === undefined
    ? 'needs call-log attempts (refused calls are not in the CDR) or the traffic report of unidentified callers by hour'
    : undefined,
  () => {
    const named = log === undefined ? [] : detectUnauthorisedIps(log, input.cliOwners === undefined ? {} : { cliOwners: input.cliOwners })
    if (input.unidentifiedHours === undefined) return named
    // A window of unidentified callers is explained by the addresses named above, not reported twice.
    const options = { named: named.map(f => f.subject.source_ip!), ...(input.callLogFrom === undefined ? {} : { callLogFrom: input.callLogFrom }) }
    return [...named, ...detectUnidentifiedCallers(input.unidentifiedHours, log ?? [], options)]
  })
  run('carrier_drift', input.carriers === undefined ? 'needs each carrier\'s figures for this period and the previous one' : undefined,
    () => detectCarrierDrift(input.carriers!.current, input.carriers!.previous))
  return { findings: rankAccountFindings(findings), ran, skipped }
}
