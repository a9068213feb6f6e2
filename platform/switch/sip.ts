import type { Random } from './random'

/**
 * SIP messages of one call leg (RFC 3261), written the way a capture shows them: CRLF line ends,
 * a Content-Length that counts the body, transactions keyed by the top Via branch. `trace.ts`
 * decides which messages a call has and when; this file only writes them correctly.
 */

/** One end of a leg. `host` is what it writes in Via/Contact/SDP (a private address behind NAT). */
export interface Endpoint {
  ip: string
  port: number
  host: string
  ua: string
}

/** A message on the wire: when (ms after the call's first INVITE), which leg, who sent it. */
export interface Step {
  at_ms: number
  callid: string
  fromUser: string
  toUser: string
  ruri: string
  source: Endpoint
  destination: Endpoint
  text: string
}

/** Codec payload types by name (RFC 3551), and the rtpmap lines that go with them. */
const CODECS: Record<string, [number, string[]]> = {
  PCMU: [0, ['a=rtpmap:0 PCMU/8000']],
  PCMA: [8, ['a=rtpmap:8 PCMA/8000']],
  G729: [18, ['a=rtpmap:18 G729/8000', 'a=fmtp:18 annexb=no']]
}

const CRLF = '\r\n'

/** An SDP body offering or answering `codecs` (telephone-event always added). */
export function sdp (host: string, port: number, codecs: string[], session: number): string {
  return [
    'v=0', `o=- ${session} ${session} IN IP4 ${host}`, 's=-', `c=IN IP4 ${host}`, 't=0 0',
    `m=audio ${port} RTP/AVP ${[...codecs.map(c => CODECS[c]![0]), 101].join(' ')}`,
    ...codecs.flatMap(c => CODECS[c]![1]),
    'a=rtpmap:101 telephone-event/8000', 'a=fmtp:101 0-16', 'a=ptime:20', 'a=sendrecv'
  ].join(CRLF) + CRLF
}

function message (lines: string[], body: string): string {
  const head = body === ''
    ? [...lines, 'Content-Length: 0']
    : [...lines, 'Content-Type: application/sdp', `Content-Length: ${body.length}`]
  return head.join(CRLF) + CRLF + CRLF + body
}

/** Extra headers and a body for one message. */
export interface MessageOptions {
  headers?: string[]
  body?: string
}

/**
 * One leg: a caller (who sends the INVITE) and a callee, their tags, and the CSeq/branch of the
 * current INVITE transaction. Each method adds one message at a time.
 */
export class LegWriter {
  readonly steps: Step[] = []
  private readonly fromTag: string
  private readonly toTag: string
  private cseq: number
  private calleeCseq: number
  private branch: string

  constructor (
    readonly callid: string,
    readonly caller: Endpoint,
    readonly callee: Endpoint,
    readonly fromUser: string,
    readonly toUser: string,
    private readonly random: Random
  ) {
    this.fromTag = random.hex(8)
    this.toTag = `SW-${random.hex(8)}`
    this.cseq = random.int(100, 9000)
    this.calleeCseq = random.int(100, 9000)
    this.branch = this.newBranch()
  }

  private newBranch (): string {
    return `z9hG4bK${this.random.hex(10)}`
  }

  private add (at: number, from: 'caller' | 'callee', text: string): void {
    const [source, destination] = from === 'caller' ? [this.caller, this.callee] : [this.callee, this.caller]
    this.steps.push({ at_ms: at, callid: this.callid, fromUser: this.fromUser, toUser: this.toUser, ruri: `sip:${this.toUser}@${this.callee.ip}`, source, destination, text })
  }

  private via (sender: Endpoint, branch: string): string {
    return `Via: SIP/2.0/UDP ${sender.host}:${sender.host === sender.ip ? sender.port : 5060};branch=${branch};rport`
  }

  private callerFrom (): string {
    return `From: <sip:${this.fromUser}@${this.caller.host}>;tag=${this.fromTag}`
  }

  private calleeTo (tagged: boolean): string {
    return `To: <sip:${this.toUser}@${this.callee.ip}>${tagged ? `;tag=${this.toTag}` : ''}`
  }

  /** A request of the caller in the current INVITE transaction's CSeq, with `extra` headers. */
  private callerRequest (method: string, branch: string, tagged: boolean, extra: string[], body = ''): string {
    return message([
      `${method} sip:${this.toUser}@${this.callee.ip}:${this.callee.port} SIP/2.0`,
      this.via(this.caller, branch),
      'Max-Forwards: 70',
      this.callerFrom(),
      this.calleeTo(tagged),
      `Call-ID: ${this.callid}`,
      `CSeq: ${this.cseq} ${method}`,
      ...extra,
      `User-Agent: ${this.caller.ua}`
    ], body)
  }

  /** The initial INVITE; `again` starts a new transaction (CSeq + 1, new branch), as after a 407. */
  invite (at: number, options: MessageOptions & { again?: boolean } = {}): void {
    if (options.again === true) {
      this.cseq++
      this.branch = this.newBranch()
    }
    this.add(at, 'caller', this.callerRequest('INVITE', this.branch, false, [
      `Contact: <sip:${this.fromUser}@${this.caller.host}:${this.caller.host === this.caller.ip ? this.caller.port : 5060}>`,
      'Allow: INVITE, ACK, CANCEL, BYE, OPTIONS',
      ...(options.headers ?? [])
    ], options.body))
  }

  /** The INVITE again, byte for byte: a UDP retransmission (Timer A). */
  retransmitInvite (at: number): void {
    const original = this.steps.findLast(s => s.source === this.caller && s.text.startsWith('INVITE '))
    if (original !== undefined) this.steps.push({ ...original, at_ms: at })
  }

  /** A response of the callee to the current INVITE (or, with `method`, to that request). */
  reply (at: number, code: number, reason: string, options: MessageOptions & { method?: string } = {}): void {
    const method = options.method ?? 'INVITE'
    const requester = this.caller
    this.add(at, 'callee', message([
      `SIP/2.0 ${code} ${reason}`,
      `${this.via(requester, this.branch)};received=${requester.ip};rport=${requester.port}`.replace(';rport;', ';'),
      this.callerFrom(),
      this.calleeTo(code > 100),
      `Call-ID: ${this.callid}`,
      `CSeq: ${this.cseq} ${method}`,
      ...(code >= 180 && code < 300 && method === 'INVITE' ? [`Contact: <sip:${this.toUser}@${this.callee.host}:${this.callee.port}>`] : []),
      ...(options.headers ?? []),
      `Server: ${this.callee.ua}`
    ], options.body ?? ''))
  }

  /** The last response again, byte for byte (a 2xx retransmitted while no ACK comes). */
  retransmitReply (at: number): void {
    const original = this.steps.findLast(s => s.source === this.callee && s.text.startsWith('SIP/2.0 '))
    if (original !== undefined) this.steps.push({ ...original, at_ms: at })
  }

  /** ACK of a 2xx is a new transaction; ACK of a non-2xx reuses the INVITE's branch (RFC 3261 §17.1.1.3). */
  ack (at: number, forSuccess: boolean): void {
    this.add(at, 'caller', this.callerRequest('ACK', forSuccess ? this.newBranch() : this.branch, true, []))
  }

  /** CANCEL (same branch and CSeq number as the INVITE) and the callee's 200 for it. */
  cancel (at: number, answerAfter: number): void {
    this.add(at, 'caller', this.callerRequest('CANCEL', this.branch, false, ['Reason: Q.850;cause=16;text="Normal call clearing"']))
    this.reply(at + answerAfter, 200, 'OK', { method: 'CANCEL' })
  }

  /**
   * BYE from either side and its 200. The callee's BYE swaps From and To and counts in the
   * callee's own CSeq space (RFC 3261 §12.2.1.1).
   */
  bye (at: number, sender: 'caller' | 'callee', answerAfter: number, reasonHeader = 'Reason: Q.850;cause=16;text="Normal call clearing"'): void {
    const branch = this.newBranch()
    const from = sender === 'caller' ? this.caller : this.callee
    const to = sender === 'caller' ? this.callee : this.caller
    const seq = sender === 'caller' ? this.cseq + 1 : this.calleeCseq
    const fromTo = sender === 'caller'
      ? [this.callerFrom(), this.calleeTo(true)]
      : [`From: <sip:${this.toUser}@${this.callee.host}>;tag=${this.toTag}`, `To: <sip:${this.fromUser}@${this.caller.host}>;tag=${this.fromTag}`]
    const requestUser = sender === 'caller' ? this.toUser : this.fromUser
    this.add(at, sender, message([
      `BYE sip:${requestUser}@${to.ip}:${to.port} SIP/2.0`,
      this.via(from, branch),
      'Max-Forwards: 70',
      ...fromTo,
      `Call-ID: ${this.callid}`,
      `CSeq: ${seq} BYE`,
      reasonHeader,
      `User-Agent: ${from.ua}`
    ], ''))
    this.add(at + answerAfter, sender === 'caller' ? 'callee' : 'caller', message([
      'SIP/2.0 200 OK',
      `${this.via(from, branch)};received=${from.ip};rport=${from.port}`.replace(';rport;', ';'),
      ...fromTo,
      `Call-ID: ${this.callid}`,
      `CSeq: ${seq} BYE`,
      `Server: ${to.ua}`
    ], ''))
  }
}
