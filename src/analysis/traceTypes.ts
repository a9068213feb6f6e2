import type { Finding } from './findings'
import type { Direction, Negotiation } from './sdp'
import type { ReasonCause } from './sipMessage'

/**
 * The shapes of a SIP trace and of its analysis, apart from the code that reads and judges them,
 * so that packet reading, findings and the analysis import these and not each other.
 */

/** One captured SIP packet, as a C-Trace gives it. */
export interface TraceMessage {
  /** Capture time, microseconds since the epoch. */
  micro_ts: number
  /** ISO capture time; used when `micro_ts` is missing. */
  date?: string
  callid: string
  /** Request method or response code as text; used when `msg` cannot be parsed. */
  method: string
  reply_reason?: string
  /** The Request-URI's user, when the API gives it and `msg` cannot be parsed. */
  ruri_user?: string
  source_ip: string
  source_port: number
  destination_ip: string
  destination_port: number
  /** UDP, TCP or TLS; UDP when missing. Only UDP retransmits. */
  protocol?: string
  msg: string
}

/** A final response of an INVITE transaction. */
export interface FinalResponse {
  code: number
  reason: string
}

/** How a call leg's INVITE ended. */
export type CallState = 'answered' | 'busy' | 'cancelled' | 'rejected' | 'redirected' | 'no_final_response'

/** A message of the trace: its position in time order, its time, and how the ladder labels it. */
export interface MessageRef {
  message: number
  /** Milliseconds since the first packet of the trace. */
  t_ms: number
  label: string
}

/** One line of the message ladder; retransmissions are folded into the line of their original. */
export interface LadderStep {
  /** Milliseconds since the first packet of the trace. */
  t_ms: number
  /** `A` for the first leg (the customer's), `B1`, `B2`… for the legs after it. */
  leg: string
  from: string
  to: string
  label: string
  /** Position of the (first) message in the trace. */
  message: number
  /** How many times it was sent: 1, or more when retransmitted. */
  sent: number
}

/** A Reason header cause, with the Q.850 name when it is one. */
export interface ReasonInfo extends ReasonCause {
  name?: string
}

/** How the parties' requests or responses were repeated, and which timer the spacing shows. */
export interface Retransmission {
  label: string
  first: MessageRef
  /** Copies sent, the first included. */
  sent: number
  /** Milliseconds between consecutive copies (at most 10). */
  intervals_ms: number[]
  /** `doubling` (T1, 2·T1…), `doubling_capped` (stops growing at T2), `irregular`, or `single` (one repeat). */
  pattern: 'doubling' | 'doubling_capped' | 'irregular' | 'single'
  /** The RFC 3261 timer the spacing matches, in words. */
  timer: string
  /** For a request, whether any response came back; for a response, whether it was acknowledged. */
  answered: boolean
}

/** Who ended a leg, how, and why. */
export interface ReleaseInfo {
  /** BYE after answer, CANCEL before it, or the final response of a failed INVITE. */
  method: 'BYE' | 'CANCEL' | 'final_response'
  by: 'caller' | 'callee'
  /** The role of that side: customer, switch or carrier. */
  party: string
  at: MessageRef
  reason: ReasonInfo | null
  /** The final response the BYE or CANCEL got (200, 481…), `null` when none was captured. */
  response: number | null
}

/** A sign of NAT or of an address the other side cannot reach. */
export interface NatObservation {
  check: 'private_contact' | 'private_via' | 'private_sdp' | 'bad_sdp_address' | 'via_source_mismatch' | 'via_port_mismatch'
    | 'contact_source_mismatch' | 'received_differs' | 'switch_nat_flag'
  /** The party whose address it is. */
  party: string
  /** The address as written in the message. */
  value: string
  /** Where the packet actually came from. */
  source: string
  at: MessageRef
}

/** A hold or resume seen in a re-INVITE or UPDATE. */
export interface HoldEvent {
  at: MessageRef
  by: string
  /** `sendonly`, `inactive`, `c=0.0.0.0` (legacy hold) or `resume`. */
  kind: Direction | 'c=0.0.0.0' | 'resume'
}

/** The audio of a leg: the initial offer and answer, early media, holds. */
export interface MediaAnalysis extends Negotiation {
  offer_at: MessageRef
  answer_at: MessageRef | null
  /** Media addresses (SDP c=) of the offer and the answer. */
  addresses: { offer: string | null, answer: string | null }
  /** A 18x carried SDP: media before answer (ringback, announcements). */
  early_media: boolean
  /** At most 5. */
  holds: HoldEvent[]
  /** The last re-offer left the call on hold. */
  on_hold_at_end: boolean
}

/** Digest authentication on a leg (RFC 3261 §22). */
export interface AuthAnalysis {
  /** The username of the last credentials sent (`Authorization: Digest username="…"`). */
  username: string | null
  /** Initial INVITEs answered with 401 or 407. */
  challenges: number
  /** Of those, challenges marked `stale=true` (a new nonce, not a refusal). */
  stale: number
  /** INVITEs that carried credentials. */
  with_credentials: number
  /** An INVITE with credentials was challenged again (not stale): the credentials are wrong. */
  rejected_credentials: boolean
  /** Three or more non-stale challenges. */
  loop: boolean
}

/** What one leg (one Call-ID) of the call did. */
export interface LegAnalysis {
  callid: string
  leg: string
  /** Sender of the first INVITE, and where it went. */
  from: string
  to: string
  /** Roles of the two sides: customer → switch on the A leg, switch → carrier on B legs. */
  caller_role: string
  callee_role: string
  /** The Request-URI user of the first INVITE: the number as dialled on this leg. */
  dialled: string | null
  /** The From user of the first INVITE: the calling number as presented on this leg. */
  cli: string | null
  /** The ConnexCS edge proxy the leg came through (`X-AnyEdge-Host` of its first INVITE), if any. */
  edge_host: string | null
  /** Where the first INVITE really came from: its `X-Orig-IP` behind an edge proxy, else its source. */
  caller_ip: string | null
  transport: string
  state: CallState
  final_response: FinalResponse | null
  /** INVITE transactions challenged with 401/407 before the last one. */
  auth_challenges: number
  messages: number
  /** First INVITE → first 180/183 (or the 200 when there was no 18x); 100 Trying does not count. */
  pdd_ms: number | null
  /** The authenticated INVITE → first 180/183 (or 200): the network's part, without the challenge. */
  pdd_after_auth_ms: number | null
  /** First INVITE → 200 OK of the INVITE. */
  setup_time_ms: number | null
  /** First 180/183 → the final response. */
  ring_time_ms: number | null
  /** 200 OK → its ACK. */
  answer_to_ack_ms: number | null
  /** 200 OK of the INVITE → first BYE. */
  talk_time_ms: number | null
  /** First INVITE → the final response of the last INVITE. */
  final_after_ms: number | null
  invite: MessageRef | null
  ringing: MessageRef | null
  answer: MessageRef | null
  final: MessageRef | null
  /** The ACK of the 200 OK. */
  ack: MessageRef | null
  /** The Reason header of the final response (RFC 6432), and its Warning header (RFC 3261 §20.43). */
  final_reason: ReasonInfo | null
  final_warning: string | null
  /** Distinct provisional responses to the INVITE (at most 8). */
  provisional: Array<{ code: number, reason: string, sdp: boolean, at: MessageRef }>
  auth: AuthAnalysis
  release: ReleaseInfo | null
  /** Retransmitted messages (at most 8), and how many extra copies there were in all. */
  retransmissions: Retransmission[]
  retransmitted_copies: number
  /** INVITE retransmissions that got no response of any kind. */
  unanswered_invites: number
  /** A 100 Trying or other response arrived for the first INVITE. */
  got_response: boolean
  /** Request/response transactions (INVITE, CANCEL, BYE…); ACKs belong to their INVITE. */
  transactions: number
  /** At most 8, one per check and address. */
  nat: NatObservation[]
  media: MediaAnalysis | null
  /** Session-Expires of the 200 OK (or the INVITE), RFC 4028. */
  session_expires_s: number | null
  /** Size in bytes of the first INVITE: on UDP, above 1300 risks fragmentation. */
  invite_bytes: number | null
}

/** Who ended the call as a whole. */
export interface CallRelease {
  /**
   * customer, switch or carrier; `unknown` when the customer's leg shows the switch's BYE and no
   * carrier leg is in the trace (usually the called party's hang-up, relayed).
   */
  by: string
  leg: string
  method: ReleaseInfo['method']
  at: MessageRef
  reason: ReasonInfo | null
  /** Who sent the BYE on each leg that shows one. */
  byes: Array<{ leg: string, by: string }>
}

/** The analysis of a whole trace. Every list is capped; each `*_omitted` says how much was left out. */
export interface TraceAnalysis {
  callid: string
  message_count: number
  /** ISO time of the first packet. */
  started_at: string | null
  /** First packet → last packet: how long the capture spans, not how long anyone talked. */
  trace_span_ms: number
  /** The A leg, which decides the call's outcome. */
  call: LegAnalysis
  legs: LegAnalysis[]
  legs_omitted: number
  release: CallRelease | null
  /** Ranked, most likely root cause first. */
  findings: Finding[]
  findings_omitted: number
  ladder: LadderStep[]
  /** Messages not shown in `ladder` (the middle of a long trace). */
  ladder_omitted: number
  /** The same packet captured twice within 50 ms (a mirror port), dropped before analysis. */
  capture_duplicates: number
  /** Packets whose `msg` is not SIP; they keep their `method` in the ladder. */
  unparsed: number
}

/** Options of {@link analyzeTrace}. */
export interface TraceOptions {
  /** PDD above this is a finding (default 5000 ms). */
  pddWarnMs?: number
  /** Ladder steps kept (default 200: the first 150 and the last 50). */
  maxLadder?: number
  /** Legs kept (default 20). */
  maxLegs?: number
  /** Findings kept (default 20). */
  maxFindings?: number
}
