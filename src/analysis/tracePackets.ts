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
  /** Read shallowly: a keep-alive or the like, whose headers are read only when asked for. */
  shallow: boolean
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
  readonly label: string
}

/** A SIP transaction: a request, its retransmissions, its responses, and the ACK of an INVITE. */
export interface Transaction {
  method: string
  seq: number | undefined
  initial: boolean
  requests: Packet[]
  /** Distinct responses; those that were retransmitted have all their copies in `copies`, the original first. */
  responses: Packet[]
  copies: Map<Packet, Packet[]> | undefined
  final: Packet | undefined
  credentials: boolean
  /** ACK of a non-2xx final (same branch), or of the 2xx (matched by CSeq). */
  ack: Packet | undefined
  /** Every ACK of an INVITE, copies included; none for other methods. */
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
 * A packet, read cheaply: the start line, CSeq, the top Via's branch, and for the messages that
 * shape a call the body too. The rest (the whole parse, the Via's addresses, the To tag, the
 * endpoints as text) is read on first use and kept, because a long trace is mostly keep-alives
 * nobody looks at twice.
 */
class TracePacket implements Packet {
  // Fields are declared, not defined: a class field costs QuickJS a definition per packet on top of
  // the constructor's assignment, and a long trace makes thousands of packets.
  declare repeats?: number
  declare readonly index: number
  declare readonly t_ms: number
  declare readonly src: Endpoint
  declare readonly dst: Endpoint
  declare readonly callid: string
  declare readonly leg: string
  declare readonly parsed: boolean
  declare readonly what: string
  declare readonly code: number | undefined
  declare readonly reason: string
  declare readonly cseq: { seq: number, method: string } | undefined
  declare readonly branch: string | undefined
  declare readonly credentials: boolean
  declare readonly sdp: Sdp | undefined
  declare readonly transport: string
  declare readonly raw: string
  declare private headRead: SipHead | undefined
  declare readonly ruriUser: string | undefined
  /** The top Via's value, or where it is in `raw` (`viaAt`…`viaEnd`) until it is asked for. */
  declare private viaText: string | undefined
  declare private readonly viaAt: number
  declare private readonly viaEnd: number
  declare readonly viaSentBy: string
  declare private labelText: string | undefined
  declare private topVia: Via | typeof NO_VIA | undefined
  declare private tag: string | null | undefined
  declare private sourceText: string | undefined
  declare private destinationText: string | undefined
  declare private bodyText: string | undefined

  constructor (
    index: number,
    t_ms: number,
    src: Endpoint,
    dst: Endpoint,
    callid: string,
    leg: string,
    parsed: boolean,
    what: string,
    code: number | undefined,
    reason: string,
    cseq: { seq: number, method: string } | undefined,
    branch: string | undefined,
    credentials: boolean,
    sdp: Sdp | undefined,
    transport: string,
    raw: string,
    headRead: SipHead | undefined,
    ruriUser: string | undefined,
    viaText: string | undefined,
    viaAt: number,
    viaEnd: number,
    viaSentBy: string
  ) {
    this.index = index
    this.t_ms = t_ms
    this.src = src
    this.dst = dst
    this.callid = callid
    this.leg = leg
    this.parsed = parsed
    this.what = what
    this.code = code
    this.reason = reason
    this.cseq = cseq
    this.branch = branch
    this.credentials = credentials
    this.sdp = sdp
    this.transport = transport
    this.raw = raw
    this.headRead = headRead
    this.ruriUser = ruriUser
    this.viaText = viaText
    this.viaAt = viaAt
    this.viaEnd = viaEnd
    this.viaSentBy = viaSentBy
  }

  private get viaLine (): string | undefined {
    if (this.viaText === undefined && this.viaAt >= 0) this.viaText = this.raw.slice(this.viaAt, this.viaEnd)
    return this.viaText
  }

  get label (): string {
    return this.labelText ??= labelOf(this)
  }

  get shallow (): boolean {
    // Only shallowPacket makes a parsed packet without its head.
    return this.parsed && this.headRead === undefined
  }

  get head (): SipHead | undefined {
    if (this.headRead === undefined && this.parsed) this.headRead = SipHead.read(this.raw)
    return this.headRead
  }

  get body (): string {
    return this.bodyText ??= this.head?.body ?? ''
  }

  get sip (): SipMessage | undefined {
    return this.head?.message()
  }

  get via (): Via | undefined {
    if (this.topVia === undefined) this.topVia = parseVia(this.viaLine === undefined ? undefined : splitValues(this.viaLine)[0]) ?? NO_VIA
    return this.topVia === NO_VIA ? undefined : this.topVia
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
  // The usual `;branch=z9hG4bK…` of the first value, by index; anything else by the pattern.
  const at = viaLine.indexOf(';branch=')
  const comma = at < 0 ? -1 : viaLine.indexOf(',')
  if (at >= 0 && (comma < 0 || comma > at)) {
    const semi = viaLine.indexOf(';', at + 8)
    const value = (semi < 0 ? viaLine.slice(at + 8) : viaLine.slice(at + 8, semi)).trim()
    if (!value.includes(',') && !value.includes(' ')) return value
  }
  const m = /;[ \t]*branch[ \t]*=[ \t]*([^;,\s]*)/i.exec(viaLine.includes(',') ? splitValues(viaLine)[0] ?? '' : viaLine)
  return m === null ? undefined : m[1]
}

/**
 * Methods whose transactions never change the call's state (keep-alives, DTMF, instant messages,
 * event notifications): a long trace is mostly these, and they are read shallowly, headers on
 * demand. INVITE, ACK, CANCEL, BYE, UPDATE, PRACK, REFER and REGISTER are always read whole.
 */
const SHALLOW = new Set(['OPTIONS', 'INFO', 'MESSAGE', 'NOTIFY', 'SUBSCRIBE', 'PUBLISH'])

const VIA_LINE = '\r\nVia: '
const CSEQ_LINE = '\r\nCSeq: '

/**
 * How the last keep-alive read on a path was laid out, to read the next one by checking places
 * instead of searching: QuickJS searches a string one character at a time, and the keep-alives of
 * a dialog repeat the same start line, Via sent-by and headers, with only the branch and the CSeq
 * number changing. Every text it holds was found by searching first.
 */
interface Layout {
  /** The API's method and reply reason of that packet. */
  method: string
  reason: string
  /** The message up to the top Via's branch value: the start line, `\r\nVia: `, the sent-by and parameters, `;branch=`. */
  head: string
  /** Where the Via's value starts in it, and its sent-by. */
  viaStart: number
  sentBy: string
  /** The lines between the Via line and the CSeq line. */
  middle: string | undefined
  /** A request's CSeq line after its number: ` OPTIONS\r\n`. */
  cseqTail: string
}

/** Where a packet travels: its Call-ID, its two ends, the leg that makes of it, and its last keep-alives' layout. */
interface Path {
  callid: string
  sourceIp: unknown
  sourcePort: unknown
  destinationIp: unknown
  destinationPort: unknown
  src: Endpoint
  dst: Endpoint
  leg: string
  /** The leg's packets so far. */
  packets: Packet[]
  request: Layout | undefined
  response: Layout | undefined
}

/** Paths remembered: a long trace is keep-alives to and fro on the same few. */
const RECENT_PATHS = 8

/**
 * The paths of a trace's packets, the recent ones remembered, so that a keep-alive on a path
 * already seen shares its endpoints, leg key and layout instead of finding them again.
 */
class Paths {
  /** Each leg's packets, the legs in order of appearance; {@link toPacket} adds each packet to its leg. */
  readonly legs = new Map<string, Packet[]>()
  private readonly recent: Path[] = []
  private next = 0

  of (callid: string, m: TraceMessage): Path {
    for (const p of this.recent) {
      if (p.callid === callid && p.sourceIp === m.source_ip && p.sourcePort === m.source_port &&
        p.destinationIp === m.destination_ip && p.destinationPort === m.destination_port) return p
    }
    const src = { ip: String(m.source_ip ?? ''), port: Number(m.source_port) }
    const dst = { ip: String(m.destination_ip ?? ''), port: Number(m.destination_port) }
    const leg = legKey(callid, src.ip, dst.ip)
    let packets = this.legs.get(leg)
    if (packets === undefined) this.legs.set(leg, packets = [])
    const path: Path = {
      callid,
      sourceIp: m.source_ip,
      sourcePort: m.source_port,
      destinationIp: m.destination_ip,
      destinationPort: m.destination_port,
      src,
      dst,
      leg,
      packets,
      request: undefined,
      response: undefined
    }
    this.recent[this.next] = path
    this.next = (this.next + 1) % RECENT_PATHS
    return path
  }
}

/**
 * A keep-alive or the like, read shallowly: its method or code from the API's fields (checked
 * against the start line), the top Via's sent-by and branch, and CSeq; a response must repeat
 * its request's CSeq line. Lines are found by index in the text, without a record per line, and where the
 * path's last keep-alive had them when that checks out ({@link Layout}). `undefined` when anything
 * is not where it usually is (CRLF line ends, the usual spellings): the caller reads the message whole.
 *
 * @param requests each shallow request so far, by branch.
 */
function shallowPacket (m: TraceMessage, raw: string, index: number, t: number, requests: Map<string, ShallowRequest>,
  paths: Paths): Packet | undefined {
  const callid = m.callid
  const method = m.method
  if (typeof callid !== 'string' || callid === '' || typeof method !== 'string') return undefined
  const response = method.length === 3 && method >= '100' && method <= '699'
  const reason = response ? m.reply_reason ?? '' : ''
  const path = paths.of(callid, m)
  const layout = response ? path.response : path.request
  let viaStart = -1
  let viaEnd = -1
  let sentBy = ''
  let branch = ''
  if (layout !== undefined && method === layout.method && reason === layout.reason && raw.startsWith(layout.head)) {
    // Laid out as the path's last keep-alive up to the branch: the branch runs to the next parameter or the line's end.
    const branchAt = layout.head.length
    viaEnd = raw.indexOf('\r\n', branchAt)
    const semi = raw.indexOf(';', branchAt)
    branch = viaEnd < 0 ? '' : raw.slice(branchAt, semi >= 0 && semi < viaEnd ? semi : viaEnd)
    // A comma in it is a second Via value: searched for below, like any other message.
    if (branch !== '' && !branch.includes(',')) {
      viaStart = layout.viaStart
      sentBy = layout.sentBy
    }
  }
  let fresh: Layout | undefined
  if (viaStart < 0) {
    // The start line as the API's fields say it is, the reason phrase included, so the label is the message's.
    if (response ? !raw.startsWith(`SIP/2.0 ${method} ${reason}\r\n`) : !SHALLOW.has(method) || !raw.startsWith(`${method} `)) return undefined
    // The top Via: the first header (so no other spelling of Via comes before it), one value (no comma), with a branch.
    const at = raw.indexOf('\r\n')
    if (at < 0 || !raw.startsWith(VIA_LINE, at)) return undefined
    viaStart = at + VIA_LINE.length
    viaEnd = raw.indexOf('\r\n', viaStart)
    if (viaEnd < 0) return undefined
    const value = raw.slice(viaStart, viaEnd)
    const branchAt = value.indexOf(';branch=')
    if (branchAt < 0 || value.includes(',')) return undefined
    const semi = value.indexOf(';', branchAt + 8)
    branch = semi < 0 ? value.slice(branchAt + 8) : value.slice(branchAt + 8, semi)
    if (branch === '') return undefined
    sentBy = value.slice(0, value.indexOf(';'))
    fresh = { method, reason, head: raw.slice(0, viaStart + branchAt + 8), viaStart, sentBy, middle: undefined, cseqTail: ` ${method}\r\n` }
  }
  const cseqAt = cseqLineAt(raw, viaEnd, (fresh ?? layout)!)
  if (cseqAt < 0) return undefined
  let cseq: { seq: number, method: string } | undefined
  if (response) {
    // RFC 3261 branches are unique to their transaction: the branch finds the request, whose CSeq line the response repeats.
    const request = requests.get(branch)
    if (request === undefined || !raw.startsWith(request.line, cseqAt + CSEQ_LINE.length)) return undefined
    cseq = request.cseq
  } else {
    const valueAt = cseqAt + CSEQ_LINE.length
    // The usual `1005 OPTIONS`: the number, then the method and the line end the path's keep-alives have.
    const known = (fresh ?? layout)!
    const space = raw.indexOf(' ', valueAt)
    const seq = space > valueAt && raw.startsWith(known.cseqTail, space) ? Number(raw.slice(valueAt, space)) : NaN
    let lineEnd: number
    if (Number.isInteger(seq) && seq >= 0) {
      cseq = { seq, method }
      lineEnd = space + known.cseqTail.length
    } else {
      cseq = requestCseq(raw, method, cseqAt)
      if (cseq === undefined) return undefined
      lineEnd = raw.indexOf('\r\n', valueAt) + 2
    }
    requests.set(branch, { cseq, line: raw.slice(valueAt, lineEnd) })
  }
  if (fresh !== undefined) {
    if (response) path.response = fresh
    else path.request = fresh
  }
  const protocol = m.protocol
  const transport = protocol === 'UDP' || protocol === 'TCP' || protocol === 'TLS' ? protocol : (protocol ?? parseVia(raw.slice(viaStart, viaEnd))?.transport ?? 'UDP').toUpperCase()
  const packet = new TracePacket(index, t, path.src, path.dst, callid, path.leg, true, method, response ? Number(method) : undefined, reason,
    cseq, branch, false, undefined, transport, raw, undefined, m.ruri_user, undefined, viaStart, viaEnd, sentBy)
  path.packets.push(packet)
  return packet
}

/**
 * Where the first `CSeq: ` line after the Via line is: after the same lines as in the path's last
 * keep-alive, else searched for (and those lines kept for the next one); -1 when there is none.
 */
function cseqLineAt (raw: string, viaEnd: number, layout: Layout): number {
  if (layout.middle !== undefined && raw.startsWith(layout.middle, viaEnd) && raw.startsWith(CSEQ_LINE, viaEnd + layout.middle.length)) {
    return viaEnd + layout.middle.length
  }
  const at = raw.indexOf(CSEQ_LINE, viaEnd)
  if (at >= 0) layout.middle = raw.slice(viaEnd, at)
  return at
}

/** A shallow request as its responses are matched to it: its CSeq, and its CSeq line's value with the line end. */
interface ShallowRequest {
  cseq: { seq: number, method: string }
  line: string
}

/**
 * The CSeq of a shallow request, from the usual `CSeq: ` line at `at`, when its method is the
 * request's; `undefined` sends the caller to the whole parse. The usual `1000 OPTIONS` is read by
 * index ({@link parseCseq} reads the same), anything else by {@link parseCseq}.
 */
function requestCseq (raw: string, method: string, at: number): { seq: number, method: string } | undefined {
  if (!raw.startsWith(CSEQ_LINE, at)) return undefined
  const start = at + CSEQ_LINE.length
  const end = raw.indexOf('\r\n', start)
  if (end < 0) return undefined
  const space = raw.indexOf(' ', start)
  if (space > start && space + 1 + method.length === end && raw.startsWith(method, space + 1)) {
    const seq = Number(raw.slice(start, space))
    if (Number.isInteger(seq) && seq >= 0) return { seq, method }
  }
  const cseq = parseCseq(raw.slice(start, end))
  return cseq === undefined || cseq.method !== method ? undefined : cseq
}

/** Reads one captured message; `index` is its place in time order, `t0` the first packet's µs. */
function toPacket (m: TraceMessage, index: number, micro: number, t0: number, requests: Map<string, ShallowRequest>,
  paths: Paths): Packet {
  const raw = typeof m.msg === 'string' ? m.msg : ''
  const t = Math.round((micro - t0) / 1000)
  const shallow = shallowPacket(m, raw, index, t, requests, paths)
  if (shallow !== undefined) return shallow
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
  const viaLine = head?.get('via')
  const path = paths.of(callidOf(m, head), m)
  const semi = viaLine === undefined ? -1 : viaLine.indexOf(';')
  const packet = new TracePacket(
    index,
    t,
    path.src,
    path.dst,
    path.callid,
    path.leg,
    head !== undefined,
    what,
    code,
    start === undefined ? (m.reply_reason ?? '') : (start.reason ?? ''),
    head === undefined ? undefined : parseCseq(head.get('cseq')),
    branchOf(viaLine),
    start?.kind === 'request' && glanceCredentials(head!),
    sdp,
    (m.protocol ?? (viaLine === undefined ? undefined : parseVia(splitValues(viaLine)[0])?.transport) ?? 'UDP').toUpperCase(),
    raw,
    head,
    m.ruri_user,
    viaLine,
    -1,
    -1,
    viaLine === undefined ? '' : semi < 0 ? viaLine : viaLine.slice(0, semi)
  )
  path.packets.push(packet)
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
 * Transactions by key ({@link txKey}), looked up by the branch alone first: a branch is nearly
 * always one transaction's, and building the whole key for each of thousands of keep-alives costs
 * more than the lookup. Transactions that share a branch (an INVITE and its CANCEL) are kept by
 * the whole key.
 */
class TransactionIndex {
  private readonly byBranch = new Map<string, Transaction>()
  private readonly byKey = new Map<string, Transaction>()

  get (p: Packet, method: string): Transaction | undefined {
    const branch = p.branch
    if (branch === undefined || branch === '') return this.byKey.get(txKey(p, method))
    const first = this.byBranch.get(branch)
    if (first === undefined) return undefined
    return first.method === method && first.seq === p.cseq?.seq ? first : this.byKey.get(txKey(p, method))
  }

  add (p: Packet, tx: Transaction): void {
    const branch = p.branch
    if (branch !== undefined && branch !== '' && !this.byBranch.has(branch)) this.byBranch.set(branch, tx)
    else this.byKey.set(txKey(p, tx.method), tx)
  }
}

/** A trace's messages in the order the analysis numbers them, each with its capture time in µs. */
interface Ordered {
  kept: TraceMessage[]
  micros: number[]
  duplicates: number
}

/**
 * The messages of a trace in the order the analysis numbers them: time order (ties keep their
 * input order), the capture duplicates dropped. Position `i` here is message `i` everywhere.
 */
function orderMessages (messages: readonly TraceMessage[]): Ordered {
  let duplicates = 0
  const kept: TraceMessage[] = []
  const micros: number[] = []
  const consider = (m: TraceMessage, micro: number): void => {
    // A copy is the same packet on the same path within the window: compare with the packets just before it.
    for (let j = kept.length - 1; j >= 0 && micro - micros[j]! < DUPLICATE_WINDOW_US; j--) {
      const other = kept[j]!
      if (other.msg === m.msg && other.source_ip === m.source_ip && other.source_port === m.source_port &&
        other.destination_ip === m.destination_ip && other.destination_port === m.destination_port) {
        duplicates++
        return
      }
    }
    kept.push(m)
    micros.push(micro)
  }
  // The API gives the trace in time order already: sort only when it is not.
  let last = -Infinity
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!
    const micro = microOf(m)
    if (micro < last) {
      // Out of order: start again from the sorted messages.
      const timed = messages.map((message, at) => ({ message, at, micro: microOf(message) })).sort((a, b) => a.micro - b.micro || a.at - b.at)
      duplicates = 0
      kept.length = 0
      micros.length = 0
      for (const t of timed) consider(t.message, t.micro)
      break
    }
    last = micro
    consider(m, micro)
  }
  return { kept, micros, duplicates }
}

/** A trace's packets read ({@link readPackets}). */
export interface ReadTrace {
  /** In time order, numbered from 0. */
  packets: Packet[]
  /** Each leg's packets ({@link legKey}), the legs in order of appearance. */
  legs: Map<string, Packet[]>
  /** The first packet's capture time, µs. */
  t0: number
  /** Capture duplicates dropped. */
  duplicates: number
  /** Packets whose text is not SIP. */
  unparsed: number
}

/**
 * The packets of a trace in time order (ties keep their input order), the capture duplicates
 * dropped, each parsed once, and grouped by leg.
 */
export function readPackets (messages: readonly TraceMessage[]): ReadTrace {
  const { kept, micros, duplicates } = orderMessages(messages)
  const t0 = micros[0] ?? 0
  const requests = new Map<string, ShallowRequest>()
  const paths = new Paths()
  const packets: Packet[] = []
  let unparsed = 0
  for (let i = 0; i < kept.length; i++) {
    const packet = toPacket(kept[i]!, i, micros[i]!, t0, requests, paths)
    if (!packet.parsed) unparsed++
    packets.push(packet)
  }
  return { packets, legs: paths.legs, t0, duplicates, unparsed }
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
  const { kept, micros } = orderMessages(messages)
  const t0 = micros[0] ?? 0
  const legs = new Map<string, string>()
  const keys = kept.map(m => {
    const key = legKey(callidOf(m), String(m.source_ip ?? ''), String(m.destination_ip ?? ''))
    if (!legs.has(key)) legs.set(key, legLabel(legs.size))
    return key
  })
  const page = kept.slice(from, to).map((m, i): RawMessage => {
    const src = { ip: String(m.source_ip ?? ''), port: Number(m.source_port) }
    const dst = { ip: String(m.destination_ip ?? ''), port: Number(m.destination_port) }
    const reason = m.reply_reason ?? ''
    return {
      message: from + i,
      t_ms: Math.round((micros[from + i]! - t0) / 1000),
      leg: legs.get(keys[from + i]!)!,
      from: endpointText(src),
      to: endpointText(dst),
      method: /^\d{3}$/.test(String(m.method)) && reason !== '' ? `${m.method} ${reason}` : String(m.method ?? ''),
      text: typeof m.msg === 'string' ? m.msg : ''
    }
  })
  return { messages: page, total: kept.length }
}

/** The ACKs of a transaction other than an INVITE: none, ever (an ACK belongs to an INVITE). */
const NO_ACKS: Packet[] = Object.freeze([]) as unknown as Packet[]

/** The response `p` repeats, if any: the same code from the same end, with the same body and To tag. */
function originalOf (responses: Packet[], p: Packet): Packet | undefined {
  for (const r of responses) if (r.code === p.code && sameEndpoint(r.src, p.src) && r.body === p.body && r.toTag === p.toTag) return r
  return undefined
}

/**
 * Groups a leg's packets into transactions (top-Via branch, CSeq number and method; RFC 2543
 * peers by CSeq and From tag) and marks each retransmission with the message it repeats.
 */
export function transactionsOf (packets: Packet[]): { list: Transaction[], ackCopies: Packet[][] } {
  const byKey = new TransactionIndex()
  // The last transaction of each method and CSeq number, for responses and ACKs without a matching branch.
  const bySeq = new Map<string, Map<number, Transaction>>()
  const seqOf = (method: string, seq: number | undefined): Transaction | undefined => seq === undefined ? undefined : bySeq.get(method)?.get(seq)
  const list: Transaction[] = []
  const acks = new Map<string, Packet[]>()
  for (const p of packets) {
    if (p.code === undefined) {
      if (p.what === 'ACK') {
        const invite = byKey.get(p, 'INVITE')
        if (invite !== undefined && invite.final !== undefined && invite.final.code! >= 300) {
          if (invite.ack === undefined) invite.ack = p
          else p.repeats = invite.ack.index
          invite.acks.push(p)
          continue
        }
        // An ACK of a 2xx is its own transaction; it belongs to the INVITE with its CSeq number.
        const owner = seqOf('INVITE', p.cseq?.seq)
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
      const existing = byKey.get(p, p.what)
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
        copies: undefined,
        final: undefined,
        credentials: p.credentials,
        ack: undefined,
        acks: p.what === 'INVITE' ? [] : NO_ACKS
      }
      byKey.add(p, tx)
      if (tx.seq !== undefined) {
        let numbers = bySeq.get(tx.method)
        if (numbers === undefined) bySeq.set(tx.method, numbers = new Map())
        numbers.set(tx.seq, tx)
      }
      list.push(tx)
      continue
    }
    const method = p.cseq?.method ?? 'INVITE'
    const tx = byKey.get(p, method) ?? seqOf(method, p.cseq?.seq)
    if (tx === undefined) continue
    // A retransmission is the same response again; a second 183 with new SDP is a new response.
    const original = tx.responses.length === 0 ? undefined : originalOf(tx.responses, p)
    if (original !== undefined) {
      p.repeats = original.index
      tx.copies ??= new Map()
      const copies = tx.copies.get(original)
      if (copies === undefined) tx.copies.set(original, [original, p])
      else copies.push(p)
      continue
    }
    tx.responses.push(p)
    if (p.code >= 200) tx.final ??= p
  }
  return { list, ackCopies: [...acks.values()] }
}
