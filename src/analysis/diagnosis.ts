/**
 * The diagnosis of one call: root cause, evidence, recommendations and next steps, from whatever
 * parts a tool managed to fetch. Every part is optional: a call with no trace is diagnosed from
 * its routing record, one with neither says what is missing and how to get it.
 */
import { humanDuration } from '../lib/format'
import { toolCallsText, type AiAgentSummary } from './aiAgent'
import { evidenceText, rankFindings, type Finding, type Severity } from './findings'
import { streamFigures, streamPath, type QualitySummary, type StreamQuality } from './rtcpQuality'
import type { CallState, TraceAnalysis } from './traceTypes'
import { explainCarrierResponse, explainNumber, explainSwitchRefusal, type Explanation } from './traceFindings'

/** A carrier the switch tried, from the routing record (`egress_routing`). */
export interface CarrierAttempt {
  provider_id?: number | string | null
  provider_name?: string | null
  sip_code?: number | null
  sip_reason?: string | null
}

/** What the routing record (`GET log?s=`) says about the call, in the API's field names. */
export interface RoutingFacts {
  sip_code?: number | null
  sip_reason?: string | null
  dest_number?: string | null
  cli?: string | null
  customer_id?: number | string | null
  /** Carriers tried, in order. */
  attempts?: readonly CarrierAttempt[] | null
  release_reason?: string | null
  duration_s?: number | null
  /** The username the caller authenticated with (the routing record's `params.au`). */
  auth_user?: string | null
  /** Where the INVITE came from (`params.si`). */
  source_ip?: string | null
  /** The customer's rate card that matched the number; `null` when none did. */
  customer_card_id?: string | null
}

/** The customer of a call, as far as an engineer needs it to act on a refusal. */
export interface CustomerFacts {
  id: number | string
  name?: string | null
  /** Its rate cards (routing rows), for a call no card had a rule for. */
  cards?: ReadonlyArray<{ id: string, name?: string | null }> | null
}

/** A part of the investigation that could not be fetched, and why. */
export interface UnavailablePart {
  part: 'trace' | 'routing' | 'quality' | 'class5' | 'transcription' | 'ai_agent'
  why: string
}

/** Everything a tool could gather about one call; each part may be missing. */
export interface DiagnosisInput {
  callid: string
  trace?: TraceAnalysis | null
  routing?: RoutingFacts | null
  quality?: QualitySummary | null
  /** Whether the call used Class 5 features (`log/class5` non-empty), and which. */
  class5?: { present: boolean, kinds?: readonly string[] } | null
  /** What the AI agent did, when one took the call. */
  ai_agent?: AiAgentSummary | null
  /** The call's customer. */
  customer?: CustomerFacts | null
  /** The customer who owns the calling number, when the switch could not tell who called (an unknown IP). */
  cli_owner?: CustomerFacts | null
  unavailable?: readonly UnavailablePart[]
}

/** The outcome of the call as far as it is known. */
export type Outcome = CallState | 'unknown'

/** A finding in the diagnosis' short list. */
export interface FindingBrief {
  code: Finding['code']
  severity: Severity
  title: string
  leg?: string
}

/**
 * A source that would tell more about the call: its trace, RTCP, transcript or AI-agent log; the
 * other calls to its number or from its source IP; the traffic of the carrier that failed it.
 */
export type FollowUpKind = 'sip_trace' | 'call_quality' | 'transcript' | 'ai_agent_log' | 'calls_to_number' | 'calls_from_ip' | 'carrier_traffic'

/** Something worth looking at next, and why; the analysis knows no tool names. */
export interface FollowUp {
  kind: FollowUpKind
  why: string
  /** For `calls_from_ip`: the address. */
  ip?: string
  /** For `carrier_traffic`: the carrier. */
  provider_id?: number | string
}

const CARRIER_CAUSES = new Set<Finding['code']>(['carrier_unavailable', 'carrier_timeout', 'carrier_forbidden', 'carrier_auth_required', 'carrier_rejected', 'codec_mismatch'])
const CALLER_CAUSES = new Set<Finding['code']>(['ip_not_authorised', 'unknown_user', 'auth_failed', 'auth_loop', 'invite_unanswered'])
// Causes on the customer's side when they are on its leg.
const CALLER_LEG_CAUSES = new Set<Finding['code']>(['ack_timeout', 'ack_missing', 'ack_not_received', 'cancel_unanswered'])

/** The diagnosis: small, plain language, root cause first. */
export interface Diagnosis {
  outcome: Outcome
  /** One or two sentences. */
  summary: string
  root_cause: (Explanation & { leg?: string }) | null
  /** At most 5 lines: which message, what the routing log or RTCP says. */
  evidence: string[]
  /** At most 4, most important first. */
  recommendations: string[]
  /** At most 8, ranked. */
  findings: FindingBrief[]
  findings_omitted: number
  /** At most 4: what else would tell more about the call (the tool turns them into next steps). */
  follow_ups: FollowUp[]
  /** The parts that were not available, in words. */
  missing: string[]
}

function outcomeOfCode (code: number): Outcome {
  if (code >= 200 && code < 300) return 'answered'
  if (code >= 300 && code < 400) return 'redirected'
  if (code === 486 || code === 600) return 'busy'
  if (code === 487) return 'cancelled'
  return 'rejected'
}

/** Findings from the routing record alone, for a call without a usable trace. */
function routingFindings (routing: RoutingFacts): Finding[] {
  const out: Finding[] = []
  const code = routing.sip_code ?? undefined
  const reason = routing.sip_reason ?? ''
  const attempts = routing.attempts ?? []
  if (code !== undefined && code >= 300) {
    const tried = attempts.filter(t => typeof t.sip_code === 'number')
    const last = tried.at(-1)
    let explanation: Explanation | undefined
    if (last === undefined) {
      explanation = explainSwitchRefusal(code, reason, { dialled: routing.dest_number, username: routing.auth_user, sourceIp: routing.source_ip })
    } else {
      const name = last.provider_name ?? (last.provider_id === undefined || last.provider_id === null ? 'the carrier' : `carrier ${last.provider_id}`)
      explanation = explainCarrierResponse(last.sip_code!, last.sip_reason ?? '', { sender: last.provider_name === undefined || last.provider_name === null ? name : `the carrier ${name}` })
    }
    if (explanation !== undefined) out.push({ ...explanation, evidence: [] })
  }
  if (routing.dest_number !== null && routing.dest_number !== undefined) {
    const failedOnNumber = out.some(f => f.code === 'no_route' || f.code === 'blocked_by_dial_plan') || [404, 484, 485, 604].includes(code ?? 0)
    const explanation = explainNumber(routing.dest_number, failedOnNumber ? 'critical' : code !== undefined && code < 300 ? 'info' : 'warning')
    if (explanation !== undefined) out.push({ ...explanation, evidence: [] })
  }
  return out
}

const QUALITY_FIX: Record<string, string> = {
  jitter: 'Jitter comes from congestion or Wi-Fi on the path: check the network between that party and the media server; a larger jitter buffer hides some of it.',
  loss: 'Packet loss comes from congestion, a saturated uplink or a bad link: check bandwidth and the path between that party and the media server.',
  RTT: 'High delay comes from long paths: use a media zone close to the parties.',
  MOS: 'Check the stream\'s jitter, loss and delay, and the codec (a low-bitrate codec lowers MOS).'
}

/** The worst stream that carries audio: a silent one is one-way audio, not poor quality. */
function qualityFinding (quality: QualitySummary): Finding | undefined {
  const worst: StreamQuality | undefined = quality.streams.find(s => !s.no_audio)
  if (worst === undefined || (worst.grade !== 'poor' && worst.grade !== 'bad')) return undefined
  const mos = worst.mos.mos === null ? (worst.reported_mos === null ? 'no MOS' : `reported MOS ${worst.reported_mos.avg}`) : `MOS ${worst.mos.mos}`
  const first = worst.issues[0] ?? ''
  const key = Object.keys(QUALITY_FIX).find(k => first.startsWith(k)) ?? 'MOS'
  return {
    code: 'poor_quality',
    severity: worst.grade === 'bad' ? 'critical' : 'warning',
    title: `Audio quality was ${worst.grade} on leg ${worst.leg} (${streamPath(worst.leg, worst.direction)}): ${mos}`,
    meaning: `RTCP for that stream: ${worst.issues.join('; ') || 'past the thresholds'}.`,
    fix: QUALITY_FIX[key]!,
    leg: worst.leg,
    evidence: []
  }
}

const NAT_CODES = new Set<Finding['code']>(['nat_private_sdp', 'nat_private_contact', 'bad_sdp_address'])

/**
 * One-way audio seen in RTCP: a finding of its own, and when the trace shows the usual cause on
 * that leg (a private or unusable address), that cause becomes critical with RTCP as proof.
 */
function oneWayFindings (quality: QualitySummary, all: Finding[]): void {
  const oneWay = quality.one_way[0]
  if (oneWay === undefined) return
  const silent = streamPath(oneWay.leg, oneWay.silent)
  const flowing = streamPath(oneWay.leg, oneWay.flowing)
  const proof = `RTCP confirms it: nothing arrives ${silent} while ${flowing} flows.`
  const cause = all.findIndex(f => NAT_CODES.has(f.code) && f.leg === oneWay.leg)
  if (cause >= 0) all[cause] = { ...all[cause]!, severity: 'critical', meaning: `${all[cause]!.meaning} ${proof}` }
  all.push({
    code: 'one_way_media',
    severity: 'critical',
    title: `One-way audio on leg ${oneWay.leg}: nothing arrives ${silent}`,
    meaning: `RTCP reports no packets received ${silent}, while ${flowing} has audio: one party hears the other, not the reverse. The media is sent to an address the receiver does not listen on (NAT, a private SDP address), or a firewall drops it.`,
    fix: 'Check NAT traversal for that party (its SDP c= address, symmetric RTP / media latching on the RTP server, the SIP ALG on its router) and firewalls on the RTP port range.',
    leg: oneWay.leg,
    evidence: []
  })
}

/** `and ended normally: the caller hung up after 1 min 02 s of talk`, from the trace's release. */
function describeEnd (trace: TraceAnalysis | undefined): string {
  if (trace === undefined) return ''
  const release = trace.release
  const talk = trace.call.talk_time_ms
  if (release === null || release.method !== 'BYE') return ' (no hang-up in the trace)'
  const after = talk === null ? '' : ` after ${humanDuration(talk)} of talk`
  // The switch's BYE on the customer's leg, with no carrier leg to show where it came from: most likely relayed.
  if (release.by === 'unknown') return ` and ended normally${after}: the switch sent the BYE to the caller (usually the called party's hang-up, relayed; the carrier's leg is not in the trace)`
  const who = release.by === 'customer' ? 'the caller' : release.by === 'carrier' ? 'the called party' : 'the switch'
  return ` and ended normally: ${who} hung up${after}`
}

const OUTCOME_WORDS: Record<Outcome, string> = {
  answered: 'was answered',
  busy: 'was busy',
  cancelled: 'was cancelled before answer',
  rejected: 'failed',
  redirected: 'was redirected',
  no_final_response: 'got no final response',
  unknown: ''
}

/** `The switch refused` → `the switch refused`; `INFO was sent` stays. */
function lowerFirst (text: string): string {
  return /^[A-Z][a-z]/.test(text) ? text.charAt(0).toLowerCase() + text.slice(1) : text
}

/** `the AI agent "Reception Assistant" called find_slots (820 ms), book_slot (640 ms)`. */
function agentText (ai: AiAgentSummary): string {
  const who = ai.agent === null ? 'the AI agent' : `the AI agent "${ai.agent}"`
  if (ai.tools.length === 0) return `${who} took ${ai.steps} step${ai.steps === 1 ? '' : 's'} and called no tool`
  return `${who} called ${toolCallsText(ai.tools)}${ai.tools_omitted === 0 ? '' : ` and ${ai.tools_omitted} more`}`
}

function customerText (c: CustomerFacts): string {
  return `customer ${c.id}${c.name === undefined || c.name === null || c.name === '' ? '' : ` (${c.name})`}`
}

/**
 * The root cause with what the engineer needs to act on it that only other records hold: the
 * customer's cards for a number no card routes, the customer who owns the calling number for an
 * unknown source IP.
 */
function withSpecifics (f: Finding, input: DiagnosisInput): Finding {
  const customer = input.customer ?? undefined
  if (f.code === 'no_route' && customer !== undefined && !/\(u\)|no carrier/i.test(f.title)) {
    const cards = (customer.cards ?? []).filter(c => c.id !== '' && c.id !== 'internal')
    if (cards.length === 0) return f
    const list = cards.slice(0, 4).map(c => c.name === undefined || c.name === null || c.name === '' ? c.id : `"${c.name}" (${c.id})`).join(', ')
    const which = cards.length === 1 ? `the customer's only card, ${list}` : `the customer's cards ${list}`
    return {
      ...f,
      title: `${f.title}, on ${which}`,
      meaning: `${f.meaning} ${capitalised(customerText(customer))} routes by ${cards.length === 1 ? 'one card' : `${cards.length} cards`} (${list}), and none has a rule for the number.`
    }
  }
  const owner = input.cli_owner ?? undefined
  if (f.code === 'ip_not_authorised' && owner !== undefined) {
    const cli = input.routing?.cli ?? trace(input)?.call.cli ?? 'the calling number'
    const ip = input.routing?.source_ip ?? trace(input)?.call.caller_ip ?? 'the source IP'
    return {
      ...f,
      title: `${f.title}; the CLI ${cli} belongs to ${customerText(owner)}`,
      meaning: `${f.meaning} The calling number ${cli} is one of ${customerText(owner)}'s CLIs: most likely its PBX now sends from ${ip}.`,
      fix: `Check that ${ip} is ${owner.name ?? `customer ${owner.id}`}'s, then add it to that customer's IP authentication (changes can take up to 60 s to reach every switch); or have the customer send from an IP it already has.`
    }
  }
  return f
}

function capitalised (text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}

function trace (input: DiagnosisInput): TraceAnalysis | undefined {
  return input.trace ?? undefined
}

/**
 * Builds the diagnosis of one call from the parts a tool fetched. Pure and small (a few hundred
 * bytes to a couple of KB), whatever the size of the parts.
 */
export function diagnoseCall (input: DiagnosisInput): Diagnosis {
  const trace = input.trace !== null && input.trace !== undefined && input.trace.message_count > 0 ? input.trace : undefined
  const routing = input.routing ?? undefined
  const quality = input.quality ?? undefined
  const missing: string[] = (input.unavailable ?? []).map(u => `${u.part}: ${u.why}`)
  const next: FollowUp[] = []

  let outcome: Outcome = 'unknown'
  if (trace !== undefined) outcome = trace.call.state
  else if (typeof routing?.sip_code === 'number') outcome = outcomeOfCode(routing.sip_code)

  const all: Finding[] = []
  if (trace !== undefined) all.push(...trace.findings)
  else if (routing !== undefined) all.push(...routingFindings(routing))
  if (trace === undefined) {
    if (!missing.some(m => m.startsWith('trace:'))) missing.push('trace: not fetched')
    next.push({ kind: 'sip_trace', why: 'Read the SIP flow of the call (kept 7 days).' })
  }
  if (quality !== undefined && quality.samples > 0) {
    oneWayFindings(quality, all)
    const f = qualityFinding(quality)
    if (f !== undefined) all.push(f)
  } else if (outcome === 'answered') {
    if (!missing.some(m => m.startsWith('quality:'))) missing.push(quality === undefined ? 'quality: RTCP not fetched' : 'quality: no RTCP samples (RTCP must be enabled on both ends)')
    if (quality === undefined) next.push({ kind: 'call_quality', why: 'Check jitter, loss and MOS of the answered call.' })
  }
  if (input.class5?.present === true) {
    const kinds = input.class5.kinds?.slice(0, 4).join(', ')
    const ai = input.ai_agent ?? undefined
    const agent = ai === undefined || ai.steps === 0 ? '' : agentText(ai)
    all.push({
      code: 'class5',
      severity: 'info',
      title: `The call used Class 5 features${kinds === undefined || kinds === '' ? '' : ` (${kinds})`}${agent === '' ? '' : `: ${agent}`}`,
      meaning: 'Part of the call was handled by the switch\'s own applications (IVR, queue, voicemail, conference or AI agent), so their logs can explain what the caller experienced.' +
        (ai === undefined || ai.errors === 0 ? '' : ` The AI agent's log has ${ai.errors} error step${ai.errors === 1 ? '' : 's'}.`),
      fix: 'Read the transcription and the AI agent or application logs of the call.',
      evidence: []
    })
    next.push({ kind: 'transcript', why: 'What was said on the call.' })
    next.push({ kind: 'ai_agent_log', why: 'What the AI agent did on the call.' })
  }

  const ranked = rankFindings(all)
  // A failed call's root cause is what ended it, as the trace analysis found it (its first finding);
  // an answered call's is its worst problem, RTCP included.
  const traceRoot = trace !== undefined && outcome !== 'answered' ? trace.findings[0] : undefined
  const top = ranked[0]
  const rootFinding = traceRoot ?? (top !== undefined && (top.severity !== 'info' || outcome !== 'answered') ? top : undefined)
  const specific = rootFinding === undefined ? undefined : withSpecifics(rootFinding, input)
  const root = specific === undefined
    ? null
    : {
        code: specific.code,
        severity: specific.severity,
        title: specific.title,
        meaning: specific.meaning,
        fix: specific.fix,
        ...(specific.leg === undefined ? {} : { leg: specific.leg })
      }

  const evidence: string[] = []
  for (const e of rootFinding?.evidence ?? []) evidence.push(evidenceText(e))
  if (routing !== undefined && typeof routing.sip_code === 'number') {
    const carriers = (routing.attempts ?? []).slice(0, 3).map(t => `${t.provider_name ?? t.provider_id ?? '?'} ${t.sip_code ?? ''}`.trim())
    evidence.push(`routing log: ${routing.sip_code} ${routing.sip_reason ?? ''}`.trim() + (carriers.length === 0 ? '' : `; carriers tried: ${carriers.join(', ')}`))
  }
  if (routing?.release_reason !== undefined && routing.release_reason !== null && routing.release_reason !== '') evidence.push(`release reason: ${routing.release_reason}`)
  if (quality !== undefined && quality.samples > 0 && quality.streams[0] !== undefined) {
    const s = quality.streams[0]
    const figures = streamFigures(s)
    evidence.push(`RTCP worst stream, leg ${s.leg} ${streamPath(s.leg, s.direction)}: ${s.no_audio ? 'no audio' : s.grade}${figures === '' ? '' : `, ${figures}`}`)
  }

  // The root cause's fix first; a fix it already says (a failover's first carrier) is not repeated.
  const others = ranked.filter(f => f.severity !== 'info' && f.code !== specific?.code && !(specific?.fix.includes(f.fix) ?? false)).map(f => f.fix)
  const recommendations = [...new Set([...(specific === undefined ? [] : [specific.fix]), ...others])].slice(0, 4)
  const number = routing?.dest_number ?? trace?.call.dialled ?? null
  if (number !== null && ranked.some(f => ['no_route', 'duplicated_prefix', 'trunk_prefix_left', 'number_malformed', 'blocked_by_dial_plan'].includes(f.code))) {
    next.push({ kind: 'calls_to_number', why: 'See whether other calls to this number fail the same way.' })
  }
  // The next useful look for a caller's or a carrier's fault: the caller's other calls, the carrier's other traffic.
  const sourceIp = routing?.source_ip ?? trace?.call.caller_ip ?? null
  if (root !== null && (CALLER_CAUSES.has(root.code) || (CALLER_LEG_CAUSES.has(root.code) && root.leg === 'A')) && sourceIp !== null) {
    next.push({ kind: 'calls_from_ip', ip: sourceIp, why: `Other calls from ${sourceIp}: does every call from it fail the same way?` })
  }
  // The carrier at fault: the root cause's, or the first that failed before the call went elsewhere.
  const faulty = root !== null && CARRIER_CAUSES.has(root.code) && root.severity !== 'info'
    ? root
    : root === null ? undefined : ranked.find(f => CARRIER_CAUSES.has(f.code) && f.severity !== 'info' && f.leg !== undefined && f.leg !== 'A')
  const faultyLeg = faulty?.leg === undefined ? undefined : /^B(\d+)$/.exec(faulty.leg)
  const attempts = routing?.attempts ?? []
  const attempt = faultyLeg === undefined || faultyLeg === null ? attempts.at(-1) : attempts[Number(faultyLeg[1]) - 1]
  if (faulty !== undefined && attempt?.provider_id !== undefined && attempt.provider_id !== null) {
    next.push({ kind: 'carrier_traffic', provider_id: attempt.provider_id, why: `How carrier ${attempt.provider_name ?? attempt.provider_id} did on other calls that day: one call, or an outage?` })
  }

  let summary: string
  const name = `Call ${input.callid}`
  if (outcome === 'unknown') summary = `Nothing could be established about call ${input.callid}: neither its trace nor its routing record was available.`
  else if (root !== null && outcome === 'answered') summary = `${name} was answered, but ${lowerFirst(root.title)}.`
  else if (root !== null) summary = `${name} ${OUTCOME_WORDS[outcome]}: ${lowerFirst(root.title)}.`
  else if (outcome === 'answered') summary = `${name} was answered${describeEnd(trace)}. No fault found.`
  else summary = `${name} ${OUTCOME_WORDS[outcome]}; what was fetched shows no specific cause.`

  return {
    outcome,
    summary,
    root_cause: root,
    evidence: evidence.slice(0, 5),
    recommendations,
    findings: ranked.slice(0, 8).map(f => ({ code: f.code, severity: f.severity, title: f.title, ...(f.leg === undefined ? {} : { leg: f.leg }) })),
    findings_omitted: Math.max(0, ranked.length - 8) + (trace?.findings_omitted ?? 0),
    follow_ups: next.slice(0, 4),
    missing
  }
}
