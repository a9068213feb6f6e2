/**
 * The findings of a trace: the classic failure signatures of a Class 4 call, each explained in
 * plain language with the messages that show it and the fix. Reads only the analysis data.
 */
import { humanDuration } from '../lib/format'
import { rankFindings, type Evidence, type Finding, type FindingCode, type Severity } from './findings'
import { numberProblems, type NumberProblem } from './numbers'
import { sipCodeInfo, switchReason, type FailureKind } from './sipCodes'
import type { LegAnalysis, MessageRef, NatObservation, ReasonInfo, TraceAnalysis } from './traceTypes'

/** What the findings are computed from: the analysis before its findings. */
export type TraceBase = Omit<TraceAnalysis, 'findings' | 'findings_omitted'>

/** A message as evidence: on the finding's leg, or on another leg when tagged with it. */
type Ref = MessageRef | null | undefined | { on: LegAnalysis, ref: MessageRef | null | undefined }

function evidence (leg: LegAnalysis, refs: readonly Ref[]): Evidence[] {
  const seen = new Set<number>()
  const out: Evidence[] = []
  for (const item of refs) {
    const [owner, ref] = item !== null && item !== undefined && 'on' in item ? [item.on, item.ref] : [leg, item]
    if (ref === null || ref === undefined || seen.has(ref.message) || out.length >= 3) continue
    seen.add(ref.message)
    out.push({ leg: owner.leg, t_ms: ref.t_ms, message: ref.message, label: ref.label })
  }
  return out
}

function make (code: FindingCode, severity: Severity, leg: LegAnalysis, title: string, meaning: string, fix: string, refs: readonly Ref[]): Finding {
  return { code, severity, title, meaning, fix, leg: leg.leg, evidence: evidence(leg, refs) }
}

/** `the carrier (B1, 192.0.2.20)`. */
function carrierOf (leg: LegAnalysis): string {
  return `the carrier (${leg.leg}, ${leg.to})`
}

function finalText (leg: LegAnalysis): string {
  return responseText(leg.final_response!.code, leg.final_response!.reason)
}

function responseText (code: number, reason: string): string {
  return `${code}${reason === '' ? '' : ' ' + reason}`
}

function reasonNote (r: ReasonInfo | null | undefined): string {
  if (r === null || r === undefined) return ''
  return ` The response carries Reason: ${r.protocol} cause ${r.cause}${r.name === undefined ? '' : ` (${r.name})`}${r.text === undefined ? '' : ` "${r.text}"`}.`
}

const KIND_SEVERITY: Record<FailureKind, Severity> = { user: 'info', number: 'warning', protocol: 'warning', network: 'critical', media: 'critical', auth: 'critical' }

function capitalise (text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}

/** A finding before it is tied to a leg and its messages. */
export type Explanation = Pick<Finding, 'code' | 'severity' | 'title' | 'meaning' | 'fix'>

/** What is known around a final response, to explain it. */
export interface ResponseContext {
  /** Who sent it: `the carrier (B1, 192.0.2.20)`. */
  sender?: string
  /** The voice codecs offered, for 488/606. */
  offered?: readonly string[]
  /** Its Warning header. */
  warning?: string | null
  /** Its Reason header. */
  reason?: ReasonInfo | null
  /** Whether a provisional response (100 Trying) came first: `undefined` when unknown. */
  gotResponse?: boolean
  /** The number as dialled, for a refusal that concerns it (no route, dial plan). */
  dialled?: string | null
  /** The username of the credentials sent, for an authentication refusal. */
  username?: string | null
  /** Where the INVITE came from, for an IP refusal. */
  sourceIp?: string | null
}

/** The specifics of a switch refusal, in a few words: what the engineer looks up next. */
function refusalDetail (finding: string, reason: string, context: ResponseContext): string {
  const number = context.dialled === null || context.dialled === undefined || context.dialled === '' ? undefined : context.dialled
  if (finding === 'no_route' && number !== undefined) return /\(u\)/i.test(reason) ? `no carrier has a rule for ${number}` : `no rule for ${number}`
  if (finding === 'blocked_by_dial_plan' && number !== undefined) return `${number} is not allowed`
  if (finding === 'unknown_user' && context.username !== undefined && context.username !== null) return `user "${context.username}"`
  if (finding === 'ip_not_authorised' && context.sourceIp !== undefined && context.sourceIp !== null) return `${context.sourceIp} is no customer's IP`
  return ''
}

/**
 * Explains a final response the switch gave the customer without trying any carrier (its own
 * refusal). `undefined` for 401/407 and 487, which authentication and cancel findings explain.
 */
export function explainSwitchRefusal (code: number, reason: string, context: ResponseContext = {}): Explanation | undefined {
  const title = `The switch refused the call with ${responseText(code, reason)}`
  const note = reasonNote(context.reason)
  const known = switchReason(reason)
  if (known !== undefined) {
    const detail = refusalDetail(known.finding, reason, context)
    return { code: known.finding as FindingCode, severity: 'critical', title: detail === '' ? title : `${title}: ${detail}`, meaning: `${capitalise(known.meaning)}.${note}`, fix: known.fix }
  }
  if (code === 401 || code === 407 || code === 487) return undefined
  if (code === 402) return { code: 'insufficient_balance', severity: 'critical', title, meaning: `The account has no credit left to pay for the call.${note}`, fix: 'Top up the customer\'s balance or raise the credit/debit limit.' }
  if (code === 403) {
    return {
      code: 'forbidden',
      severity: 'critical',
      title,
      meaning: `The switch recognised the call but will not place it: the account may be suspended, the destination barred, the CLI rejected, or credit exhausted.${note}`,
      fix: 'Check the customer\'s status, balance, dial plan and CLI rules, and the routing log of the call for the rule that refused it.'
    }
  }
  if (code === 488 || code === 606) {
    return {
      code: 'codec_mismatch',
      severity: 'critical',
      title: `The switch refused the customer's codecs: ${responseText(code, reason)}`,
      meaning: `None of the codecs the customer offered (${context.offered?.join(', ') || 'not known'}) is acceptable.${context.warning === null || context.warning === undefined ? '' : ` Warning: ${context.warning}.`}`,
      fix: 'Offer a codec the route supports (G.711 PCMA/PCMU is the safe choice), or enable transcoding on the media zone.'
    }
  }
  const info = sipCodeInfo(code)
  return { code: 'call_failed', severity: KIND_SEVERITY[info.kind], title: `The switch answered ${responseText(code, reason)}`, meaning: `${capitalise(info.meaning)}.${note}`, fix: info.remediation }
}

/** Explains a carrier's final failure response; `undefined` for a success. */
export function explainCarrierResponse (code: number, reason: string, context: ResponseContext = {}): Explanation | undefined {
  if (code < 300) return undefined
  const info = sipCodeInfo(code)
  const title = `${capitalise(context.sender ?? 'the carrier')} answered ${responseText(code, reason)}`
  const note = reasonNote(context.reason)
  switch (code) {
    case 408:
      return {
        code: 'carrier_timeout',
        severity: 'critical',
        title,
        meaning: `${context.gotResponse === true
          ? 'The carrier accepted the INVITE (100 Trying) but no final answer came before the timeout: its own next hop did not respond in time.'
          : 'No answer came from the carrier before the timeout: it is unreachable or too slow.'}${note}`,
        fix: info.remediation
      }
    case 403:
      return {
        code: 'carrier_forbidden',
        severity: 'critical',
        title,
        meaning: `The carrier refused the call: usually our IP is not in its allowed list, or a wrong tech prefix, a suspended account, a barred destination or a rejected CLI.${note}`,
        fix: 'Check with the carrier that our signalling IPs are allowed, the tech prefix and the CLI format; ask which rule refused it.'
      }
    case 401:
    case 407:
      return {
        code: 'carrier_auth_required',
        severity: 'critical',
        title,
        meaning: 'The carrier asks for digest authentication (a username and password) and did not get credentials: it expects authentication or registration, not IP authentication.',
        fix: 'Configure the carrier\'s username and password on the carrier, or ask the carrier to authenticate us by IP.'
      }
    case 488:
    case 606:
      return {
        code: 'codec_mismatch',
        severity: 'critical',
        title,
        meaning: `The carrier accepts none of the codecs the switch offered (${context.offered?.join(', ') || 'not known'}).${context.warning === null || context.warning === undefined ? '' : ` Warning: ${context.warning}.`}`,
        fix: 'Offer a codec the carrier supports (ask which), or enable transcoding on the media zone so the switch can offer it.'
      }
    case 503:
      return { code: 'carrier_unavailable', severity: 'critical', title, meaning: `${capitalise(info.meaning)}.${note}`, fix: info.remediation }
    default:
      return { code: 'carrier_rejected', severity: KIND_SEVERITY[info.kind], title, meaning: `${capitalise(info.meaning)}.${note}`, fix: info.remediation }
  }
}

function place (explanation: Explanation, leg: LegAnalysis, refs: readonly Ref[]): Finding {
  return { ...explanation, leg: leg.leg, evidence: evidence(leg, refs) }
}

/**
 * A carrier leg that did not answer: why, from the carrier's response or silence. When the call
 * did not fail because of it (another carrier answered, or the caller hung up first), it is context.
 */
function carrierOutcome (b: LegAnalysis, customerCancelled: boolean, callFailed: boolean, all: Finding[]): void {
  const out: Finding[] = []
  carrierFailure(b, customerCancelled, out)
  for (const f of out) all.push(callFailed || f.severity === 'info' ? f : { ...f, severity: 'info' })
}

function carrierFailure (b: LegAnalysis, customerCancelled: boolean, out: Finding[]): void {
  const carrier = carrierOf(b)
  if (b.release?.method === 'CANCEL' && b.release.by === 'caller') {
    if (customerCancelled) return
    const rang = b.ringing === null ? 'before it rang' : `after ${humanDuration(b.release.at.t_ms - b.ringing.t_ms)} of ringing`
    out.push(make('carrier_cancelled_by_switch', 'info', b, `The switch cancelled the attempt to ${carrier} ${rang}`,
      `The switch gave up on this carrier after ${humanDuration(b.release.at.t_ms - (b.invite?.t_ms ?? 0))} (its ring or PDD timer) and ${b.got_response ? 'moved on' : 'had had no response at all'}.`,
      'If carriers are often cancelled before they ring, their PDD is too long for the timer: compare carriers\' PDD, or raise the timer.', [b.release.at, b.invite]))
    return
  }
  if (b.final_response === null) {
    if (b.invite === null || b.got_response) return
    const big = b.transport === 'UDP' && (b.invite_bytes ?? 0) > 1300
      ? ` The INVITE is ${b.invite_bytes} bytes on UDP: above 1300 bytes it may be fragmented and the fragments dropped.`
      : ''
    out.push(make('carrier_timeout', 'critical', b, `${capitalise(carrier)} never responded to the INVITE`,
      `The switch sent the INVITE ${b.unanswered_invites} time${b.unanswered_invites === 1 ? '' : 's'} and got nothing back, not even 100 Trying: the carrier is unreachable (wrong IP or port, a firewall, a UDP/TCP mismatch) or its replies are lost on the way back.${big}`,
      `Check the carrier's IP, port and transport, that it allows our signalling IPs, and whether it answers OPTIONS; ask the carrier.${big === '' ? '' : ' Send large INVITEs over TCP.'}`, [b.invite, b.retransmissions[0]?.first]))
    return
  }
  const { code, reason } = b.final_response
  if (code === 487 && customerCancelled) return
  // A carrier that challenged and then refused our credentials is an authentication failure.
  if ((code === 401 || code === 407) && b.auth.rejected_credentials) return
  const explanation = explainCarrierResponse(code, reason, {
    sender: carrier,
    offered: b.media?.offered,
    warning: b.final_warning,
    reason: b.final_reason,
    gotResponse: b.got_response
  })
  if (explanation !== undefined) out.push(place(explanation, b, [b.final, b.invite]))
}

/** @param relayed the leg's final response came from a carrier leg, not from its own callee. */
function authFindings (leg: LegAnalysis, relayed: boolean, out: Finding[]): void {
  const { auth } = leg
  const code = leg.final_response?.code
  const carrierSide = leg.callee_role === 'carrier'
  const fix = carrierSide
    ? 'Check the username, password and realm configured for this carrier.'
    : 'Check the username, password and realm of the SIP user on the customer\'s device, or authenticate the customer by IP.'
  if (auth.loop) {
    out.push(make('auth_loop', 'critical', leg, `${auth.challenges} authentication challenges on one call${auth.username === null ? '' : ` (user "${auth.username}")`}`,
      'The same call was challenged again and again: the credentials are refused each time. Count it as one attempt, not several calls.', fix, [leg.invite, leg.final]))
  } else if (
    auth.rejected_credentials ||
    ((code === 401 || code === 407) && !carrierSide && !relayed && switchReason(leg.final_response!.reason) === undefined)
  ) {
    const meaning = auth.rejected_credentials
      ? 'The INVITE was sent with credentials and challenged again: the username, password or realm is wrong.'
      : 'The INVITE was challenged and never resent with credentials: the device has none configured for this account.'
    const user = leg.auth.username === null ? '' : ` (user "${leg.auth.username}")`
    out.push(make('auth_failed', 'critical', leg, `Authentication failed: ${leg.final_response === null ? 'no answer after the challenge' : finalText(leg)}${user}`, meaning, fix, [leg.final, leg.invite]))
  } else if (auth.challenges > 0 && auth.with_credentials > 0) {
    out.push(make('auth_challenge', 'info', leg, `One authentication challenge, answered with credentials`,
      `Digest authentication as normal: the first INVITE was challenged and resent with credentials; this is not a failure or a retransmission.${leg.pdd_ms === null ? '' : ` PDD ${humanDuration(leg.pdd_ms)} from the first INVITE${leg.pdd_after_auth_ms === null ? '' : `, ${humanDuration(leg.pdd_after_auth_ms)} from the authenticated one`}.`}`,
      'Nothing to fix.', [leg.invite]))
  }
}

function ackFindings (leg: LegAnalysis, out: Finding[]): void {
  if (leg.answer === null) return
  const sender = leg.callee_role
  const acker = leg.caller_role
  const privateContact = leg.nat.find(n => n.check === 'private_contact')
  const hint = privateContact === undefined ? '' : ` The ${privateContact.party} advertised a private Contact (${privateContact.value}), a common cause.`
  const fix = acker === 'customer'
    ? 'The customer\'s ACK must reach the switch: check NAT and the firewall on the customer side (a router\'s SIP ALG often breaks it), and that the customer advertises a reachable Contact and Via; enable far-end NAT traversal for this customer.'
    : 'The ACK must reach the carrier at the Contact of its 200 OK: ask the carrier to advertise a reachable Contact (not a private address), or enable NAT traversal for this carrier.'
  const okCopies = leg.retransmissions.find(r => r.first.message === leg.answer!.message)
  const lastCopy = okCopies === undefined ? undefined : okCopies.first.t_ms + okCopies.intervals_ms.reduce((s, v) => s + v, 0)
  const notReceived = leg.ack !== null && lastCopy !== undefined && lastCopy > leg.ack.t_ms
  if (leg.ack !== null && !notReceived) return
  const talk = leg.talk_time_ms
  const dropped = leg.release?.method === 'BYE' && leg.release.by === 'callee' && talk !== null && talk >= 28_000 && talk <= 40_000
  const what = leg.ack === null ? `the ${acker}'s ACK never arrived` : `the ${acker} sent the ACK but it never reached the ${sender} (it goes to the wrong address or is blocked)`
  if (dropped) {
    out.push(make('ack_timeout', 'critical', leg, `No ACK for the 200 OK: the call was dropped ${humanDuration(talk!)} after answer`,
      `The ${sender} answered but ${what}, so it resent the 200 OK${okCopies === undefined ? '' : ` (${okCopies.sent} times)`} and ended the call when its 32 s timer ran out: the classic "calls drop after 30 seconds".${hint}`,
      fix, [leg.answer, leg.ack, leg.release!.at]))
  } else if (okCopies !== undefined) {
    out.push(make(leg.ack === null ? 'ack_missing' : 'ack_not_received', talk !== null && talk <= 40_000 ? 'critical' : 'warning', leg, `The 200 OK was sent ${okCopies.sent} times: ${what}`,
      `Without the ACK the ${sender} keeps resending its answer and ends the call after 32 s.${hint}`, fix, [leg.answer, leg.ack]))
  }
}

const NAT_FIX_CUSTOMER = 'Enable far-end NAT traversal for this customer, so the switch answers to the packets\' real source and relays the media; or configure the customer\'s PBX with its public address and turn off the SIP ALG on its router.'
const NAT_FIX_CARRIER = 'Ask the carrier to advertise public addresses in Contact and SDP, or enable NAT traversal for this carrier and keep the media through our RTP servers.'

function natFindings (leg: LegAnalysis, out: Finding[]): void {
  const byCheck = (check: NatObservation['check']): NatObservation[] => leg.nat.filter(n => n.check === check)
  const fixFor = (n: NatObservation): string => n.party === 'carrier' ? NAT_FIX_CARRIER : NAT_FIX_CUSTOMER
  const contact = byCheck('private_contact')[0]
  if (contact !== undefined) {
    out.push(make('nat_private_contact', 'warning', leg, `The ${contact.party} advertises a private Contact (${contact.value})`,
      `Requests inside the call (ACK, BYE, re-INVITE) go to the Contact address; ${contact.value} cannot be reached from the internet, so they are lost unless the switch sends them to the packet's source (${contact.source}) instead.`,
      fixFor(contact), [contact.at]))
  }
  const sdp = byCheck('private_sdp')[0]
  if (sdp !== undefined) {
    out.push(make('nat_private_sdp', 'warning', leg, `The ${sdp.party} advertises a private media address (SDP c=${sdp.value})`,
      `The other side would send audio to ${sdp.value}, which it cannot reach: one-way or no audio, unless the media is relayed by an RTP server that learns the real address from the incoming audio.`,
      fixFor(sdp), [sdp.at]))
  }
  const bad = byCheck('bad_sdp_address')[0]
  if (bad !== undefined) {
    out.push(make('bad_sdp_address', 'warning', leg, `The ${bad.party} advertises an unusable media address (SDP c=${bad.value})`,
      `${bad.value} is a loopback or link-local address: the ${bad.party}'s device is misconfigured and no one can send it audio.`, 'Fix the media address (external media IP) on the device.', [bad.at]))
  }
  const others = leg.nat.filter(n => ['private_via', 'via_source_mismatch', 'via_port_mismatch', 'contact_source_mismatch', 'received_differs', 'switch_nat_flag'].includes(n.check))
  if (others.length > 0) {
    const parties = [...new Set(others.map(n => n.party))].join(' and ')
    out.push(make('nat_detected', 'info', leg, `Signs of NAT on the ${parties} side`,
      `The addresses in the ${parties}'s headers differ from where the packets came from (${others.slice(0, 3).map(n => `${n.check.replace(/_/g, ' ')}: ${n.value} vs ${n.source}`).join('; ')}). That is normal behind NAT when the switch handles it (rport/received); it matters only with one-way audio or dropped calls.`,
      fixFor(others[0]!), others.slice(0, 3).map(n => n.at)))
  }
}

function mediaFindings (leg: LegAnalysis, out: Finding[]): void {
  const media = leg.media
  if (media === null) return
  const refs = [media.offer_at, media.answer_at]
  if (media.rejected) {
    out.push(make('media_rejected', leg.state === 'answered' ? 'critical' : 'warning', leg, 'The answer refused the audio stream (port 0)',
      'The answering side set the audio port to 0: it will not send or receive audio on this stream.', 'Check the codecs and media profile (RTP/AVP vs SRTP) offered against what the answering side accepts.', refs))
  } else if (media.answered.length > 0 && media.negotiated === null) {
    out.push(make('codec_mismatch', 'warning', leg, `The answer chose ${media.answered.join(', ')}, which was not offered`,
      `The offer had ${media.offered.join(', ') || 'no voice codec'}; an answer must pick from the offer (RFC 3264), so one side may not decode the audio.`, 'Align the codec lists, or have the media server transcode.', refs))
  }
  if (media.answer_at !== null && media.telephone_event.offered && !media.telephone_event.answered) {
    out.push(make('dtmf_not_negotiated', 'warning', leg, 'DTMF (telephone-event) was offered but not accepted',
      'Keypresses cannot be sent as RFC 4733 events on this leg: IVR menus and PINs may not work unless DTMF goes in-band or by SIP INFO.', 'Enable telephone-event (RFC 2833/4733) on the answering side, or agree on in-band DTMF.', refs))
  }
  if (media.answer_at !== null && (media.direction.offer !== 'sendrecv' || (media.direction.answer !== null && media.direction.answer !== 'sendrecv'))) {
    out.push(make('one_way_media', 'warning', leg, `Audio was set up in one direction only (offer ${media.direction.offer}, answer ${media.direction.answer ?? 'none'})`,
      'The initial offer/answer did not open audio both ways, so one party will not hear the other.', 'Check the direction attributes the devices send (a=sendonly/recvonly/inactive) at call setup.', refs))
  }
  if (media.holds.length > 0) {
    const hold = media.holds.find(h => h.kind !== 'resume')!
    out.push(make('call_on_hold', media.on_hold_at_end ? 'warning' : 'info', leg, media.on_hold_at_end ? `The call was put on hold by the ${hold.by} and ended on hold` : `The call was put on hold by the ${hold.by} (${hold.kind})`,
      media.on_hold_at_end ? 'The last re-offer left the audio on hold: silence until the end. A media timeout that ignores held calls would explain a drop.' : 'Hold and resume as normal (RFC 3264 §8.4).',
      media.on_hold_at_end ? 'If the call dropped while held, make the media timeout ignore held streams.' : 'Nothing to fix.', media.holds.map(h => h.at)))
  }
}

const NUMBER_CODES: Record<NumberProblem['kind'], FindingCode> = {
  duplicated_country_code: 'duplicated_prefix',
  duplicated_international_prefix: 'duplicated_prefix',
  trunk_prefix_left: 'trunk_prefix_left',
  too_long: 'number_malformed',
  not_digits: 'number_malformed'
}

/**
 * Explains what is wrong with a dialled number, if anything (see {@link numberProblems}).
 *
 * @param toCarrier the number as the switch sent it to a carrier, rather than as the customer dialled it.
 */
export function explainNumber (dialled: string, severity: Severity, toCarrier = false): Explanation | undefined {
  const p = numberProblems(dialled)[0]
  if (p === undefined) return undefined
  return {
    code: NUMBER_CODES[p.kind],
    severity,
    title: `The number ${toCarrier ? 'sent to the carrier' : 'dialled'} (${dialled}) is malformed: ${p.detail}`,
    meaning: `Routes and rates are matched by the longest prefix of the number, so a number in the wrong form matches no route, the wrong one, or an unallocated range.${p.corrected === undefined ? '' : ` It was probably meant as ${p.corrected}.`}`,
    fix: toCarrier
      ? 'Fix the number translation on the route to this carrier (prefix strip/add rules).'
      : `Have the customer dial in E.164 form${p.corrected === undefined ? '' : ` (${p.corrected})`}, or add a translation on the customer's routing that strips the extra prefix.`
  }
}

function releaseFindings (trace: TraceBase, out: Finding[]): void {
  for (const leg of trace.legs) {
    const se = leg.session_expires_s
    const talk = leg.talk_time_ms
    if (se !== null && talk !== null && talk >= (se - 40) * 1000 && talk <= (se + 10) * 1000 && leg.release?.method === 'BYE') {
      out.push(make('session_timer_expired', 'warning', leg, `The call ended after ${humanDuration(talk)}, at its session-timer expiry (${se} s)`,
        'Session timers (RFC 4028) end a call that is not refreshed: the refresh (re-INVITE or UPDATE, due every half interval) failed, was never sent, or was lost through NAT.',
        'Check that the refresher sends re-INVITE/UPDATE refreshes and that the peer accepts them (405/501 to UPDATE is a common cause), and that NAT keeps the path open.', [leg.answer, leg.release.at]))
    }
    if (leg.release?.method === 'BYE' && (leg.release.response === 481 || leg.release.response === 408 || (leg.release.response === null && leg.retransmissions.some(r => r.first.message === leg.release!.at.message)))) {
      out.push(make('bye_failed', 'warning', leg, `The BYE from the ${leg.release.party} was ${leg.release.response === null ? 'never answered' : `answered ${leg.release.response}`}`,
        'The far end no longer knew the call or could not be reached: it may have hung up already, its NAT binding expired, or in-dialog requests are routed to a stale address. The other side may keep billing until its own timers end the call.',
        'Check the Contact and Record-Route each side advertised, and NAT keep-alives.', [leg.release.at]))
    }
  }
  const release = trace.release
  if (trace.call.state !== 'answered' || release === null || release.by !== 'switch') return
  if (out.some(f => f.code === 'ack_timeout' || f.code === 'session_timer_expired')) return
  const leg = trace.legs.find(l => l.leg === release.leg)!
  const cause = release.reason === null ? '' : ` with Reason ${release.reason.protocol} cause ${release.reason.cause}${release.reason.name === undefined ? '' : ` (${release.reason.name})`}`
  out.push(make('switch_released_call', 'warning', leg, `The switch ended the answered call${leg.talk_time_ms === null ? '' : ` after ${humanDuration(leg.talk_time_ms)} of talk`}${cause}`,
    'Neither the caller nor the called party hung up: the switch did. Usual reasons are an RTP timeout (no audio received), a maximum call duration, the customer\'s balance running out, or a manual disconnect.',
    'Read the release reason in the call\'s routing log; for "no audio", check the media path (NAT, RTP servers) and RTCP; if durations cluster at one value, look for a duration or balance limit.', [release.at]))
}

// Findings that explain why a carrier attempt failed, and so why the call failed.
const CARRIER_FAILURES = new Set<FindingCode>(['carrier_timeout', 'carrier_forbidden', 'carrier_auth_required', 'codec_mismatch', 'carrier_unavailable', 'carrier_rejected', 'auth_failed', 'auth_loop'])

/**
 * The findings of a trace, ranked (most likely root cause first).
 *
 * @param options.pddWarnMs PDD above this is reported.
 */
export function traceFindings (trace: TraceBase, options: { pddWarnMs: number }): Finding[] {
  const [a, ...bs] = trace.legs
  if (a === undefined || a.messages === 0) return []
  const out: Finding[] = []
  const customerCancelled = a.release?.method === 'CANCEL' && a.release.by === 'caller'

  if (a.final_response !== null && a.final_response.code >= 300 && bs.length === 0 && !customerCancelled) {
    const explanation = explainSwitchRefusal(a.final_response.code, a.final_response.reason, {
      offered: a.media?.offered,
      warning: a.final_warning,
      reason: a.final_reason,
      dialled: a.dialled,
      username: a.auth.username,
      sourceIp: a.caller_ip
    })
    if (explanation !== undefined) out.push(place(explanation, a, [a.final, a.invite]))
  }
  if (customerCancelled) {
    const rang = a.ringing === null ? `before the call rang (${humanDuration(a.release!.at.t_ms - (a.invite?.t_ms ?? 0))} after dialling)` : `after ${humanDuration(a.release!.at.t_ms - a.ringing.t_ms)} of ringing`
    out.push(make('caller_cancelled', 'info', a, `The caller hung up ${rang}`, 'The customer cancelled the call before anyone answered: a normal outcome, not a network failure.',
      'Nothing to fix for one call; if many calls end like this, check PDD and that callers hear ringback.', [a.release!.at, a.ringing]))
  }
  if (a.final_response === null && a.invite !== null && !a.got_response && a.unanswered_invites > 0) {
    out.push(make('invite_unanswered', 'critical', a, `The switch never responded to the customer's INVITE (sent ${a.unanswered_invites} times)`,
      'The INVITE reached the capture point but no response went back: the source may be blocked (firewall, flood protection) or over its call-rate limit.',
      'Check whether the customer\'s IP is blocked or rate-limited on the switch, and the customer\'s CPS limit.', [a.invite]))
  }
  // A cancel ends the INVITE with 487; a timeout or nothing after an unanswered CANCEL means it failed.
  const cancelFailed = customerCancelled && (a.final_response === null ? a.release!.response === null : a.final_response.code !== 487)
  cancelFindings(trace, cancelFailed, out)
  const callFailed = a.state !== 'answered' && (!customerCancelled || cancelFailed)
  for (const b of bs) carrierOutcome(b, customerCancelled, callFailed, out)
  if (bs.length > 0 && a.final_response !== null && a.final_response.code >= 300 && !customerCancelled &&
    !out.some(f => f.leg !== 'A' && CARRIER_FAILURES.has(f.code)) && !bs.some(b => b.state === 'answered')) {
    const info = sipCodeInfo(a.final_response.code)
    out.push(make('call_failed', KIND_SEVERITY[info.kind], a, `The call failed: ${finalText(a)}`, `${capitalise(info.meaning)}.${reasonNote(a.final_reason)}`, info.remediation, [a.final, a.invite]))
  }

  const failedOnNumber = [a, ...bs].some(l => l.final_response !== null && [404, 484, 485, 604].includes(l.final_response.code)) ||
    out.some(f => f.code === 'no_route' || f.code === 'blocked_by_dial_plan')
  const dialled = new Set<string>()
  const numberSeverity: Severity = failedOnNumber ? 'critical' : a.state === 'answered' ? 'info' : 'warning'
  for (const leg of trace.legs) {
    if (leg.dialled === null || dialled.has(leg.dialled)) continue
    dialled.add(leg.dialled)
    const explanation = explainNumber(leg.dialled, numberSeverity, leg.callee_role === 'carrier')
    if (explanation !== undefined) out.push(place(explanation, leg, [leg.invite, leg.final]))
  }

  for (const leg of trace.legs) {
    authFindings(leg, leg === a && bs.length > 0, out)
    ackFindings(leg, out)
    natFindings(leg, out)
    mediaFindings(leg, out)
    // Unanswered INVITEs, 200 OKs, ACKs and BYEs have their own findings.
    const unexplained = leg.retransmissions.filter(r => r.answered && !/^(\d|ACK|BYE)/.test(r.label))
    if (unexplained.length > 0) {
      const r = unexplained[0]!
      out.push(make('retransmissions', 'warning', leg, `${r.label} was sent ${r.sent} times before a response came`,
        `${r.timer}. Repeats that are finally answered mean lost packets or a slow peer on this leg.`, 'Look for packet loss or congestion between the switch and this peer, and how long the peer takes to answer.', [r.first]))
    }
  }

  const answeredB = bs.filter(b => b.media?.negotiated !== null && b.media?.negotiated !== undefined && b.state === 'answered')
  if (a.media?.negotiated !== null && a.media?.negotiated !== undefined) {
    const other = answeredB.find(b => b.media!.negotiated !== a.media!.negotiated)
    if (other !== undefined) {
      out.push(make('transcoding', 'info', a, `The legs use different codecs: ${a.media.negotiated} (A) and ${other.media!.negotiated} (${other.leg})`,
        'The media server transcodes between the two codecs: it costs CPU and a little quality, and needs transcoding enabled on the media zone.', 'Nothing to fix if intended; offer the same codec on both legs to avoid it.', [a.media.answer_at, { on: other, ref: other.media!.answer_at }]))
    }
  }

  if (a.pdd_ms !== null && a.pdd_ms > options.pddWarnMs) {
    const slowest = bs.filter(b => b.pdd_ms !== null).sort((x, y) => y.pdd_ms! - x.pdd_ms!)[0]
    const carriers = bs.length > 1 ? ` ${bs.length} carriers were tried in turn, which adds up.` : ''
    out.push(make('pdd_high', 'warning', a, `Post-dial delay was ${humanDuration(a.pdd_ms)} (above ${humanDuration(options.pddWarnMs)})`,
      `The caller waited ${humanDuration(a.pdd_ms)} between dialling and hearing ringing; beyond 8–10 s many callers hang up.${slowest === undefined ? '' : ` The carrier took ${humanDuration(slowest.pdd_ms!)} to ring (${slowest.leg}, ${slowest.to}).`}${carriers}`,
      'Compare this carrier\'s PDD with others on the same prefix; if it is consistently slow, lower its priority or shorten the PDD timer so the switch moves on sooner.', [a.invite, a.ringing ?? a.answer, slowest === undefined ? null : { on: slowest, ref: slowest.ringing }]))
  }

  if (bs.length > 1) {
    out.push(make('crankback', 'info', a, `The switch tried ${bs.length} carriers`,
      `In order: ${bs.slice(0, 5).map(b => `${b.leg} ${b.to} ${b.final_response === null ? 'no final response' : finalText(b)}`).join('; ')}${bs.length > 5 ? `; and ${bs.length - 5} more` : ''}.`,
      'Nothing to fix by itself; the failures of the first carriers are worth a look if they repeat.', bs.slice(0, 3).map(b => ({ on: b, ref: b.final ?? b.invite }))))
  }

  releaseFindings(trace, out)
  const ranked = rankFindings(merge(out))
  const root = rootCause(trace, ranked)
  return root < 0 ? ranked : [failoverNote(ranked[root]!, trace, ranked), ...ranked.slice(0, root), ...ranked.slice(root + 1)]
}

/**
 * A CANCEL nobody answered: a CANCEL is answered at once with 200 (RFC 3261 §9.2); without an
 * answer it is resent until Timer F gives up, and the INVITE ends by timeout instead of 487.
 */
function cancelFindings (trace: TraceBase, cancelFailed: boolean, out: Finding[]): void {
  const [a] = trace.legs
  for (const leg of trace.legs) {
    const r = leg.release
    // A 487 for the INVITE shows the CANCEL arrived, even when its own 200 is not in the trace.
    if (r?.method !== 'CANCEL' || r.response !== null || leg.final_response?.code === 487) continue
    const sent = leg.retransmissions.find(x => x.first.message === r.at.message)?.sent ?? 1
    const final = leg.final_response
    // The customer's leg: the cancel failed to end the call. A carrier's: it matters most when the call then ended badly too.
    const failed = leg === a ? cancelFailed : a!.state !== 'answered' && a!.final_response?.code !== 487
    const who = leg === a ? 'The caller\'s CANCEL' : `The switch's CANCEL to ${carrierOf(leg)}`
    const end = final === null || leg.final === null
      ? '; no final response came'
      : `; the ${leg === a ? 'call' : 'attempt'} ended ${humanDuration(leg.final.t_ms - r.at.t_ms)} later with ${finalText(leg)}`
    const receiver = leg.callee_role === 'carrier' ? 'the carrier' : 'the switch'
    out.push(make('cancel_unanswered', failed ? 'critical' : 'warning', leg,
      `${who} was never answered${sent > 1 ? ` (sent ${sent} times)` : ''}${end}`,
      `A CANCEL is answered at once with 200; this one got no answer, so it was resent until its timer gave up and the INVITE ended by timeout instead of 487 Request Terminated: the CANCEL did not reach ${receiver}, or its answer was lost on the way back (a firewall or NAT on the path, or requests sent to a stale address).`,
      `Check the path between the ${leg.caller_role} and ${receiver} for requests sent after the INVITE (firewall, NAT binding, Record-Route), and that ${receiver} handles CANCEL.`,
      [r.at, leg.final]))
  }
}

// What can explain an ending: a malformed number explains a number failure, rejected credentials an authentication failure.
const NUMBER_ENDINGS = new Set<FindingCode>(['no_route', 'blocked_by_dial_plan', 'carrier_rejected', 'call_failed', 'carrier_unavailable'])
const NUMBER_CAUSES = new Set<FindingCode>(['duplicated_prefix', 'trunk_prefix_left', 'number_malformed'])
const AUTH_CAUSES = new Set<FindingCode>(['auth_loop', 'auth_failed'])
// Findings that can say how a failed call ended.
const ENDINGS = new Set<FindingCode>([...CARRIER_FAILURES, ...NUMBER_ENDINGS, 'ip_not_authorised', 'unknown_user', 'insufficient_balance',
  'account_paused', 'routing_error', 'forbidden', 'invite_unanswered', 'cancel_unanswered', 'carrier_cancelled_by_switch'])

/**
 * The root cause among ranked findings, as an index (-1 for none): for a failed call, what ended
 * it (the final response the customer received, or the carrier's answer it relays, a timeout, an
 * unanswered CANCEL) unless another finding explains that (a malformed number, refused
 * credentials); side observations never outrank it. For a cancelled call, the cancel. For an
 * answered call, the first finding that is more than context.
 */
function rootCause (trace: TraceBase, ranked: Finding[]): number {
  const [a, ...bs] = trace.legs
  if (a === undefined) return -1
  if (a.state === 'answered') return ranked.findIndex(f => f.severity !== 'info')
  const failedCancel = ranked.findIndex(f => f.code === 'cancel_unanswered' && f.severity === 'critical')
  if (failedCancel >= 0) return failedCancel
  if (a.state === 'cancelled') return ranked.findIndex(f => f.code === 'caller_cancelled')
  // The carrier whose answer the switch relayed is the last one it tried.
  const last = bs.at(-1)
  const legs = last === undefined || last.state === 'answered' ? [a.leg] : [last.leg, a.leg]
  let ending = -1
  for (const leg of legs) {
    ending = ranked.findIndex(f => f.leg === leg && ENDINGS.has(f.code))
    if (ending >= 0) break
  }
  if (ending < 0) ending = ranked.findIndex(f => f.severity === 'critical')
  if (ending < 0) return ranked.findIndex(f => f.severity !== 'info')
  const end = ranked[ending]!
  const explains = (f: Finding): boolean => (NUMBER_ENDINGS.has(end.code) && NUMBER_CAUSES.has(f.code) && f.severity === 'critical') ||
    (AUTH_CAUSES.has(f.code) && f.leg === end.leg)
  const cause = ranked.findIndex(explains)
  return cause >= 0 && cause < ending ? cause : ending
}

/**
 * The root cause of a call that failed over names the carriers that failed before: "B2 answered
 * 486, after B1 answered 503", with the fix for each.
 */
function failoverNote (root: Finding, trace: TraceBase, ranked: readonly Finding[]): Finding {
  const legs = trace.legs.slice(1)
  const at = legs.findIndex(l => l.leg === root.leg)
  if (at <= 0) return root
  const before = legs.slice(0, at).map(l => ranked.find(f => f.leg === l.leg && CARRIER_FAILURES.has(f.code)) ??
    ranked.find(f => f.leg === l.leg && (f.code === 'carrier_rejected' || f.code === 'carrier_cancelled_by_switch'))).filter(f => f !== undefined)
  if (before.length === 0) return root
  const titles = before.map(f => f.title.charAt(0).toLowerCase() + f.title.slice(1))
  const fixes = [...new Set(before.map(f => f.fix))]
  return {
    ...root,
    title: `${root.title}, after ${titles.join(' and ')}`,
    meaning: `${root.meaning} Before it: ${before.map(f => f.meaning).join(' ')}`,
    fix: `${root.fix} For the carrier${before.length === 1 ? '' : 's'} tried first: ${fixes.join(' ')}`,
    evidence: [...root.evidence.slice(0, 2), ...before.flatMap(f => f.evidence.slice(0, 1))].slice(0, 3)
  }
}

/** Findings that say the same on several legs (30 carriers all answering 503) become one. */
function merge (findings: Finding[]): Finding[] {
  const groups = new Map<string, Finding[]>()
  for (const f of findings) {
    const key = `${f.code}|${f.severity}|${f.meaning}`
    const list = groups.get(key)
    if (list === undefined) groups.set(key, [f])
    else list.push(f)
  }
  return [...groups.values()].map(([first, ...rest]) => {
    if (rest.length === 0) return first!
    const legs = rest.map(f => f.leg).filter(l => l !== undefined)
    const named = legs.slice(0, 3).join(', ') + (legs.length > 3 ? '…' : '')
    return { ...first!, title: `${first!.title} (the same on ${rest.length} more leg${rest.length === 1 ? '' : 's'}: ${named})` }
  })
}
