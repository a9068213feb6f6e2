/**
 * Reading a C-Trace's packets: parsing each once, and grouping a leg's packets into SIP
 * transactions (RFC 3261 §17), which tells a retransmission from a new request.
 */
import { utf8Length } from '../lib/bounded'
import { audioOf, isHold, parseSdp, type Sdp } from './sdp'
import { cseqOf, hasCredentials, header, headerParam, parseSipMessage, parseVia, toTag, topVia, type SipMessage } from './sipMessage'
import type { MessageRef, TraceMessage } from './traceTypes'

/** An address and port of a packet. */
export interface Endpoint {
  ip: string
  port: number
}

/** One packet of the trace, parsed once, with what the analysis reads of it. */
export interface Packet {
  index: number
  t_ms: number
  src: Endpoint
  dst: Endpoint
  source: string
  destination: string
  callid: string
  sip: SipMessage | undefined
  /** Method or status code as text. */
  what: string
  code: number | undefined
  reason: string
  cseq: { seq: number, method: string } | undefined
  branch: string | undefined
  toTag: string | undefined
  sdp: Sdp | undefined
  transport: string
  bytes: number
  ruriUser: string | undefined
  /** The index of the message this one repeats, when it is a retransmission. */
  repeats?: number
  label: string
}

/** A SIP transaction: a request, its retransmissions, its responses, and the ACK of an INVITE. */
export interface Transaction {
  method: string
  seq: number | undefined
  initial: boolean
  requests: Packet[]
  /** Distinct responses; their retransmissions are in `copies`. */
  responses: Packet[]
  copies: Map<Packet, Packet[]>
  final: Packet | undefined
  credentials: boolean
  /** ACK of a non-2xx final (same branch), or of the 2xx (matched by CSeq). */
  ack: Packet | undefined
  acks: Packet[]
}

/** The same packet captured twice within this many µs is one packet (a mirror port, two interfaces). */
const DUPLICATE_WINDOW_US = 50_000

/** `ip` for port 5060, else `ip:port` (`[v6]:port`). */
export function endpointText (e: Endpoint): string {
  if (e.port === 5060 || !Number.isFinite(e.port)) return e.ip
  return e.ip.includes(':') ? `[${e.ip}]:${e.port}` : `${e.ip}:${e.port}`
}

function sameEndpoint (a: Endpoint, b: Endpoint): boolean {
  return a.ip === b.ip && a.port === b.port
}

/** How findings and the ladder point at a packet. */
export function refOf (p: Packet): MessageRef {
  return { message: p.index, t_ms: p.t_ms, label: p.label }
}

/** A response (a status code), not a request. */
export function isResponse (p: Packet): boolean {
  return p.code !== undefined
}

function labelOf (p: Omit<Packet, 'label'>): string {
  if (p.code === undefined) {
    if (p.sip !== undefined && p.what === 'INVITE' && p.toTag !== undefined) {
      const audio = audioOf(p.sdp)
      return audio !== undefined && isHold(audio) ? 're-INVITE (hold)' : 're-INVITE'
    }
    return p.sip !== undefined && hasCredentials(p.sip) ? `${p.what} (with credentials)` : p.what
  }
  const text = `${p.code}${p.reason === '' ? '' : ' ' + p.reason}`
  return p.cseq === undefined || p.cseq.method === 'INVITE' ? text : `${text} (${p.cseq.method})`
}

/** Capture time in µs: `micro_ts`, else the ISO `date`, else 0. */
function microOf (m: TraceMessage): number {
  if (Number.isFinite(m.micro_ts)) return m.micro_ts
  const parsed = m.date === undefined ? NaN : Date.parse(m.date)
  return Number.isFinite(parsed) ? parsed * 1000 : 0
}

/** Parses one captured message; `index` is its place in time order, `t0` the first packet's µs. */
function toPacket (m: TraceMessage, index: number, micro: number, t0: number): Packet {
  const raw = typeof m.msg === 'string' ? m.msg : ''
  const sip = parseSipMessage(raw)
  const what = sip === undefined ? String(m.method ?? '') : sip.kind === 'request' ? sip.method! : String(sip.status)
  const code = /^\d{3}$/.test(what) ? Number(what) : undefined
  const body = sip?.body ?? ''
  const contentType = sip === undefined ? undefined : header(sip, 'content-type')
  const sdp = body !== '' && (contentType === undefined || /application\/sdp/i.test(contentType)) ? parseSdp(body) : undefined
  const src = { ip: String(m.source_ip ?? ''), port: Number(m.source_port) }
  const dst = { ip: String(m.destination_ip ?? ''), port: Number(m.destination_port) }
  const packet: Omit<Packet, 'label'> = {
    index,
    t_ms: Math.round((micro - t0) / 1000),
    src,
    dst,
    source: endpointText(src),
    destination: endpointText(dst),
    callid: (sip === undefined ? undefined : header(sip, 'call-id')) ?? String(m.callid ?? ''),
    sip,
    what,
    code,
    reason: sip === undefined ? (m.reply_reason ?? '') : (sip.reason ?? ''),
    cseq: sip === undefined ? undefined : cseqOf(sip),
    branch: sip === undefined ? undefined : parseVia(topVia(sip))?.branch,
    toTag: sip === undefined ? undefined : toTag(sip),
    sdp,
    transport: (m.protocol ?? parseVia(sip === undefined ? undefined : topVia(sip))?.transport ?? 'UDP').toUpperCase(),
    bytes: utf8Length(raw),
    ruriUser: m.ruri_user
  }
  return { ...packet, label: labelOf(packet) }
}

function txKey (p: Packet, method: string): string {
  const seq = p.cseq?.seq ?? ''
  if (p.branch !== undefined && p.branch !== '') return `${p.branch}|${seq}|${method}`
  // RFC 2543 peers have no branch: the CSeq and the From tag name the transaction.
  const fromTag = p.sip === undefined ? '' : headerParam(header(p.sip, 'from') ?? '', 'tag') ?? ''
  return `-|${seq}|${method}|${fromTag}`
}

/**
 * The messages of a trace in the order the analysis numbers them: time order (ties keep their
 * input order), the capture duplicates dropped. Position `i` here is message `i` everywhere.
 */
function orderMessages (messages: readonly TraceMessage[]): { kept: { m: TraceMessage, micro: number }[], duplicates: number } {
  const timed = messages.map((m, i) => ({ m, i, micro: microOf(m) })).sort((a, b) => a.micro - b.micro || a.i - b.i)
  const lastSeen = new Map<string, number>()
  let duplicates = 0
  const kept = timed.filter(({ m, micro }) => {
    const key = `${m.source_ip}:${m.source_port}>${m.destination_ip}:${m.destination_port}|${m.msg}`
    const previous = lastSeen.get(key)
    lastSeen.set(key, micro)
    if (previous !== undefined && micro - previous < DUPLICATE_WINDOW_US) {
      duplicates++
      return false
    }
    return true
  })
  return { kept, duplicates }
}

/**
 * The packets of a trace in time order (ties keep their input order), the capture duplicates
 * dropped, each parsed once. `t0` is the first packet's capture time in µs.
 */
export function readPackets (messages: readonly TraceMessage[]): { packets: Packet[], t0: number, duplicates: number } {
  const { kept, duplicates } = orderMessages(messages)
  const t0 = kept[0]?.micro ?? 0
  return { packets: kept.map(({ m, micro }, index) => toPacket(m, index, micro, t0)), t0, duplicates }
}

/** One captured message as the platform stored it, at the position findings cite. */
export interface RawMessage {
  message: number
  /** Milliseconds since the trace's first packet. */
  t_ms: number
  /** `A`, `B1`… */
  leg: string
  from: string
  to: string
  /** The request method, or the response code and reason. */
  method: string
  text: string
}

/** The name of the leg that appears `i`-th in a trace: `A` (the customer's), then `B1`, `B2`… */
export function legLabel (i: number): string {
  return i === 0 ? 'A' : `B${i}`
}

/**
 * The raw messages of a trace at positions `from`…`to` (excluded), numbered and with legs named
 * as the analysis numbers and names them, without parsing any message: a page of a long trace
 * costs little.
 */
export function rawMessages (messages: readonly TraceMessage[], from = 0, to = Infinity): { messages: RawMessage[], total: number } {
  const { kept } = orderMessages(messages)
  const t0 = kept[0]?.micro ?? 0
  const legs = new Map<string, string>()
  for (const { m } of kept) if (!legs.has(m.callid)) legs.set(m.callid, legLabel(legs.size))
  const page = kept.slice(from, to).map(({ m, micro }, i): RawMessage => {
    const src = { ip: String(m.source_ip ?? ''), port: Number(m.source_port) }
    const dst = { ip: String(m.destination_ip ?? ''), port: Number(m.destination_port) }
    const reason = m.reply_reason ?? ''
    return {
      message: from + i,
      t_ms: Math.round((micro - t0) / 1000),
      leg: legs.get(m.callid)!,
      from: endpointText(src),
      to: endpointText(dst),
      method: /^\d{3}$/.test(String(m.method)) && reason !== '' ? `${m.method} ${reason}` : String(m.method ?? ''),
      text: typeof m.msg === 'string' ? m.msg : ''
    }
  })
  return { messages: page, total: kept.length }
}

/**
 * Groups a leg's packets into transactions (top-Via branch, CSeq number and method; RFC 2543
 * peers by CSeq and From tag) and marks each retransmission with the message it repeats.
 */
export function transactionsOf (packets: Packet[]): { list: Transaction[], ackCopies: Packet[][] } {
  const byKey = new Map<string, Transaction>()
  const list: Transaction[] = []
  const acks = new Map<string, Packet[]>()
  for (const p of packets) {
    if (!isResponse(p)) {
      if (p.what === 'ACK') {
        const invite = byKey.get(txKey(p, 'INVITE'))
        if (invite !== undefined && invite.final !== undefined && invite.final.code! >= 300) {
          if (invite.ack === undefined) invite.ack = p
          else p.repeats = invite.ack.index
          invite.acks.push(p)
          continue
        }
        // An ACK of a 2xx is its own transaction; it belongs to the INVITE with its CSeq number.
        const owner = list.findLast(t => t.method === 'INVITE' && t.seq === p.cseq?.seq && t.final !== undefined && t.final.code! < 300)
        if (owner !== undefined) {
          owner.ack ??= p
          owner.acks.push(p)
        }
        const key = txKey(p, 'ACK')
        const copies = acks.get(key)
        if (copies === undefined) acks.set(key, [p])
        else {
          p.repeats = copies[0]!.index
          copies.push(p)
        }
        continue
      }
      const key = txKey(p, p.what)
      const existing = byKey.get(key)
      if (existing !== undefined) {
        p.repeats = existing.requests[0]!.index
        existing.requests.push(p)
        continue
      }
      const tx: Transaction = {
        method: p.what,
        seq: p.cseq?.seq,
        initial: p.what === 'INVITE' && p.toTag === undefined,
        requests: [p],
        responses: [],
        copies: new Map(),
        final: undefined,
        credentials: p.sip !== undefined && hasCredentials(p.sip),
        ack: undefined,
        acks: []
      }
      byKey.set(key, tx)
      list.push(tx)
      continue
    }
    const method = p.cseq?.method ?? 'INVITE'
    const tx = byKey.get(txKey(p, method)) ?? list.findLast(t => t.method === method && t.seq !== undefined && t.seq === p.cseq?.seq)
    if (tx === undefined) continue
    // A retransmission is the same response again; a second 183 with new SDP is a new response.
    const original = tx.responses.find(r => r.code === p.code && r.toTag === p.toTag && sameEndpoint(r.src, p.src) && r.sip?.body === p.sip?.body)
    if (original !== undefined) {
      p.repeats = original.index
      tx.copies.get(original)!.push(p)
      continue
    }
    tx.responses.push(p)
    tx.copies.set(p, [p])
    if (p.code! >= 200) tx.final ??= p
  }
  return { list, ackCopies: [...acks.values()] }
}
