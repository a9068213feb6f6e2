import { SWITCH, type Dataset, type SimCall } from './dataset'
import { hashSeed, Random } from './random'

/** One packet of `GET log/trace`, in the API's shape. */
export interface TracePacketRecord {
  id: number
  date: string
  micro_ts: number
  callid: string
  method: string
  reply_reason: string
  ruri: string
  ruri_user: string
  to_user: string
  from_user: string
  user_agent: string
  source_ip: string
  source_port: number
  destination_ip: string
  destination_port: number
  protocol: 'UDP' | 'TCP' | 'TLS'
  msg: string
  delta: number
}

interface Endpoint {
  ip: string
  port: number
  ua: string
}

/** The state both ends of one leg share: who calls whom, tags, CSeq. */
interface Leg {
  callid: string
  caller: Endpoint
  callee: Endpoint
  fromUser: string
  toUser: string
  fromTag: string
  toTag: string
  cseq: number
  inviteBranch: string
  random: Random
}

interface Step {
  at_ms: number
  leg: Leg
  source: Endpoint
  destination: Endpoint
  text: string
}

const CRLF = '\r\n'

function sdp (ip: string, port: number, codecs: 'offer' | 'answer', session: number): string {
  const payloads = codecs === 'offer' ? '0 8 18 101' : '8 101'
  const maps = codecs === 'offer'
    ? ['a=rtpmap:0 PCMU/8000', 'a=rtpmap:8 PCMA/8000', 'a=rtpmap:18 G729/8000', 'a=fmtp:18 annexb=no']
    : ['a=rtpmap:8 PCMA/8000']
  return [
    'v=0', `o=- ${session} ${session} IN IP4 ${ip}`, 's=-', `c=IN IP4 ${ip}`, 't=0 0',
    `m=audio ${port} RTP/AVP ${payloads}`, ...maps,
    'a=rtpmap:101 telephone-event/8000', 'a=fmtp:101 0-16', 'a=ptime:20', 'a=sendrecv'
  ].join(CRLF) + CRLF
}

function withBody (lines: string[], body: string): string {
  const head = body === ''
    ? [...lines, 'Content-Length: 0']
    : [...lines, 'Content-Type: application/sdp', `Content-Length: ${body.length}`]
  return head.join(CRLF) + CRLF + CRLF + body
}

function fromHeader (leg: Leg): string {
  return `From: <sip:${leg.fromUser}@${leg.caller.ip}>;tag=${leg.fromTag}`
}

function toHeader (leg: Leg, tagged: boolean): string {
  return `To: <sip:${leg.toUser}@${leg.callee.ip}>${tagged ? `;tag=${leg.toTag}` : ''}`
}

/** A request sent by `sender` on the leg; `branch` names its transaction. */
function request (leg: Leg, method: string, sender: 'caller' | 'callee', options: { branch: string, cseq: number, tagged: boolean, body?: string }): string {
  const from = sender === 'caller' ? leg.caller : leg.callee
  const to = sender === 'caller' ? leg.callee : leg.caller
  const ruriUser = sender === 'caller' ? leg.toUser : leg.fromUser
  // In-dialog requests from the callee swap From and To (RFC 3261 §12.2.1.1).
  const fromTo = sender === 'caller'
    ? [fromHeader(leg), toHeader(leg, options.tagged)]
    : [`From: <sip:${leg.toUser}@${leg.callee.ip}>;tag=${leg.toTag}`, `To: <sip:${leg.fromUser}@${leg.caller.ip}>;tag=${leg.fromTag}`]
  return withBody([
    `${method} sip:${ruriUser}@${to.ip}:${to.port} SIP/2.0`,
    `Via: SIP/2.0/UDP ${from.ip}:${from.port};branch=${options.branch};rport`,
    'Max-Forwards: 70',
    ...fromTo,
    `Call-ID: ${leg.callid}`,
    `CSeq: ${options.cseq} ${method}`,
    ...(method === 'INVITE' ? [`Contact: <sip:${sender === 'caller' ? leg.fromUser : leg.toUser}@${from.ip}:${from.port}>`, 'Allow: INVITE, ACK, CANCEL, BYE, OPTIONS'] : []),
    ...(method === 'BYE' ? ['Reason: Q.850;cause=16;text="Normal call clearing"'] : []),
    `User-Agent: ${from.ua}`
  ], options.body ?? '')
}

/** A response from the callee to a request of the caller with `branch`/`cseq`/`method`. */
function response (leg: Leg, code: number, reason: string, options: { branch: string, cseq: number, method: string, tagged: boolean, responder: 'caller' | 'callee', body?: string }): string {
  const requester = options.responder === 'callee' ? leg.caller : leg.callee
  const responder = options.responder === 'callee' ? leg.callee : leg.caller
  const fromTo = options.responder === 'callee'
    ? [fromHeader(leg), toHeader(leg, options.tagged)]
    : [`From: <sip:${leg.toUser}@${leg.callee.ip}>;tag=${leg.toTag}`, `To: <sip:${leg.fromUser}@${leg.caller.ip}>;tag=${leg.fromTag}`]
  return withBody([
    `SIP/2.0 ${code} ${reason}`,
    `Via: SIP/2.0/UDP ${requester.ip}:${requester.port};branch=${options.branch};received=${requester.ip};rport=${requester.port}`,
    ...fromTo,
    `Call-ID: ${leg.callid}`,
    `CSeq: ${options.cseq} ${options.method}`,
    ...(code >= 180 && code < 300 && options.method === 'INVITE' ? [`Contact: <sip:${leg.toUser}@${responder.ip}:${responder.port}>`] : []),
    ...(code === 503 ? ['Retry-After: 30', 'Reason: Q.850;cause=34'] : code === 486 ? ['Reason: Q.850;cause=17'] : []),
    `Server: ${responder.ua}`
  ], options.body ?? '')
}

/** Builds the steps of one leg's flow for a scenario, relative to the leg's INVITE. */
class LegFlow {
  readonly steps: Step[] = []
  readonly leg: Leg

  constructor (leg: Leg) {
    this.leg = leg
  }

  private add (at: number, from: 'caller' | 'callee', text: string): void {
    const { caller, callee } = this.leg
    this.steps.push({ at_ms: at, leg: this.leg, source: from === 'caller' ? caller : callee, destination: from === 'caller' ? callee : caller, text })
  }

  invite (at: number): void {
    const body = sdp(this.leg.caller.ip === SWITCH.signalling ? SWITCH.media : this.leg.caller.ip, this.leg.random.int(8000, 30000) * 2, 'offer', this.leg.random.int(1e9, 2e9))
    this.add(at, 'caller', request(this.leg, 'INVITE', 'caller', { branch: this.leg.inviteBranch, cseq: this.leg.cseq, tagged: false, body }))
  }

  reply (at: number, code: number, reason: string, options: { method?: string, branch?: string, body?: boolean } = {}): void {
    const body = options.body === true ? sdp(this.leg.callee.ip === SWITCH.signalling ? SWITCH.media : this.leg.callee.ip, this.leg.random.int(8000, 30000) * 2, 'answer', this.leg.random.int(1e9, 2e9)) : ''
    this.add(at, 'callee', response(this.leg, code, reason, {
      branch: options.branch ?? this.leg.inviteBranch,
      cseq: this.leg.cseq,
      method: options.method ?? 'INVITE',
      tagged: code > 100,
      responder: 'callee',
      body
    }))
  }

  /** ACK of a 2xx is a new transaction; ACK of a non-2xx reuses the INVITE's branch (RFC 3261 §17.1.1.3). */
  ack (at: number, forSuccess: boolean): void {
    const branch = forSuccess ? `z9hG4bK${this.leg.random.hex(10)}` : this.leg.inviteBranch
    this.add(at, 'caller', request(this.leg, 'ACK', 'caller', { branch, cseq: this.leg.cseq, tagged: true }))
  }

  /** CANCEL reuses the INVITE's branch and CSeq number. */
  cancel (at: number): void {
    this.add(at, 'caller', request(this.leg, 'CANCEL', 'caller', { branch: this.leg.inviteBranch, cseq: this.leg.cseq, tagged: false }))
    this.reply(at + 20, 200, 'OK', { method: 'CANCEL' })
  }

  /** BYE from the caller and its 200. */
  bye (at: number, answerAfter: number): void {
    const branch = `z9hG4bK${this.leg.random.hex(10)}`
    this.add(at, 'caller', request(this.leg, 'BYE', 'caller', { branch, cseq: this.leg.cseq + 1, tagged: true }))
    this.add(at + answerAfter, 'callee', response(this.leg, 200, 'OK', { branch, cseq: this.leg.cseq + 1, method: 'BYE', tagged: true, responder: 'callee' }))
  }
}

function newLeg (callid: string, caller: Endpoint, callee: Endpoint, fromUser: string, toUser: string, random: Random): Leg {
  return {
    callid,
    caller,
    callee,
    fromUser,
    toUser,
    fromTag: random.hex(8),
    toTag: `SW-${random.hex(8)}`,
    cseq: random.int(100, 9000),
    inviteBranch: `z9hG4bK${random.hex(10)}`,
    random
  }
}

/**
 * The C-Trace of a call: both legs (customer → switch, switch → carrier), in time order, built
 * from the call's facts and seeded by its Call-ID, so the same call always has the same trace.
 */
export function buildTrace (call: SimCall, data: Dataset): TracePacketRecord[] {
  const random = new Random(hashSeed(`${data.seed}:${call.callid}`))
  const switchEnd: Endpoint = { ip: SWITCH.signalling, port: 5060, ua: 'ConnexCS' }
  const customerEnd: Endpoint = { ip: call.customer_ip, port: 5060, ua: random.pick(['Asterisk PBX 18.20.0', 'FreeSWITCH-mod_sofia/1.10.11', 'Sippy Softswitch']) }
  const a = new LegFlow(newLeg(call.callid, customerEnd, switchEnd, call.cli, call.dest_number, random))
  const carrier = data.carriers.find(c => c.id === call.carrier_id)
  const b = carrier === undefined || call.egress_callid === undefined
    ? undefined
    : new LegFlow(newLeg(call.egress_callid, switchEnd, { ip: carrier.ip, port: 5060, ua: `${carrier.name.split(' ')[0]} SBC` }, call.cli, call.dest_number, random))

  const ringAt = call.pdd_ms
  const endAt = call.pdd_ms + call.ring_ms
  a.invite(0)
  a.reply(12, 100, 'Trying')
  if (call.scenario === 'no_route') {
    a.reply(35, 503, 'No Routes Available (Pre)')
    a.ack(60, false)
  } else if (b !== undefined) {
    b.invite(40)
    b.reply(75, 100, 'Trying')
    b.reply(ringAt - 20, 180, 'Ringing')
    a.reply(ringAt, 180, 'Ringing')
    if (call.scenario === 'answered') {
      const talkEnd = endAt + call.duration_s * 1000
      b.reply(endAt - 20, 200, 'OK', { body: true })
      a.reply(endAt, 200, 'OK', { body: true })
      b.ack(endAt - 5, true)
      a.ack(endAt + 45, true)
      a.bye(talkEnd, 60)
      b.bye(talkEnd + 15, 30)
    } else if (call.scenario === 'busy') {
      b.reply(endAt - 20, 486, 'Busy Here')
      b.ack(endAt - 10, false)
      a.reply(endAt, 486, 'Busy Here')
      a.ack(endAt + 40, false)
    } else {
      a.cancel(endAt)
      b.cancel(endAt + 10)
      b.reply(endAt + 35, 487, 'Request Terminated')
      b.ack(endAt + 40, false)
      a.reply(endAt + 50, 487, 'Request Terminated')
      a.ack(endAt + 90, false)
    }
  }

  const steps = [...a.steps, ...(b?.steps ?? [])].sort((x, y) => x.at_ms - y.at_ms)
  let previous = call.start_ms * 1000
  let id = 900_000_000 + (hashSeed(call.callid) % 1_000_000) * 100
  return steps.map((step, index) => {
    // Microsecond stamps, offset by the packet's index so that equal milliseconds keep their order.
    const micro = call.start_ms * 1000 + step.at_ms * 1000 + index
    const first = step.text.slice(0, step.text.indexOf(CRLF))
    const status = /^SIP\/2\.0 (\d{3}) (.*)$/.exec(first)
    const record: TracePacketRecord = {
      id: id++,
      date: new Date(Math.floor(micro / 1000)).toISOString(),
      micro_ts: micro,
      callid: step.leg.callid,
      method: status === null ? first.split(' ')[0]! : status[1]!,
      reply_reason: status === null ? '' : status[2]!,
      ruri: `sip:${step.leg.toUser}@${step.leg.callee.ip}`,
      ruri_user: step.leg.toUser,
      to_user: step.leg.toUser,
      from_user: step.leg.fromUser,
      user_agent: step.source.ua,
      source_ip: step.source.ip,
      source_port: step.source.port,
      destination_ip: step.destination.ip,
      destination_port: step.destination.port,
      protocol: 'UDP',
      msg: step.text,
      delta: Math.max(0, micro - previous)
    }
    previous = micro
    return record
  })
}
