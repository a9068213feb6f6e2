/**
 * What the account-wide detectors read and what they conclude. Inputs are plain rows a caller
 * builds from the traffic report (`breakout-aggrid`), the CDR and the call log; outputs are facts
 * only (no tool names, no next steps): a stable code, a severity, the meaning, the evidence and
 * the corrective action, with the rule that fired and why it sits where it does.
 */
import type { Severity } from '../findings'

export type { Severity } from '../findings'

/** Every account-wide finding code, with what it means. */
export const ACCOUNT_FINDING_CODES = {
  carrier_outage: 'a carrier failed (nearly) every attempt for a while, far more than its usual rate explains',
  routing_gap: 'a destination sold on a customer card is attempted but no carrier is tried (503 No Routes Available (U))',
  repeated_no_route: 'one customer is refused "no route" (503) again and again for one prefix',
  zero_duration_calls: 'one customer and CLI has many answered calls of at most 1 s',
  malformed_numbers: 'one customer dials numbers with the same formatting mistake (country code twice, national 0 kept, wrong length)',
  high_cost_burst: 'a burst of calls to high-cost destinations from one customer (IRSF or wangiri signs)',
  sequential_numbers: 'one customer dials consecutive numbers one after another (a dialler walking a range)',
  traffic_spike: 'one customer placed many times its usual daily traffic',
  auth_failure_burst: 'many failed SIP authentications for one username (or address) in a short time',
  unauthorised_ip: 'calls from an address that matches no customer (a scanner, or a customer\'s PBX on a new IP)',
  carrier_drift: 'a carrier answers fewer attempts, or rings later, than in the previous period'
} as const

/** An account-wide finding's stable code. */
export type AccountFindingCode = keyof typeof ACCOUNT_FINDING_CODES

/** Counts, ids and ratios that show a finding. */
export type EvidenceValue = number | string | boolean | null | readonly (number | string)[]

/** One account-wide conclusion. */
export interface AccountFinding {
  code: AccountFindingCode
  severity: Severity
  /** One line: what happened, with its numbers and their population. */
  title: string
  /** What it means, in plain language. */
  meaning: string
  /** What to do about it. */
  action: string
  /** The rule that fired, and why it is set there, in one line. */
  threshold: string
  /** Who or what it is about. */
  subject: {
    customer_id?: number
    provider_id?: number
    destination?: string
    prefix?: string
    cli?: string
    username?: string
    source_ip?: string
  }
  evidence: Record<string, EvidenceValue>
  /** A call to investigate, when the input carried Call-IDs. */
  example_callid?: string
  /** When it happened (ISO 8601 UTC), for a finding about a time window. */
  window?: { start: string, end: string }
}

/** One call as a detector reads it: the shape the API layer fills (src/lib/callRecord.ts). */
export type { CallRecord } from '../../lib/callRecord'

const SEVERITY_RANK: Record<Severity, number> = { critical: 0, warning: 1, info: 2 }
const CODE_RANK = Object.fromEntries(Object.keys(ACCOUNT_FINDING_CODES).map((code, i) => [code, i])) as Record<AccountFindingCode, number>

/** Orders findings: severity, then the catalog order of codes, then the largest count first. */
export function rankAccountFindings (findings: readonly AccountFinding[]): AccountFinding[] {
  const size = (f: AccountFinding): number => typeof f.evidence.count === 'number' ? f.evidence.count : 0
  return findings.toSorted((a, b) =>
    SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || CODE_RANK[a.code] - CODE_RANK[b.code] || size(b) - size(a))
}

/** `YYYY-MM-DD HH:MM:SS`, `YYYY-MM-DD` or ISO 8601 (UTC when no zone) as unix ms; NaN when it is not a time. */
export function timeMs (text: string): number {
  const m = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?))?(Z|[+-]\d{2}:?\d{2})?$/.exec(text.trim())
  return m === null ? Number.NaN : Date.parse(`${m[1]}T${m[2] ?? '00:00:00'}${m[3] ?? 'Z'}`)
}

/** Unix seconds as ISO 8601 without milliseconds. */
export function isoSeconds (seconds: number): string {
  return new Date(Math.round(seconds) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

/** `part / whole × 100` to 2 decimals; null when `whole` is 0 (a weighted ratio: sums, never a mean of means). */
export function pct (part: number, whole: number): number | null {
  return whole === 0 ? null : Math.round(part / whole * 10_000) / 100
}

/** A probability for people: `3.2e-7`, `0.0031`. */
export function chance (p: number): string {
  return p === 0 ? '0' : p < 0.001 ? p.toExponential(1) : String(Math.round(p * 10_000) / 10_000)
}

/** `1 call`, `2 calls`, with thousands separators. */
export function count (n: number, word: string, many = `${word}s`): string {
  return `${String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',')} ${n === 1 ? word : many}`
}

/** The family-wise false-alarm rate every detector holds unless told otherwise. */
export const DEFAULT_ALPHA = 0.01
