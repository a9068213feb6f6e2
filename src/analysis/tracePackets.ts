/**
 * Reading a C-Trace's packets: parsing each once, and grouping a leg's packets into SIP
 * transactions (RFC 3261 §17), which tells a retransmission from a new request.
 */
import { utf8Length } from '../lib/bounded'
import { audioOf, isHold, parseSdp, type Sdp } from './sdp'
import {
  glanceCredentials, header, headerParam, parseCseq, parseVia, SipHead, splitValues, type SipMessage, type Via
} from './sipMessage'
import type { MessageRef, TraceMessage } from './traceTypes'

/** An address and port of a packet. */
export interface Endpoint {
  ip: string
  port: number
}

/** One packet of the trace, read once, with what the analysis reads of it. */
export interface Packet {
  index: number
  t_ms: number
  src: Endpoint
  dst: Endpoint
  /** `ip` or `ip:port` of each end (see {@link endpointText}). */
  readonly source: string
  readonly destination: string
  callid: string
  /** The leg it belongs to: its Call-ID and the two addresses it travels between ({@link legKey}). */
  leg: string
  /** The whole message parsed, on first use; `undefined` when it is not SIP. */
  readonly sip: SipMessage | undefined
  /** Whether the start line is SIP (the message could be read at all). */
  parsed: boolean
  /** Method or status code as text. */
  what: string
  code: number | undefined
  reason: string
  cseq: { seq: number, method: string } | undefined
  branch: string | undefined
  /** The top Via, parsed on first use. */
  readonly via: Via | undefined
  /** The top Via up to its parameters (`SIP/2.0/UDP host:port`), without parsing it. */
  readonly viaSentBy: string
  readonly toTag: string | undefined
  /** A request that carries digest credentials. */
  credentials: boolean
  /** The body as captured ('' when none). */
  body: string
  sdp: Sdp | undefined
  transport: string
  /** The message as captured; its size is counted only where it matters ({@link packetBytes}). */
  raw: string
  /** The message read header by header; `undefined` when it is not SIP. */
  head: SipHead | undefined
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
  /** Distinct responses; those that were retransmitted have all their copies in `copies`, the original first. */
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

function labelOf (p: Packet): string {
  if (p.code === undefined) {
    if (p.parsed && p.what === 'INVITE' && p.toTag !== undefined) {
      const audio = audioOf(p.sdp)
      return audio !== undefined && isHold(audio) ? 're-INVITE (hold)' : 're-INVITE'
    }
    return p.credentials ? `${p.what} (with credentials)` : p.what
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

/** Size of a packet's SIP text in bytes (UTF-8). */
export function packetBytes (p: Packet): number {
  return utf8Length(p.raw)
}

/**
 * The leg a message belongs to: its Call-ID and the pair of addresses it travels between, in
 * either direction. Some B2BUAs keep the caller's Call-ID on the outgoing leg, so a Call-ID alone
 * does not tell the customer's leg from the carrier's; the path does, and a retransmission travels
 * the same path as its original.
 */
export function legKey (callid: string, a: string, b: string): string {
  return a < b ? `${callid}\u0000${a}\u0000${b}` : `${callid}\u0000${b}\u0000${a}`
}

/** The Call-ID of a captured message: the API's field, else its Call-ID header. */
function callidOf (m: TraceMessage, head?: SipHead): string {
  const given = m.callid === undefined || m.callid === null ? '' : String(m.callid)
  if (given !== '') return given
  const text = typeof m.msg === 'string' ? m.msg : ''
  return (head ?? SipHead.read(text))?.get('call-id') ?? ''
}

const NO_VIA: unique symbol = Symbol('no via')

/**
 * A packet, read cheaply: the start line, the body, CSeq and the top Via's branch. The rest (the
 * whole parse, the Via's addresses, the To tag, the endpoints as text) is read on first use and
 * kept, because a long trace is mostly keep-alives nobody looks at twice.
 */
class TracePacket implements Packet {
  repeats?: number
  label = ''
  private topVia: Via | typeof NO_VIA | undefined
  private tag: string | null | undefined
  private sourceText: string | undefined
  private destinationText: string | undefined

  constructor (
    readonly index: number,
    readonly t_ms: number,
    readonly src: Endpoint,
    readonly dst: Endpoint,
    readonly callid: string,
    readonly leg: string,
    readonly parsed: boolean,
    readonly what: string,
    readonly code: number | undefined,
    readonly reason: string,
    readonly cseq: { seq: number, method: string } | undefined,
    readonly branch: string | undefined,
    readonly credentials: boolean,
    readonly body: string,
    readonly sdp: Sdp | undefined,
    readonly transport: string,
    readonly raw: string,
    readonly head: SipHead | undefined,
    readonly ruriUser: string | undefined,
    private readonly viaLine: string | undefined
  ) {}

  get sip (): SipMessage | undefined {
    return this.head?.message()
  }

  get via (): Via | undefined {
    if (this.topVia === undefined) this.topVia = parseVia(this.viaLine === undefined ? undefined : splitValues(this.viaLine)[0]) ?? NO_VIA
    return this.topVia === NO_VIA ? undefined : this.topVia
  }

  get viaSentBy (): string {
    const line = this.viaLine ?? ''
    const semi = line.indexOf(';')
    return semi < 0 ? line : line.slice(0, semi)
  }

  get toTag (): string | undefined {
    if (this.tag === undefined) {
      const to = this.head?.get('to')
      this.tag = to === undefined ? null : headerParam(to, 'tag') ?? null
    }
    return this.tag ?? undefined
  }

  get source (): string {
    return this.sourceText ??= endpointText(this.src)
  }

  get destination (): string {
    return this.destinationText ??= endpointText(this.dst)
  }
}

/** The branch of a Via line's first value. */
function branchOf (viaLine: string | undefined): string | undefined {
  if (viaLine === undefined) return undefined
  const m = /;[ \t]*branch[ \t]*=[ \t]*([^;,\s]*)/i.exec(viaLine.includes(',') ? splitValues(viaLine)[0] ?? '' : viaLine)
  return m === null ? undefined : m[1]
}

/** Reads one captured message; `index` is its place in time order, `t0` the first packet's µs. */
function toPacket (m: TraceMessage, index: number, micro: number, t0: number): Packet {
  const raw = typeof m.msg === 'string' ? m.msg : ''
  const head = raw === '' ? undefined : SipHead.read(raw)
  const start = head?.start
  let what: string
  let code: number | undefined
  if (start === undefined) {
    what = String(m.method ?? '')
    code = /^\d{3}$/.test(what) ? Number(what) : undefined
  } else if (start.kind === 'request') what = start.method!
  else {
    code = start.status!
    what = String(code)
  }
  const body = head?.body ?? ''
  const contentType = body === '' ? undefined : head!.get('content-type')
  const sdp = body !== '' && (contentType === undefined || /application\/sdp/i.test(contentType)) ? parseSdp(body) : undefined
  const src = { ip: String(m.source_ip ?? ''), port: Number(m.source_port) }
  const dst = { ip: String(m.destination_ip ?? ''), port: Number(m.destination_port) }
  const viaLine = head?.get('via')
  const callid = callidOf(m, head)
  const packet = new TracePacket(
    index,
    Math.round((micro - t0) / 1000),
    src,
    dst,
    callid,
    legKey(callid, src.ip, dst.ip),
    head !== undefined,
    what,
    code,
    start === undefined ? (m.reply_reason ?? '') : (start.reason ?? ''),
    head === undefined ? undefined : parseCseq(head.get('cseq')),
    branchOf(viaLine),
    start?.kind === 'request' && glanceCredentials(head!),
    body,
    sdp,
    (m.protocol ?? (viaLine === undefined ? undefined : parseVia(splitValues(viaLine)[0])?.transport) ?? 'UDP').toUpperCase(),
    raw,
    head,
    m.ruri_user,
    viaLine
  )
  packet.label = labelOf(packet)
  return packet
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
  let timed = messages.map((m, i) => ({ m, i, micro: microOf(m) }))
  // The API gives the trace in time order already: sort only when it is not.
  let sorted = true
  for (let i = 1; i < timed.length && sorted; i++) sorted = timed[i - 1]!.micro <= timed[i]!.micro
  if (!sorted) timed = timed.sort((a, b) => a.micro - b.micro || a.i - b.i)
  let duplicates = 0
  const kept: { m: TraceMessage, micro: number }[] = []
  for (const { m, micro } of timed) {
    // A copy is the same packet on the same path within the window: compare with the packets just before it.
    let copy = false
    for (let j = kept.length - 1; j >= 0 && micro - kept[j]!.micro < DUPLICATE_WINDOW_US; j--) {
      const other = kept[j]!.m
      if (other.msg === m.msg && other.source_ip === m.source_ip && other.source_port === m.source_port &&
        other.destination_ip === m.destination_ip && other.destination_port === m.destination_port) {
        copy = true
        break
      }
    }
    if (copy) duplicates++
    else kept.push({ m, micro })
  }
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
  const keys = kept.map(({ m }) => {
    const key = legKey(callidOf(m), String(m.source_ip ?? ''), String(m.destination_ip ?? ''))
    if (!legs.has(key)) legs.set(key, legLabel(legs.size))
    return key
  })
  const page = kept.slice(from, to).map(({ m, micro }, i): RawMessage => {
    const src = { ip: String(m.source_ip ?? ''), port: Number(m.source_port) }
    const dst = { ip: String(m.destination_ip ?? ''), port: Number(m.destination_port) }
    const reason = m.reply_reason ?? ''
    return {
      message: from + i,
      t_ms: Math.round((micro - t0) / 1000),
      leg: legs.get(keys[from + i]!)!,
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
  // The last transaction of each CSeq number and method, for responses and ACKs without a matching branch.
  const bySeq = new Map<string, Transaction>()
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
        const owner = bySeq.get(`${p.cseq?.seq}|INVITE`)
        if (owner !== undefined && owner.final !== undefined && owner.final.code! < 300) {
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
        credentials: p.credentials,
        ack: undefined,
        acks: []
      }
      byKey.set(key, tx)
      if (tx.seq !== undefined) bySeq.set(`${tx.seq}|${tx.method}`, tx)
      list.push(tx)
      continue
    }
    const method = p.cseq?.method ?? 'INVITE'
    const tx = byKey.get(txKey(p, method)) ?? (p.cseq === undefined ? undefined : bySeq.get(`${p.cseq.seq}|${method}`))
    if (tx === undefined) continue
    // A retransmission is the same response again; a second 183 with new SDP is a new response.
    const original = tx.responses.find(r => r.code === p.code && sameEndpoint(r.src, p.src) && r.body === p.body && r.toTag === p.toTag)
    if (original !== undefined) {
      p.repeats = original.index
      const copies = tx.copies.get(original)
      if (copies === undefined) tx.copies.set(original, [original, p])
      else copies.push(p)
      continue
    }
    tx.responses.push(p)
    if (p.code! >= 200) tx.final ??= p
  }
  return { list, ackCopies: [...acks.values()] }
}
