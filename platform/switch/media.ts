import type { SimCall } from './model'
import { hashSeed, Random } from './random'

/** The RTP ports and SSRCs of a call's four streams, shared by its SDP (trace) and its RTCP. */
export interface MediaPlan {
  /** A leg: the customer's RTP port (its SDP offer) and the switch's (its answer). */
  customer_port: number
  switch_a_port: number
  /** B leg: the switch's port (its offer to the carrier) and the carrier's (its answer). */
  switch_b_port: number
  far_port: number
  /** SSRC of each stream: customer → switch, switch → customer, switch → carrier, carrier → switch. */
  ssrc: [number, number, number, number]
}

/** The media plan of a call, seeded by its Call-ID. */
export function mediaPlan (call: SimCall, seed: number): MediaPlan {
  const random = new Random(hashSeed(`${seed}:${call.callid}:media`))
  const port = (): number => random.int(8000, 30000) * 2
  const ssrc = (): number => (random.next() * 4294967296) >>> 0
  return { customer_port: port(), switch_a_port: port(), switch_b_port: port(), far_port: port(), ssrc: [ssrc(), ssrc(), ssrc(), ssrc()] }
}
