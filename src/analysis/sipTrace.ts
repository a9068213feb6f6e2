import { addressClass, isIpAddress, isUnreachable } from './ipAddress'
import { audioOf, isHold, negotiate } from './sdp'
import { q850Name } from './sipCodes'
import { header, parseUri, reasonsOf, type SipMessage } from './sipMessage'
import { traceFindings } from './traceFindings'
import type {
  TraceMessage, FinalResponse, CallState, LadderStep, ReasonInfo, Retransmission, ReleaseInfo,
  NatObservation, HoldEvent, MediaAnalysis, LegAnalysis, CallRelease, TraceAnalysis, TraceOptions
} from './traceTypes'
import {
  endpointText, legLabel, packetBytes, readPackets, refOf, transactionsOf, type Endpoint, type Packet, type Transaction
} from './tracePackets'

function reasonInfo (sip: SipMessage | undefined): ReasonInfo | null {
  if (sip === undefined) return null
  const causes = reasonsOf(sip)
  const cause = causes.find(c => c.protocol === 'Q.850') ?? causes[0]
  if (cause === undefined) return null
  return cause.protocol === 'Q.850' ? { ...cause, name: q850Name(cause.cause) } : { ...cause }
}

/**
 * Describes the spacing of repeated copies: INVITE Timer A doubles from T1 without a cap; Timer E
 * (non-INVITE requests), Timer G (non-2xx finals) and the 2xx retransmission double up to T2.
 */
function timerOf (kind: string, intervals: number[]): Pick<Retransmission, 'pattern' | 'timer'> {
  if (intervals.length === 1) return { pattern: 'single', timer: 'one repeat: too few copies to tell the timer' }
  let capped = false
  let doubling = true
  for (let i = 1; i < intervals.length; i++) {
    const ratio = intervals[i]! / Math.max(1, intervals[i - 1]!)
    if (ratio >= 1.5 && ratio <= 2.6 && !capped) continue
    if (intervals[i - 1]! >= 3000 && ratio > 0.8 && ratio < 1.25) {
      capped = true
      continue
    }
    doubling = false
  }
  if (!doubling) return { pattern: 'irregular', timer: 'irregular spacing: not an RFC 3261 timer (capture duplicates, or the sender\'s own timers)' }
  const pattern = capped ? 'doubling_capped' : 'doubling'
  const timers: Record<string, string> = {
    INVITE: 'Timer A: the INVITE is resent at T1 (0.5 s) doubling each time until a response arrives (Timer B gives up at 32 s)',
    '2xx': 'the 200 OK is resent at T1 doubling up to T2 (4 s) until its ACK arrives; after 32 s without one the dialog is ended',
    final: 'Timer G: the error response is resent at T1 doubling up to T2 (4 s) until its ACK arrives',
    provisional: 'the provisional response is resent (reliable 1xx or keep-alive) until acknowledged',
    ACK: 'the ACK is repeated for each retransmitted 200 OK',
    response: 'the response is repeated each time its request is resent',
    request: 'Timer E: the request is resent at T1 doubling up to T2 (4 s) until a response arrives (Timer F gives up at 32 s)'
  }
  return { pattern, timer: timers[kind] ?? timers.request! }
}

function retransmission (copies: Packet[], kind: string, answered: boolean): Retransmission {
  const intervals = copies.slice(1, 11).map((c, i) => c.t_ms - copies[i]!.t_ms)
  return { label: copies[0]!.label, first: refOf(copies[0]!), sent: copies.length, intervals_ms: intervals, ...timerOf(kind, intervals), answered }
}

function truthyFlag (value: string | undefined): boolean {
  return value !== undefined && /^(1|true|yes|on|y)$/i.test(value.trim())
}

interface LegContext {
  callid: string
  leg: string
  callerRole: string
  calleeRole: string
  switchIps: Set<string>
  /** Whether the switch has a public address: then a private address on any packet is behind NAT. */
  switchPublic: boolean
}

/** An IP as text compares equal whatever its case or brackets (IPv6). */
function sameHost (a: string, b: string): boolean {
  return a === b || a.replace(/^\[|\]$/g, '').toLowerCase() === b.replace(/^\[|\]$/g, '').toLowerCase()
}

/** The username of digest credentials (`Authorization: Digest username="…"`), if any. */
function credentialUser (sip: SipMessage | undefined): string | null {
  if (sip === undefined) return null
  const value = header(sip, 'proxy-authorization') ?? header(sip, 'authorization')
  const m = value === undefined ? null : /username\s*=\s*(?:"([^"]*)"|([^,\s]+))/i.exec(value)
  return m === null ? null : m[1] ?? m[2] ?? null
}

function stateOf (final: FinalResponse | null, cancelled: boolean): CallState {
  if (final === null) return 'no_final_response'
  if (final.code >= 200 && final.code < 300) return 'answered'
  if (final.code >= 300 && final.code < 400) return 'redirected'
  if (final.code === 486 || final.code === 600) return 'busy'
  if (final.code === 487 && cancelled) return 'cancelled'
  return 'rejected'
}

/**
 * Signs of NAT on a leg. A private (RFC 1918, CGNAT) or unique-local address in Via, Contact or
 * SDP means NAT only when there is a public side: the packet came from a public address, or the
 * switch itself is public. When every party is on one private network (a lab, a private
 * interconnect), private addresses are simply their addresses.
 */
function natObservations (packets: Packet[], ctx: LegContext, partyAt: (src: Endpoint) => string): NatObservation[] {
  const seen = new Map<string, NatObservation>()
  const add = (check: NatObservation['check'], party: string, value: string, p: Packet): void => {
    const key = `${check}|${party}|${value}`
    if (!seen.has(key) && seen.size < 8) seen.set(key, { check, party, value, source: p.source, at: refOf(p) })
  }
  const publicSide = (source: string): boolean => ctx.switchPublic || addressClass(source) === 'public'
  // Keep-alives repeat the same addresses: each combination of source, Via, Contact and SDP is judged once.
  const judged = new Set<string>()
  // Before that, the Via last judged for each end (a path's packets share their endpoints, see readPackets).
  const lastReceived = new Map<Endpoint, string>()
  const lastShallow = new Map<Endpoint, string>()
  for (const p of packets) {
    if (!p.parsed || p.repeats !== undefined) continue
    const response = p.code !== undefined
    if (ctx.switchIps.has(p.src.ip)) {
      // Our own responses tell where the requester really was (received/rport, RFC 3261 §18.2.1, RFC 3581).
      if (!response) continue
      if (lastReceived.get(p.dst) === p.viaSentBy) continue
      lastReceived.set(p.dst, p.viaSentBy)
      const receivedKey = `received|${p.viaSentBy}|${p.dst.ip}|${p.dst.port}`
      if (judged.has(receivedKey)) continue
      judged.add(receivedKey)
      const via = p.via
      if (via?.received !== undefined && isIpAddress(via.host) && !sameHost(via.received, via.host) && publicSide(via.received)) {
        add('received_differs', partyAt(p.dst), `${via.host} (received=${via.received}${via.rport === undefined || via.rport === '' ? '' : `, rport=${via.rport}`})`, p)
      }
      continue
    }
    // A keep-alive from a sender already judged (same source, same Via) is not read again.
    if (p.shallow) {
      const sentBy = response ? '' : p.viaSentBy
      if (lastShallow.get(p.src) === sentBy) continue
      lastShallow.set(p.src, sentBy)
      const shallowKey = `shallow|${p.src.ip}|${p.src.port}|${sentBy}`
      if (judged.has(shallowKey)) continue
      judged.add(shallowKey)
    }
    const party = partyAt(p.src)
    // Behind an edge proxy the packet's source is the proxy; X-Orig-IP names the real sender.
    const origIp = p.head!.get('x-orig-ip')
    const proxied = origIp !== undefined && isIpAddress(origIp)
    const source = proxied ? origIp : p.src.ip
    const flag = p.head!.get('x-cx-nat')
    if (flag !== undefined && truthyFlag(flag)) add('switch_nat_flag', party, `X-CX-NAT: ${flag.trim()}`, p)
    const contactValue = p.head!.get('contact')
    const media = p.sdp?.media ?? []
    const key = `${p.src.ip}|${p.src.port}|${source}|${response ? '' : p.viaSentBy}|${contactValue}|${media.map(m => m.address).join(',')}`
    if (judged.has(key)) continue
    judged.add(key)
    for (const m of media) {
      const kind = m.address === undefined ? undefined : addressClass(m.address)
      // Loopback and link-local media addresses are wrong on any network.
      if (kind === 'loopback' || kind === 'link_local') add('bad_sdp_address', party, m.address!, p)
    }
    if (!publicSide(source)) continue
    if (!response) {
      const via = p.via
      if (via !== undefined && isIpAddress(via.host)) {
        if (isUnreachable(via.host)) add('private_via', party, via.host, p)
        else if (!sameHost(via.host, source)) add('via_source_mismatch', party, via.host, p)
        if (!proxied && via.transport === 'UDP' && p.transport === 'UDP' && (via.port ?? 5060) !== p.src.port) add('via_port_mismatch', party, `${via.host}:${via.port ?? 5060}`, p)
      }
    }
    const contact = contactValue === undefined ? undefined : parseUri(contactValue)
    if (contact !== undefined && isIpAddress(contact.host)) {
      if (isUnreachable(contact.host)) add('private_contact', party, contact.host, p)
      else if (!sameHost(contact.host, source)) add('contact_source_mismatch', party, contact.host, p)
    }
    for (const m of media) {
      if (m.address === undefined || m.address === '0.0.0.0' || !isIpAddress(m.address)) continue
      const kind = addressClass(m.address)
      if (kind === 'private' || kind === 'cgnat') add('private_sdp', party, m.address, p)
    }
  }
  return [...seen.values()]
}

function mediaOf (initial: Transaction[], packets: Packet[], partyOf: (p: Packet) => string): MediaAnalysis | null {
  const last = initial.at(-1)
  if (last === undefined) return null
  const invite = last.requests[0]!
  const answers = last.responses.filter(r => r.sdp !== undefined && r.code! < 300)
  const answerPacket = answers.find(r => r.code! >= 200) ?? answers[0]
  let offerPacket: Packet | undefined = invite.sdp === undefined ? undefined : invite
  let replyPacket = answerPacket
  if (offerPacket === undefined) {
    // Late offer: the 200 offers and the ACK answers.
    offerPacket = answerPacket
    replyPacket = last.ack?.sdp === undefined ? undefined : last.ack
  }
  const offer = audioOf(offerPacket?.sdp)
  if (offerPacket === undefined || offer === undefined) return null
  const answer = audioOf(replyPacket?.sdp)
  const holds: HoldEvent[] = []
  let onHold = false
  for (const p of packets) {
    if (p.repeats !== undefined || p.code !== undefined || (p.what !== 'INVITE' && p.what !== 'UPDATE') || p.toTag === undefined) continue
    const audio = audioOf(p.sdp)
    if (audio === undefined) continue
    const hold = isHold(audio)
    if (hold && holds.length < 5) holds.push({ at: refOf(p), by: partyOf(p), kind: audio.address === '0.0.0.0' ? 'c=0.0.0.0' : audio.direction })
    else if (!hold && onHold && holds.length < 5) holds.push({ at: refOf(p), by: partyOf(p), kind: 'resume' })
    onHold = hold
  }
  return {
    ...negotiate(offer, answer),
    offer_at: refOf(offerPacket),
    answer_at: replyPacket === undefined || answer === undefined ? null : refOf(replyPacket),
    addresses: { offer: offer.address ?? null, answer: answer?.address ?? null },
    early_media: initial.some(t => t.responses.some(r => r.code! > 100 && r.code! < 200 && r.sdp !== undefined)),
    holds,
    on_hold_at_end: onHold
  }
}

function analyzeLeg (ctx: LegContext, packets: Packet[]): LegAnalysis {
  const { list, ackCopies } = transactionsOf(packets)
  // One pass over a long call's thousands of keep-alive transactions for what the leg's outcome needs.
  const initial: Transaction[] = []
  const cancels: Transaction[] = []
  let bye: Transaction | undefined
  for (const t of list) {
    if (t.initial) initial.push(t)
    else if (t.method === 'CANCEL') cancels.push(t)
    else if (t.method === 'BYE') bye ??= t
  }
  const firstInvite = initial[0]?.requests[0]
  const caller = firstInvite?.src ?? packets[0]!.src
  const callee = firstInvite?.dst ?? packets[0]!.dst
  const partyAt = (src: { ip: string, port: number }): string =>
    src.ip === caller.ip && (caller.ip !== callee.ip || src.port === caller.port) ? ctx.callerRole : ctx.calleeRole
  const partyOf = (p: Packet): string => partyAt(p.src)
  const sideOf = (p: Packet): 'caller' | 'callee' => partyOf(p) === ctx.callerRole ? 'caller' : 'callee'

  const last = initial.at(-1)
  const finalPacket = last?.final
  const final = finalPacket === undefined ? null : { code: finalPacket.code!, reason: finalPacket.reason }
  const challenged = initial.filter(t => t.final !== undefined && (t.final.code === 401 || t.final.code === 407))
  const isStale = (t: Transaction): boolean => {
    const challenge = t.final?.sip === undefined ? undefined : header(t.final.sip, t.final.code === 401 ? 'www-authenticate' : 'proxy-authenticate')
    return challenge !== undefined && /stale\s*=\s*"?true/i.test(challenge)
  }
  const nonStale = challenged.filter(t => !isStale(t))

  const provisional = initial.flatMap(t => t.responses.filter(r => r.code! > 100 && r.code! < 200))
  const ringingPacket = provisional.find(r => r.code === 180 || r.code === 183)
  const answerPacket = initial.map(t => t.final).find(f => f !== undefined && f.code! >= 200 && f.code! < 300)
  const authInvite = challenged.length === 0
    ? undefined
    : initial.find(t => t.credentials)?.requests[0] ?? initial[initial.indexOf(challenged.at(-1)!) + 1]?.requests[0]
  const ackPacket = answerPacket === undefined ? undefined : initial.find(t => t.final === answerPacket)?.ack
  const byePacket = bye?.requests[0]
  const since = (to: Packet | undefined, from: Packet | undefined): number | null =>
    to === undefined || from === undefined ? null : to.t_ms - from.t_ms
  const ring = ringingPacket ?? answerPacket

  let release: ReleaseInfo | null = null
  if (byePacket !== undefined) {
    release = { method: 'BYE', by: sideOf(byePacket), party: partyOf(byePacket), at: refOf(byePacket), reason: reasonInfo(byePacket.sip), response: bye!.final?.code ?? null }
  } else if (cancels[0] !== undefined) {
    const cancel = cancels[0].requests[0]!
    release = { method: 'CANCEL', by: sideOf(cancel), party: partyOf(cancel), at: refOf(cancel), reason: reasonInfo(cancel.sip), response: cancels[0].final?.code ?? null }
  } else if (finalPacket !== undefined && finalPacket.code! >= 300) {
    release = { method: 'final_response', by: sideOf(finalPacket), party: partyOf(finalPacket), at: refOf(finalPacket), reason: reasonInfo(finalPacket.sip), response: null }
  }

  // Retransmissions: requests, responses, and ACKs of the 2xx.
  const groups: Retransmission[] = []
  let copies = 0
  for (const tx of list) {
    if (tx.requests.length > 1) {
      groups.push(retransmission(tx.requests, tx.method === 'INVITE' ? 'INVITE' : 'request', tx.responses.length > 0))
      copies += tx.requests.length - 1
    }
    if (tx.copies !== undefined) {
      for (const [response, sent] of tx.copies) {
        if (sent.length < 2) continue
        const kind = tx.method !== 'INVITE' ? 'response' : response.code! < 200 ? 'provisional' : response.code! < 300 ? '2xx' : 'final'
        groups.push(retransmission(sent, kind, tx.method === 'INVITE' && response.code! >= 200 ? tx.ack !== undefined : true))
        copies += sent.length - 1
      }
    }
    if (tx.acks.length > 1 && tx.final !== undefined && tx.final.code! >= 300) {
      copies += tx.acks.length - 1
    }
  }
  for (const sent of ackCopies) {
    if (sent.length < 2) continue
    groups.push(retransmission(sent, 'ACK', true))
    copies += sent.length - 1
  }
  groups.sort((a, b) => a.first.t_ms - b.first.t_ms)

  const sessionSource = answerPacket?.sip ?? firstInvite?.sip
  const sessionExpires = sessionSource === undefined ? NaN : parseInt(header(sessionSource, 'session-expires') ?? '', 10)
  const dialled = (firstInvite?.sip?.uri === undefined ? undefined : parseUri(firstInvite.sip.uri)?.user) ?? firstInvite?.ruriUser ?? null
  const cli = firstInvite?.sip === undefined ? undefined : parseUri(header(firstInvite.sip, 'from'))?.user
  const edge = firstInvite?.sip === undefined ? undefined : header(firstInvite.sip, 'x-anyedge-host')?.trim()
  const origIp = firstInvite?.sip === undefined ? undefined : header(firstInvite.sip, 'x-orig-ip')?.trim()

  return {
    callid: ctx.callid,
    leg: ctx.leg,
    from: endpointText(caller),
    to: endpointText(callee),
    caller_role: ctx.callerRole,
    callee_role: ctx.calleeRole,
    dialled: dialled === null ? null : decodeURIComponentSafe(dialled),
    cli: cli === undefined || cli === '' ? null : decodeURIComponentSafe(cli),
    edge_host: edge === undefined || edge === '' ? null : edge,
    caller_ip: origIp !== undefined && isIpAddress(origIp) ? origIp : caller.ip === '' ? null : caller.ip,
    transport: firstInvite?.transport ?? packets[0]!.transport,
    state: stateOf(final, cancels.length > 0),
    final_response: final,
    auth_challenges: initial.slice(0, -1).filter(t => challenged.includes(t)).length,
    messages: packets.length,
    pdd_ms: since(ring, firstInvite),
    pdd_after_auth_ms: authInvite === undefined ? null : since(ring, authInvite),
    setup_time_ms: since(answerPacket, firstInvite),
    ring_time_ms: since(finalPacket, ringingPacket),
    answer_to_ack_ms: since(ackPacket, answerPacket),
    talk_time_ms: answerPacket === undefined || byePacket === undefined || byePacket.t_ms < answerPacket.t_ms
      ? null
      : byePacket.t_ms - answerPacket.t_ms,
    final_after_ms: since(finalPacket, firstInvite),
    invite: firstInvite === undefined ? null : refOf(firstInvite),
    ringing: ringingPacket === undefined ? null : refOf(ringingPacket),
    answer: answerPacket === undefined ? null : refOf(answerPacket),
    final: finalPacket === undefined ? null : refOf(finalPacket),
    ack: ackPacket === undefined ? null : refOf(ackPacket),
    final_reason: finalPacket === undefined ? null : reasonInfo(finalPacket.sip),
    final_warning: finalPacket?.sip === undefined ? null : header(finalPacket.sip, 'warning') ?? null,
    provisional: provisional.slice(0, 8).map(r => ({ code: r.code!, reason: r.reason, sdp: r.sdp !== undefined, at: refOf(r) })),
    auth: {
      username: initial.filter(t => t.credentials).map(t => credentialUser(t.requests[0]!.sip)).findLast(u => u !== null) ?? null,
      challenges: challenged.length,
      stale: challenged.length - nonStale.length,
      with_credentials: initial.filter(t => t.credentials).length,
      rejected_credentials: nonStale.some(t => t.credentials),
      loop: nonStale.length >= 3
    },
    release,
    retransmissions: groups.slice(0, 8),
    retransmitted_copies: copies,
    unanswered_invites: initial.filter(t => t.responses.length === 0).reduce((n, t) => n + t.requests.length, 0),
    got_response: initial[0] !== undefined && initial[0].responses.length > 0,
    transactions: list.length,
    nat: natObservations(packets, ctx, partyAt),
    media: mediaOf(initial, packets, partyOf),
    session_expires_s: Number.isFinite(sessionExpires) && sessionExpires > 0 ? sessionExpires : null,
    invite_bytes: firstInvite === undefined ? null : packetBytes(firstInvite)
  }
}

function decodeURIComponentSafe (text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

// A BYE reason that names the switch's own release, not a hang-up it relays.
const SYSTEM_RELEASE = /timeout|time-out|no (rtp|audio|media)|rtp|media|max(imum)?[ -]?duration|balance|credit|session[ -]?timer|expired|admin|kill/i

/** Whether a BYE's Reason shows the switch ended the call itself (not normal clearing relayed). */
function systemReason (reason: ReasonInfo | null): boolean {
  if (reason === null) return false
  if (reason.text !== undefined && SYSTEM_RELEASE.test(reason.text)) return true
  return reason.protocol === 'Q.850' && ![16, 17, 18, 19, 31].includes(reason.cause)
}

/**
 * The release of the whole call. Answered: who hung up, as far as the visible legs prove it. On
 * the customer's leg a BYE from the switch is usually the called party's BYE relayed: the switch
 * ended the call only when a carrier leg is in the trace and shows no BYE from the carrier (or the
 * BYE's reason says so). Not answered: the customer's CANCEL, else the failure: the last carrier's
 * final response when a carrier refused, the switch's own when it refused or gave up.
 */
function callRelease (legs: LegAnalysis[]): CallRelease | null {
  const call = legs[0]
  if (call === undefined) return null
  const of = (leg: LegAnalysis, by = leg.release!.party): CallRelease => ({
    by,
    leg: leg.leg,
    method: leg.release!.method,
    at: leg.release!.at,
    reason: leg.release!.reason,
    byes: legs.filter(l => l.release?.method === 'BYE').map(l => ({ leg: l.leg, by: l.release!.party }))
  })
  if (call.state === 'answered') {
    const byes = legs.filter(l => l.release?.method === 'BYE').sort((a, b) => a.release!.at.t_ms - b.release!.at.t_ms)
    if (byes[0] === undefined) return null
    const carriers = legs.slice(1).filter(l => l.state === 'answered')
    const fromCarrier = carriers.find(l => l.release?.method === 'BYE' && l.release.by === 'callee')
    const aBye = call.release?.method === 'BYE' ? call.release : null
    if (aBye?.by === 'caller') return of(call)
    if (fromCarrier !== undefined) return of(fromCarrier)
    if (aBye !== null) {
      const switchEnded = carriers.length > 0 || systemReason(aBye.reason)
      return of(call, switchEnded ? 'switch' : 'unknown')
    }
    // Only carrier legs show a BYE: the switch's BYE to the carrier relays the caller's unless its reason says otherwise.
    const first = byes[0]
    return of(first, systemReason(first.release!.reason) ? 'switch' : 'unknown')
  }
  if (call.release?.method === 'CANCEL' && call.release.by === 'caller') return of(call)
  if (call.final_response === null) return null
  const carrier = legs.slice(1).findLast(l => l.release?.method === 'final_response' && l.release.party === 'carrier')
  return carrier === undefined ? of(call) : of(carrier)
}

const LADDER_HEAD = 0.75

function ladderOf (packets: Packet[], legName: Map<string, string>, maxSteps: number): { steps: LadderStep[], omitted: number } {
  // Retransmissions fold into the line of their original; only the lines kept (the beginning and
  // the end of a long trace) are built.
  const originals: number[] = []
  for (const p of packets) if (p.repeats === undefined) originals.push(p.index)
  const head = originals.length <= maxSteps ? originals.length : Math.ceil(maxSteps * LADDER_HEAD)
  const tail = originals.length <= maxSteps ? 0 : maxSteps - head
  const kept = tail === 0 ? originals : [...originals.slice(0, head), ...originals.slice(originals.length - tail)]
  const stepOf = new Map<number, LadderStep>()
  const steps = kept.map(i => {
    const p = packets[i]!
    const step = { t_ms: p.t_ms, leg: legName.get(p.leg) ?? '?', from: p.source, to: p.destination, label: p.label, message: p.index, sent: 1 }
    stepOf.set(i, step)
    return step
  })
  let shown = steps.length
  for (const p of packets) {
    if (p.repeats === undefined) continue
    const original = stepOf.get(p.repeats)
    if (original === undefined) continue
    original.sent++
    shown++
  }
  return { steps, omitted: packets.length - shown }
}

/**
 * Analyses a C-Trace: per leg (one Call-ID each) the transactions, the outcome of the INVITE,
 * timings, authentication, retransmissions, NAT signs, the audio negotiation and who released
 * the call; for the whole call the findings, ranked, and a bounded ladder. Pure: the same
 * packets always give the same answer.
 *
 * @param messages the trace's packets, in any order.
 * @param callid the Call-ID that was asked for (reported back); legs are named by order of
 *   appearance: `A` is the first (the customer's INVITE reaches the switch first), then `B1`, `B2`.
 */
export function analyzeTrace (messages: readonly TraceMessage[], callid?: string, options: TraceOptions = {}): TraceAnalysis {
  const maxLegs = options.maxLegs ?? 20
  // Legs by path (Call-ID and address pair), in order of appearance: the customer's INVITE reaches the switch first.
  const { packets, legs: byLeg, t0, duplicates, unparsed } = readPackets(messages)
  const keys = [...byLeg.keys()]
  const legName = new Map(keys.map((key, i) => [key, legLabel(i)]))
  const first = (key: string): Packet => {
    const list = byLeg.get(key)!
    return list.find(p => p.what === 'INVITE' && p.toTag === undefined) ?? list.find(p => p.what === 'INVITE') ?? list[0]!
  }
  // The switch is where the customer's INVITE goes and where the carriers' INVITEs come from.
  const switchIps = new Set<string>(keys.length === 0 ? [] : [first(keys[0]!).dst.ip, ...keys.slice(1).map(key => first(key).src.ip)])
  const switchPublic = [...switchIps].some(ip => addressClass(ip) === 'public')

  // Every leg is analysed (the findings speak of all of them); only the list returned is capped.
  const legs = keys.map((key, i) => analyzeLeg({
    callid: byLeg.get(key)![0]!.callid,
    leg: legName.get(key)!,
    callerRole: i === 0 ? 'customer' : 'switch',
    calleeRole: i === 0 ? 'switch' : 'carrier',
    switchIps,
    switchPublic
  }, byLeg.get(key)!))
  const empty = analyzeLegless(callid ?? '')
  const call = legs[0] ?? empty
  const { steps, omitted } = ladderOf(packets, legName, options.maxLadder ?? 200)
  const release = callRelease(legs)
  const base = {
    callid: callid ?? call.callid,
    message_count: packets.length,
    started_at: packets.length === 0 ? null : new Date(Math.floor(t0 / 1000)).toISOString(),
    trace_span_ms: packets.at(-1)?.t_ms ?? 0,
    call,
    legs,
    legs_omitted: 0,
    release,
    ladder: steps,
    ladder_omitted: omitted,
    capture_duplicates: duplicates,
    unparsed
  }
  const findings = traceFindings(base, { pddWarnMs: options.pddWarnMs ?? 5000 })
  const maxFindings = options.maxFindings ?? 20
  return {
    ...base,
    legs: legs.slice(0, maxLegs),
    legs_omitted: Math.max(0, legs.length - maxLegs),
    findings: findings.slice(0, maxFindings),
    findings_omitted: Math.max(0, findings.length - maxFindings)
  }
}

/** The codec each leg negotiated (by leg name), for the E-model of its RTCP streams. */
export function legCodecs (trace: Pick<TraceAnalysis, 'legs'>): Record<string, string> {
  const codecs: Record<string, string> = {}
  for (const leg of trace.legs) if (leg.media?.negotiated !== null && leg.media?.negotiated !== undefined) codecs[leg.leg] = leg.media.negotiated
  return codecs
}

/** The leg of an empty trace: nothing happened. */
function analyzeLegless (callid: string): LegAnalysis {
  return {
    callid,
    leg: 'A',
    from: '',
    to: '',
    caller_role: 'customer',
    callee_role: 'switch',
    dialled: null,
    cli: null,
    edge_host: null,
    caller_ip: null,
    transport: 'UDP',
    state: 'no_final_response',
    final_response: null,
    auth_challenges: 0,
    messages: 0,
    pdd_ms: null,
    pdd_after_auth_ms: null,
    setup_time_ms: null,
    ring_time_ms: null,
    answer_to_ack_ms: null,
    talk_time_ms: null,
    final_after_ms: null,
    invite: null,
    ringing: null,
    answer: null,
    final: null,
    ack: null,
    final_reason: null,
    final_warning: null,
    provisional: [],
    auth: { username: null, challenges: 0, stale: 0, with_credentials: 0, rejected_credentials: false, loop: false },
    release: null,
    retransmissions: [],
    retransmitted_copies: 0,
    unanswered_invites: 0,
    got_response: false,
    transactions: 0,
    nat: [],
    media: null,
    session_expires_s: null,
    invite_bytes: null
  }
}
