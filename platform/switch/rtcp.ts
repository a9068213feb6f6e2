import { SWITCH } from './entities'
import { mediaPlan } from './media'
import type { Carrier, SimCall } from './model'
import { round } from './numbering'
import { hashSeed, Random } from './random'
import { negotiatedCodec } from './trace'

/** One RTCP sample of `GET log/rtcp`: what one side reported about the stream it receives. */
export interface RtcpRecord {
  id: number
  /** The leg's Call-ID (the B leg has its own). */
  callid: string
  leg: 'A' | 'B'
  /** `inbound`: the stream the switch receives; `outbound`: the one it sends. */
  direction: 'inbound' | 'outbound'
  date: string
  micro_ts: number
  ssrc: number
  src_ip: string
  src_port: number
  dst_ip: string
  dst_port: number
  codec: string
  /** Packets received and lost on the stream so far. */
  packets: number
  packets_lost: number
  /** Loss in this report's interval, %. */
  packet_loss: number
  /** Interarrival jitter, ms. */
  jitter: number
  /** Round-trip time, ms (null when the reporter has no SR to measure it from). */
  rtt: number | null
  r_factor: number
  mos: number
}

/**
 * MOS from the simplified G.107 E-model with G.711 + PLC (Ie 0, Bpl 25.1): one-way delay
 * d = RTT/2 + 2 × jitter (the jitter buffer) + 20 ms (packetisation); Id from the Cole &
 * Rosenbluth fit; Ie,eff = 95 · loss / (loss + 25.1); R = 93.2 − Id − Ie,eff; MOS from G.107
 * Annex B. Rounded to 2 decimals.
 */
export function eModel (jitterMs: number, lossPct: number, rttMs: number): { r: number, mos: number } {
  const d = rttMs / 2 + 2 * jitterMs + 20
  const id = 0.024 * d + (d > 177.3 ? 0.11 * (d - 177.3) : 0)
  const ie = 95 * lossPct / (lossPct + 25.1)
  const r = 93.2 - id - ie
  const mos = r <= 0 ? 1 : r >= 100 ? 4.5 : 1 + 0.035 * r + 7e-6 * r * (r - 60) * (100 - r)
  return { r: round(r, 1), mos: round(mos, 2) }
}

/** Interval between reports, and the most reports kept per stream. */
const INTERVAL_MS = 5_000
const MAX_REPORTS = 24

interface Impairment {
  jitter: [number, number]
  loss: [number, number]
  rtt: [number, number]
}

const GOOD: Impairment = { jitter: [1, 8], loss: [0, 0.3], rtt: [20, 160] }
const POOR_CARRIER: Impairment = { jitter: [45, 70], loss: [3, 6], rtt: [350, 450] }
const POOR_CUSTOMER: Impairment = { jitter: [30, 45], loss: [1.5, 3], rtt: [300, 380] }

/**
 * The RTCP samples of a call with RTCP (answered, talk of 5 s or more), for both directions of
 * both legs, seeded by its Call-ID. `poor` impairs both legs (the carrier's the most);
 * `one_way` means the stream towards the caller never arrives (sent to its private address).
 */
export function buildRtcp (call: SimCall, seed: number, carriers: ReadonlyMap<number, Carrier>): RtcpRecord[] {
  const quality = call.rtcp
  const answer = call.answer_ms
  const attempt = call.attempts.at(-1)
  if (quality === null || answer === null || attempt === undefined || call.talk_ms < INTERVAL_MS) return []
  const random = new Random(hashSeed(`${seed}:${call.callid}:rtcp`))
  const media = mediaPlan(call, seed)
  const codec = negotiatedCodec(call, carriers.get(attempt.provider_id)) ?? 'PCMA'
  const farIp = attempt.provider_id === 0 ? SWITCH.class5 : attempt.ip
  const customerHost = call.private_ip ?? call.customer_ip
  const reports = Math.min(MAX_REPORTS, Math.floor(call.talk_ms / INTERVAL_MS))
  const spacing = Math.floor(call.talk_ms / reports)
  const streams: { leg: 'A' | 'B', direction: 'inbound' | 'outbound', callid: string, ssrc: number, src: [string, number], dst: [string, number], impairment: Impairment | 'dead' }[] = [
    { leg: 'A', direction: 'inbound', callid: call.callid, ssrc: media.ssrc[0], src: [call.customer_ip, media.customer_port + 1], dst: [SWITCH.media, media.switch_a_port + 1], impairment: quality === 'poor' ? POOR_CUSTOMER : GOOD },
    { leg: 'A', direction: 'outbound', callid: call.callid, ssrc: media.ssrc[1], src: [SWITCH.media, media.switch_a_port + 1], dst: [customerHost, media.customer_port + 1], impairment: quality === 'one_way' ? 'dead' : quality === 'poor' ? POOR_CUSTOMER : GOOD },
    { leg: 'B', direction: 'outbound', callid: attempt.callid, ssrc: media.ssrc[2], src: [SWITCH.media, media.switch_b_port + 1], dst: [farIp, media.far_port + 1], impairment: quality === 'poor' ? POOR_CARRIER : GOOD },
    { leg: 'B', direction: 'inbound', callid: attempt.callid, ssrc: media.ssrc[3], src: [farIp, media.far_port + 1], dst: [SWITCH.media, media.switch_b_port + 1], impairment: quality === 'poor' ? POOR_CARRIER : GOOD }
  ]
  const between = ([lo, hi]: [number, number]): number => lo + random.next() * (hi - lo)
  const rttBase = between([GOOD.rtt[0], GOOD.rtt[1] - 60])
  let id = 700_000_000 + (hashSeed(call.callid) % 1_000_000) * 200
  const records: RtcpRecord[] = []
  for (const stream of streams) {
    let packets = 0
    let lost = 0
    for (let k = 1; k <= reports; k++) {
      const at = call.start_ms + answer + k * spacing
      const expected = Math.round(spacing / 20)
      let jitter = 0
      let loss = 100
      let rtt: number | null = null
      if (stream.impairment === 'dead') {
        lost += expected
      } else {
        const imp = stream.impairment
        jitter = round(between(imp.jitter), 1)
        // Good streams lose nothing most of the time.
        loss = imp === GOOD && random.chance(0.7) ? 0 : round(between(imp.loss), 2)
        rtt = Math.round(imp === GOOD ? rttBase + random.next() * 30 : between(imp.rtt))
        const intervalLost = Math.round(expected * loss / 100)
        packets += expected - intervalLost
        lost += intervalLost
      }
      const { r, mos } = stream.impairment === 'dead' ? { r: 0, mos: 1 } : eModel(jitter, loss, rtt!)
      records.push({
        id: id++,
        callid: stream.callid,
        leg: stream.leg,
        direction: stream.direction,
        date: new Date(at).toISOString(),
        micro_ts: at * 1000,
        ssrc: stream.ssrc,
        src_ip: stream.src[0],
        src_port: stream.src[1],
        dst_ip: stream.dst[0],
        dst_port: stream.dst[1],
        codec,
        packets,
        packets_lost: lost,
        packet_loss: loss,
        jitter,
        rtt,
        r_factor: r,
        mos
      })
    }
  }
  return records.sort((x, y) => x.micro_ts - y.micro_ts || x.id - y.id)
}
