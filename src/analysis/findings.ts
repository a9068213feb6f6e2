/**
 * Findings: what the analyses conclude, each with a stable code, a severity, plain-language
 * meaning, the evidence (which message), and the fix. Tools rank and show them; the diagnosis
 * picks its root cause from them.
 */
import { humanDuration } from '../lib/format'

/** How much a finding matters: `critical` explains a failure, `warning` degrades the call, `info` is context. */
export type Severity = 'critical' | 'warning' | 'info'

/** A SIP message that shows a finding: which leg, when (ms since the trace's first packet), which message. */
export interface Evidence {
  leg: string
  t_ms: number
  /** Position of the message in the trace, in time order from 0 (for paging raw messages). */
  message: number
  label: string
}

/** One conclusion of an analysis. */
export interface Finding {
  /** Stable identifier (see {@link FINDING_CODES}); tests and tools match on it. */
  code: FindingCode
  severity: Severity
  /** One line: what happened. */
  title: string
  /** What it means, in plain language. */
  meaning: string
  /** What to do about it. */
  fix: string
  /** The leg it concerns, when it concerns one. */
  leg?: string
  /** At most three messages. */
  evidence: Evidence[]
}

/**
 * Every finding code, in the order they rank as a root cause (first = most likely the cause when
 * several have the same severity), with what each one means.
 */
export const FINDING_CODES = {
  ip_not_authorised: 'the switch refused the call: its source IP matches no customer',
  unknown_user: 'the switch refused the call: unknown SIP username/password',
  insufficient_balance: 'refused for lack of credit (402, or a 403/503 naming balance or credit)',
  account_paused: 'the switch accepts no calls: account or server disabled',
  auth_loop: 'repeated digest challenges: credentials rejected again and again',
  auth_failed: 'digest authentication failed (credentials rejected, or the client gave up)',
  duplicated_prefix: 'the dialled number has its country code or international prefix twice',
  trunk_prefix_left: 'the dialled number keeps the national 0 after the country code',
  number_malformed: 'the dialled number is too long or has characters other than digits',
  blocked_by_dial_plan: 'the customer\'s dial plan does not allow the number',
  no_route: 'the switch found no carrier to try for the number (503/580 no route)',
  routing_error: 'the switch\'s routing engine failed (strategy, LCR lookup, internal)',
  forbidden: 'the switch refused the call with 403',
  ack_timeout: 'no ACK for the 200 OK: the call was dropped about 32 s after answer',
  carrier_timeout: 'the carrier did not answer in time (408, or INVITE retransmissions unanswered)',
  cancel_unanswered: 'a CANCEL got no answer: the INVITE ended by timeout instead of 487',
  carrier_forbidden: 'the carrier refused the call with 403 (ACL, tech prefix, account, CLI)',
  carrier_auth_required: 'the carrier asks for digest authentication (401/407) that we do not send',
  codec_mismatch: 'no common codec (488/606, or an answer with a codec that was not offered)',
  carrier_unavailable: 'the carrier answered 503: overloaded, over capacity, no route, or down',
  outage: 'answered traffic stopped for a while between busy periods: a carrier or route outage',
  carrier_rejected: 'the carrier ended the attempt with another final response (busy, not found…)',
  call_failed: 'the call failed with a final response no more specific finding explains',
  invite_unanswered: 'an INVITE got no response at all',
  media_rejected: 'the answer refused the audio stream (port 0)',
  ack_missing: 'the 200 OK was retransmitted: its ACK is not arriving',
  ack_not_received: 'the ACK was sent but the far end kept retransmitting its 200 OK',
  nat_private_sdp: 'a party advertises a private address for its media (SDP c=)',
  one_way_media: 'the call was set up with audio in one direction only',
  nat_private_contact: 'a party advertises a private Contact address',
  bad_sdp_address: 'an SDP address is loopback or link-local',
  session_timer_expired: 'the call ended at its session-timer expiry: a refresh failed',
  switch_released_call: 'the switch itself ended an answered call',
  bye_failed: 'a BYE was not accepted (481/408, or no response)',
  pdd_high: 'post-dial delay above 5 s',
  retransmissions: 'requests were retransmitted: packets lost or answered late',
  dtmf_not_negotiated: 'telephone-event (RFC 4733 DTMF) offered but not accepted',
  call_on_hold: 'the call was put on hold',
  poor_quality: 'RTCP shows degraded audio (jitter, loss, RTT or MOS past the thresholds)',
  short_calls: 'many answered calls last a second or a few: diallers hanging up, false answer, or no audio',
  transcoding: 'the two legs use different codecs',
  auth_challenge: 'one digest challenge, answered with credentials: normal',
  caller_cancelled: 'the caller hung up before answer (CANCEL)',
  carrier_cancelled_by_switch: 'the switch cancelled a carrier attempt (its ring or PDD timer)',
  crankback: 'the switch tried several carriers in turn',
  nat_detected: 'signs of NAT (Via/received/rport mismatches, the switch\'s NAT flag)',
  class5: 'the call used Class 5 features (IVR, queue, voicemail, AI agent)'
} as const

/** A finding's stable code. */
export type FindingCode = keyof typeof FINDING_CODES

const RANK = Object.fromEntries(Object.keys(FINDING_CODES).map((code, i) => [code, i])) as Record<FindingCode, number>
const SEVERITY_RANK: Record<Severity, number> = { critical: 0, warning: 1, info: 2 }

/** Orders findings: severity first, then how likely each code is the cause, then time. */
export function rankFindings (findings: readonly Finding[]): Finding[] {
  return findings.toSorted((a, b) =>
    SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
    RANK[a.code] - RANK[b.code] ||
    (a.evidence[0]?.t_ms ?? 0) - (b.evidence[0]?.t_ms ?? 0))
}

/** `A +35 ms: 503 No Routes Available (Pre) (message 2)`: where a finding shows, in words. */
export function evidenceText (e: Evidence): string {
  return `${e.leg} +${humanDuration(e.t_ms)}: ${e.label} (message ${e.message})`
}

/** A finding as a tool shows it: plain language first, the messages that show it as text. */
export function findingFacts (finding: Finding): Omit<Finding, 'evidence' | 'leg'> & { evidence?: string[] } {
  return {
    code: finding.code,
    severity: finding.severity,
    title: finding.title,
    meaning: finding.meaning,
    fix: finding.fix,
    ...(finding.evidence.length === 0 ? {} : { evidence: finding.evidence.map(evidenceText) })
  }
}
