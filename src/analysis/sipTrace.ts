import { cseqOf, header, parseSipMessage, toTag, topViaBranch, type SipMessage } from './sipMessage'

/** One captured SIP packet, as a C-Trace gives it. */
export interface TraceMessage {
  /** Capture time, microseconds since the epoch. */
  micro_ts: number
  callid: string
  /** Request method or response code as text; used when `msg` cannot be parsed. */
  method: string
  reply_reason?: string
  source_ip: string
  source_port: number
  destination_ip: string
  destination_port: number
  msg: string
}

/** A final response of an INVITE transaction. */
export interface FinalResponse {
  code: number
  reason: string
}

/** How a call leg's INVITE ended. */
export type CallState = 'answered' | 'busy' | 'cancelled' | 'rejected' | 'no_final_response'

/** One line of the message ladder. */
export interface LadderStep {
  /** Milliseconds since the first packet of the trace. */
  t_ms: number
  /** `A` for the leg the trace was asked for, `B1`, `B2`… for the legs after it. */
  leg: string
  from: string
  to: string
  label: string
}

/** What one leg (one Call-ID) of the call did. */
export interface LegAnalysis {
  callid: string
  leg: string
  /** Sender of the first INVITE, and where it went. */
  from: string
  to: string
  state: CallState
  final_response: FinalResponse | null
  /** INVITE transactions challenged with 401/407 before the last one. */
  auth_challenges: number
  messages: number
  /** First INVITE → first 180/183 (or the 200 when there was no 18x). */
  pdd_ms: number | null
  /** First INVITE → 200 OK of the INVITE. */
  setup_time_ms: number | null
  /** 200 OK of the INVITE → first BYE. */
  talk_time_ms: number | null
}

/** The analysis of a whole trace. */
export interface TraceAnalysis {
  callid: string
  message_count: number
  /** First packet → last packet: how long the capture spans, not how long anyone talked. */
  trace_span_ms: number
  /** The A leg, which decides the call's outcome. */
  call: LegAnalysis
  legs: LegAnalysis[]
  ladder: LadderStep[]
}

interface Packet {
  t_ms: number
  source: string
  destination: string
  callid: string
  sip: SipMessage | undefined
  /** Method or status code as text. */
  what: string
  reason: string
}

function endpoint (ip: string, port: number): string {
  return port === 5060 || !Number.isFinite(port) ? ip : `${ip}:${port}`
}

function toPacket (message: TraceMessage, t0: number): Packet {
  const sip = parseSipMessage(message.msg ?? '')
  const what = sip === undefined ? String(message.method) : sip.kind === 'request' ? sip.method! : String(sip.status)
  const reason = sip === undefined ? (message.reply_reason ?? '') : (sip.reason ?? '')
  return {
    t_ms: Math.round((message.micro_ts - t0) / 1000),
    source: endpoint(message.source_ip, message.source_port),
    destination: endpoint(message.destination_ip, message.destination_port),
    callid: (sip === undefined ? undefined : header(sip, 'call-id')) ?? message.callid,
    sip,
    what,
    reason
  }
}

function isResponse (packet: Packet): boolean {
  return /^\d{3}$/.test(packet.what)
}

function cseqMethod (packet: Packet): string | undefined {
  return packet.sip === undefined ? undefined : cseqOf(packet.sip)?.method
}

/** An INVITE that starts a dialog (no To tag); re-INVITEs inside the dialog do not decide the outcome. */
function isInitialInvite (packet: Packet): boolean {
  return packet.what === 'INVITE' && (packet.sip === undefined || toTag(packet.sip) === undefined)
}

function label (packet: Packet): string {
  if (!isResponse(packet)) {
    const auth = packet.sip !== undefined && (header(packet.sip, 'authorization') ?? header(packet.sip, 'proxy-authorization')) !== undefined
    return auth ? `${packet.what} (with credentials)` : packet.what
  }
  const method = cseqMethod(packet)
  const text = `${packet.what}${packet.reason === '' ? '' : ' ' + packet.reason}`
  return method === undefined || method === 'INVITE' ? text : `${text} (${method})`
}

function stateOf (final: FinalResponse | null, cancelled: boolean): CallState {
  if (final === null) return 'no_final_response'
  if (final.code >= 200 && final.code < 300) return 'answered'
  if (final.code === 486 || final.code === 600) return 'busy'
  if (final.code === 487 && cancelled) return 'cancelled'
  return 'rejected'
}

/**
 * Groups the INVITE transactions of one leg. A transaction is the INVITE's top-Via branch; a
 * response belongs to it by the same branch, or by CSeq number when a branch is missing.
 */
function analyzeLeg (callid: string, leg: string, packets: Packet[]): LegAnalysis {
  const invites = packets.filter(isInitialInvite)
  const transactions: { key: string, seq: number | undefined, start: Packet, final: Packet | undefined }[] = []
  for (const invite of invites) {
    const branch = invite.sip === undefined ? undefined : topViaBranch(invite.sip)
    const seq = invite.sip === undefined ? undefined : cseqOf(invite.sip)?.seq
    const key = branch ?? `cseq:${seq ?? transactions.length}`
    // The same branch again is a retransmission of the same transaction, not a new attempt.
    if (!transactions.some(t => t.key === key)) transactions.push({ key, seq, start: invite, final: undefined })
  }
  const inviteResponses = packets.filter(p => isResponse(p) && cseqMethod(p) === 'INVITE')
  for (const response of inviteResponses) {
    const code = Number(response.what)
    if (code < 200) continue
    const branch = response.sip === undefined ? undefined : topViaBranch(response.sip)
    const seq = response.sip === undefined ? undefined : cseqOf(response.sip)?.seq
    const owner = transactions.find(t => t.key === branch) ?? transactions.find(t => t.seq !== undefined && t.seq === seq)
    if (owner !== undefined && owner.final === undefined) owner.final = response
  }

  const first = transactions[0]?.start
  const last = transactions.at(-1)
  const finalPacket = last?.final
  const final = finalPacket === undefined ? null : { code: Number(finalPacket.what), reason: finalPacket.reason }
  const cancelled = packets.some(p => p.what === 'CANCEL')
  const challenges = transactions.slice(0, -1).filter(t => t.final !== undefined && ['401', '407'].includes(t.final.what)).length

  const start = first?.t_ms
  const ringing = inviteResponses.find(p => p.what === '180' || p.what === '183')
  const answer = inviteResponses.find(p => p.what.startsWith('2'))
  const bye = answer === undefined ? undefined : packets.find(p => p.what === 'BYE' && p.t_ms >= answer.t_ms)
  const since = (packet: Packet | undefined, from: number | undefined): number | null =>
    packet === undefined || from === undefined ? null : packet.t_ms - from

  return {
    callid,
    leg,
    from: first?.source ?? packets[0]?.source ?? '',
    to: first?.destination ?? packets[0]?.destination ?? '',
    state: stateOf(final, cancelled),
    final_response: final,
    auth_challenges: challenges,
    messages: packets.length,
    pdd_ms: since(ringing ?? answer, start),
    setup_time_ms: since(answer, start),
    talk_time_ms: since(bye, answer?.t_ms)
  }
}

/**
 * Analyses a C-Trace: the message ladder, and per leg the outcome of the INVITE transaction and
 * its timings. Pure: the same packets always give the same answer.
 *
 * @param messages the trace's packets, in any order.
 * @param callid the Call-ID that was asked for; its leg is `A`. Defaults to the first packet's.
 */
export function analyzeTrace (messages: readonly TraceMessage[], callid?: string): TraceAnalysis {
  const sorted = messages.toSorted((a, b) => a.micro_ts - b.micro_ts)
  const t0 = sorted[0]?.micro_ts ?? 0
  const packets = sorted.map(m => toPacket(m, t0))

  const ids = [...new Set(packets.map(p => p.callid))]
  const aLeg = callid !== undefined && ids.includes(callid) ? callid : ids[0] ?? callid ?? ''
  const ordered = [aLeg, ...ids.filter(id => id !== aLeg)]
  const names = new Map(ordered.map((id, i) => [id, i === 0 ? 'A' : `B${i}`]))
  const legs = ordered.map(id => analyzeLeg(id, names.get(id)!, packets.filter(p => p.callid === id)))

  return {
    callid: aLeg,
    message_count: packets.length,
    trace_span_ms: packets.length === 0 ? 0 : packets.at(-1)!.t_ms,
    call: legs[0]!,
    legs,
    ladder: packets.map(p => ({ t_ms: p.t_ms, leg: names.get(p.callid)!, from: p.source, to: p.destination, label: label(p) }))
  }
}
