import { SWITCH } from './entities'
import type { Carrier, EgressAttempt, SimCall } from './model'
import { mediaPlan, type MediaPlan } from './media'
import { hashSeed, Random } from './random'
import { LegWriter, sdp, type Endpoint, type Step } from './sip'

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

/** What the trace builder needs to know about the account. */
export interface TraceContext {
  seed: number
  carriers: ReadonlyMap<number, Carrier>
}

/** Timer A: an unanswered INVITE is sent again at these offsets, then Timer B ends it at 32 s. */
const INVITE_RETRANSMITS_MS = [500, 1500, 3500, 7500, 15_500, 31_500]
/** A 2xx is sent again until the ACK comes (T1 doubling, capped at T2), for 32 s. */
const OK_RETRANSMITS_MS = [500, 1500, 3500, 7500, 11_500, 15_500, 19_500, 23_500, 27_500, 31_500]

/** The codecs the caller offers, in its order of preference. */
function offerOf (call: SimCall): string[] {
  return call.codecs === 'g729' ? ['G729'] : ['PCMU', 'PCMA', 'G729']
}

/** The codec a carrier picks from the caller's offer: its first preference the offer has (the Class 5 server takes PCMA). */
export function negotiatedCodec (call: SimCall, carrier: Carrier | undefined): string | undefined {
  const offer = offerOf(call)
  return carrier === undefined ? offer[1] ?? offer[0] : carrier.codecs.find(c => offer.includes(c))
}

/**
 * The C-Trace of a call: the A leg (customer ↔ switch) and one B leg per egress attempt, in time
 * order, built from the call's facts and seeded by its Call-ID, so the same call always has the
 * same trace.
 */
export function buildTrace (call: SimCall, context: TraceContext): TracePacketRecord[] {
  const random = new Random(hashSeed(`${context.seed}:${call.callid}`))
  const switchEnd: Endpoint = { ip: SWITCH.signalling, port: 5060, host: SWITCH.signalling, ua: 'ConnexCS' }
  const customerEnd: Endpoint = { ip: call.customer_ip, port: call.customer_port, host: call.private_ip ?? call.customer_ip, ua: call.user_agent }
  const a = new LegWriter(call.callid, customerEnd, switchEnd, call.cli, call.dest_number, random)
  const offer = offerOf(call)
  const session = (): number => random.int(1e9, 2e9)
  const media = mediaPlan(call, context.seed)

  a.invite(0, { body: sdp(customerEnd.host, media.customer_port, offer, session()) })
  let ingress = 0
  if (call.auth === 'digest' || call.auth === 'digest_failed') {
    const nonce = random.hex(24)
    a.reply(12, 407, 'Proxy Authentication Required', { headers: [`Proxy-Authenticate: Digest realm="sip.example.net", nonce="${nonce}", algorithm=MD5, qop="auth"`] })
    a.ack(30, false)
    ingress = call.auth_ms ?? 60
    a.invite(ingress, {
      again: true,
      headers: [`Proxy-Authorization: Digest username="${call.auth_user ?? ''}", realm="sip.example.net", nonce="${nonce}", uri="sip:${call.dest_number}@${SWITCH.signalling}", response="${random.hex(32)}", algorithm=MD5, cseq=1, qop=auth, nc=00000001, cnonce="${random.hex(8)}"`],
      body: sdp(customerEnd.host, media.customer_port, offer, session())
    })
  }
  a.reply(ingress + 10, 100, 'Trying')

  const bLegs = call.attempts.map(attempt => bLeg(call, attempt, context, switchEnd, offer, media, random))
  if (call.pdd_ms !== null) a.reply(call.pdd_ms, 180, 'Ringing')

  const last = call.attempts.at(-1)
  if (call.answer_ms !== null) {
    const codec = negotiatedCodec(call, last === undefined ? undefined : context.carriers.get(last.provider_id))
    a.reply(call.answer_ms, 200, 'OK', { body: sdp(SWITCH.media, media.switch_a_port, [codec ?? 'PCMA'], session()) })
    const hangupAt = call.answer_ms + call.talk_ms
    const b = bLegs.at(-1)
    if (call.ack_lost) {
      for (const offset of OK_RETRANSMITS_MS) a.retransmitReply(call.answer_ms + offset)
      a.bye(hangupAt, 'callee', 40, 'Reason: SIP;cause=408;text="ACK timeout"')
      b?.bye(hangupAt + 5, 'caller', 30, 'Reason: SIP;cause=408;text="ACK timeout"')
    } else {
      a.ack(call.answer_ms + random.int(20, 80), true)
      if (call.hangup === 'caller') {
        a.bye(hangupAt, 'caller', 15)
        b?.bye(hangupAt + 10, 'caller', 30)
      } else {
        b?.bye(hangupAt - 25, 'callee', 5)
        a.bye(hangupAt, 'callee', 30)
      }
    }
  } else if (last?.result === 'cancelled') {
    a.cancel(last.final_at_ms - 45, 15)
    a.reply(call.final_ms, 487, 'Request Terminated')
    a.ack(call.final_ms + 40, false)
  } else {
    a.reply(call.final_ms, call.sip_code, call.sip_reason, { headers: failureHeaders(call.sip_code, call.sip_reason) })
    a.ack(call.final_ms + random.int(20, 60), false)
  }

  const steps = [...a.steps, ...bLegs.flatMap(b => b.steps)].sort((x, y) => x.at_ms - y.at_ms)
  return toRecords(call, steps)
}

/** Headers a failure carries: the Q.850 cause, and Retry-After on a carrier's 503. */
function failureHeaders (code: number, reason: string): string[] {
  if (code === 503) return reason === 'Service Unavailable' ? ['Retry-After: 60', 'Reason: Q.850;cause=34'] : []
  if (code === 486) return ['Reason: Q.850;cause=17']
  if (code === 404) return ['Reason: Q.850;cause=1']
  if (code === 484) return ['Reason: Q.850;cause=28']
  if (code === 403) return ['Reason: Q.850;cause=21']
  if (code === 408) return ['Reason: Q.850;cause=102']
  return []
}

/** The leg the switch opened towards one carrier (or the Class 5 server). */
function bLeg (call: SimCall, attempt: EgressAttempt, context: TraceContext, switchEnd: Endpoint, offer: string[], media: MediaPlan, random: Random): LegWriter {
  const carrier = context.carriers.get(attempt.provider_id)
  const far: Endpoint = carrier === undefined
    ? { ip: SWITCH.class5, port: 5080, host: SWITCH.class5, ua: 'ConnexCS Class5' }
    : { ip: attempt.ip, port: 5060, host: attempt.ip, ua: carrier.user_agent }
  const b = new LegWriter(attempt.callid, switchEnd, far, call.cli, `${carrier?.tech_prefix ?? ''}${call.dest_number}`, random)
  const session = random.int(1e9, 2e9)
  b.invite(attempt.at_ms, {
    headers: call.private_ip === null ? [] : ['X-CX-NAT: true'],
    body: sdp(SWITCH.media, media.switch_b_port, offer, session)
  })
  const t = attempt.at_ms
  switch (attempt.result) {
    case 'timeout':
      for (const offset of INVITE_RETRANSMITS_MS) b.retransmitInvite(t + offset)
      break
    case 'answered':
      b.reply(t + (carrier === undefined ? 5 : random.int(25, 70)), 100, 'Trying')
      if (attempt.ring_at_ms !== null) b.reply(attempt.ring_at_ms, 180, 'Ringing')
      b.reply(attempt.final_at_ms, 200, 'OK', { body: sdp(far.host, media.far_port, [negotiatedCodec(call, carrier) ?? 'PCMA'], random.int(1e9, 2e9)) })
      b.ack(attempt.final_at_ms + 5, true)
      break
    case 'cancelled':
      b.reply(t + random.int(25, 70), 100, 'Trying')
      if (attempt.ring_at_ms !== null) b.reply(attempt.ring_at_ms, 180, 'Ringing')
      b.cancel(attempt.final_at_ms - 35, 20)
      b.reply(attempt.final_at_ms, 487, 'Request Terminated')
      b.ack(attempt.final_at_ms + 5, false)
      break
    default: {
      // A carrier in trouble answers 503 at once, without 100 Trying.
      if (attempt.final_at_ms - t > 70) b.reply(t + random.int(25, 60), 100, 'Trying')
      if (attempt.ring_at_ms !== null) b.reply(attempt.ring_at_ms, 180, 'Ringing')
      const warning = attempt.sip_code === 488 ? [`Warning: 304 ${far.ip} "Media type not available"`] : []
      b.reply(attempt.final_at_ms, attempt.sip_code, attempt.sip_reason, { headers: [...warning, ...failureHeaders(attempt.sip_code, attempt.sip_reason)] })
      b.ack(attempt.final_at_ms + 5, false)
    }
  }
  return b
}

function toRecords (call: SimCall, steps: Step[]): TracePacketRecord[] {
  let previous = call.start_ms * 1000
  let id = 900_000_000 + (hashSeed(call.callid) % 1_000_000) * 100
  return steps.map((step, index) => {
    // Microsecond stamps, offset by the packet's index so that equal milliseconds keep their order.
    const micro = call.start_ms * 1000 + step.at_ms * 1000 + index
    const first = step.text.slice(0, step.text.indexOf('\r\n'))
    const status = /^SIP\/2\.0 (\d{3}) (.*)$/.exec(first)
    const record: TracePacketRecord = {
      id: id++,
      date: new Date(Math.floor(micro / 1000)).toISOString(),
      micro_ts: micro,
      callid: step.callid,
      method: status === null ? first.split(' ')[0]! : status[1]!,
      reply_reason: status === null ? '' : status[2]!,
      ruri: step.ruri,
      ruri_user: step.toUser,
      to_user: step.toUser,
      from_user: step.fromUser,
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
