/**
 * Voice quality by the ITU-T G.107 E-model, in the simplified form used for monitoring:
 * R = 93.2 − Id − Ie,eff (defaults for every other input, advantage A = 0), with
 * - Id, the delay impairment, by the Cole & Rosenbluth (2001) fit of the G.107 curve:
 *   Id = 0.024·d + 0.11·(d − 177.3)·H(d − 177.3), d = one-way mouth-to-ear delay in ms;
 * - Ie,eff = Ie + (95 − Ie) · Ppl / (Ppl / BurstR + Bpl) (G.107 since 2005), Ppl = loss in %,
 *   Ie and Bpl from ITU-T G.113 Appendix I for the codec;
 * - MOS from R by G.107 Annex B.
 */
import { round } from './stats'

/** R of a connection with every G.107 default and no impairment. */
export const R_DEFAULT = 93.2

/** A codec's equipment impairment (Ie) and packet-loss robustness (Bpl), G.113 Appendix I. */
export interface CodecImpairment {
  /** The name we resolved the codec to. */
  codec: string
  ie: number
  /** `null` where G.113 publishes no Bpl: the loss impairment cannot be computed. */
  bpl: number | null
  /** Wideband codecs need the G.107.1 scale; the narrowband formula does not apply. */
  wideband: boolean
}

const G711_PLC: CodecImpairment = { codec: 'G.711 with PLC', ie: 0, bpl: 25.1, wideband: false }
const G711_NO_PLC: CodecImpairment = { codec: 'G.711 without PLC', ie: 0, bpl: 4.3, wideband: false }
const G729A: CodecImpairment = { codec: 'G.729A with VAD', ie: 11, bpl: 19, wideband: false }
const G723: CodecImpairment = { codec: 'G.723.1 6.3k with VAD', ie: 15, bpl: 16.1, wideband: false }

const BY_NAME: Readonly<Record<string, CodecImpairment>> = {
  G729: G729A,
  G729A: G729A,
  G729AB: G729A,
  G729B: G729A,
  G723: G723,
  G7231: G723,
  G726: { codec: 'G.726', ie: 7, bpl: null, wideband: false },
  G728: { codec: 'G.728', ie: 7, bpl: null, wideband: false },
  GSM: { codec: 'GSM-FR', ie: 20, bpl: null, wideband: false },
  GSMEFR: { codec: 'GSM-EFR', ie: 5, bpl: 10, wideband: false },
  G722: { codec: 'G.722', ie: 0, bpl: null, wideband: true },
  G7221: { codec: 'G.722.1', ie: 0, bpl: null, wideband: true },
  AMRWB: { codec: 'AMR-WB', ie: 0, bpl: null, wideband: true },
  OPUS: { codec: 'Opus', ie: 0, bpl: null, wideband: true },
  SILK: { codec: 'SILK', ie: 0, bpl: null, wideband: true }
}

/**
 * The Ie/Bpl of a codec by its SDP or RTCP name (`PCMA`, `G729`, `G.729a`, `opus`…), or
 * `undefined` for a codec we have no values for. G.711 (PCMU/PCMA) is taken with packet loss
 * concealment unless `plc` is false: modern endpoints and media servers conceal loss.
 */
export function codecImpairment (name: string, options: { plc?: boolean } = {}): CodecImpairment | undefined {
  const key = name.toUpperCase().replace(/[^A-Z0-9]/g, '')
  if (/^(PCMU|PCMA|G711[AU]?|ULAW|ALAW)$/.test(key)) return options.plc === false ? G711_NO_PLC : G711_PLC
  // `G726-32`, `G729/8000`: the name before a bitrate or clock suffix.
  return BY_NAME[key] ?? BY_NAME[name.toUpperCase().split(/[-_/\s]/)[0]!.replace(/[^A-Z0-9]/g, '')]
}

/** Id: the delay impairment of a one-way mouth-to-ear delay, in R points. */
export function delayImpairment (oneWayDelayMs: number): number {
  const d = Math.max(0, oneWayDelayMs)
  return 0.024 * d + (d > 177.3 ? 0.11 * (d - 177.3) : 0)
}

/** Ie,eff: the equipment impairment of a codec at a packet loss (in %), random loss when burstR = 1. */
export function effectiveEquipmentImpairment (ie: number, bpl: number, lossPct: number, burstR = 1): number {
  const ppl = Math.max(0, lossPct)
  return ie + (95 - ie) * ppl / (ppl / burstR + bpl)
}

/** MOS (1–4.5) from R, G.107 Annex B. */
export function mosFromR (r: number): number {
  if (r <= 0) return 1
  if (r >= 100) return 4.5
  return 1 + 0.035 * r + 7e-6 * r * (r - 60) * (100 - r)
}

/** What the E-model gives for one set of conditions. */
export interface EModelResult {
  r: number
  mos: number
  /** The delay impairment Id. */
  id: number
  /** The equipment impairment with loss, Ie,eff. */
  ie_eff: number
}

/**
 * R and MOS for a narrowband codec at a one-way delay and a packet loss.
 *
 * @param input.ie, input.bpl the codec's values ({@link codecImpairment}).
 * @param input.burstR 1 for random loss (the default), above 1 for bursty loss.
 */
export function eModel (input: { oneWayDelayMs: number, lossPct: number, ie: number, bpl: number, burstR?: number }): EModelResult {
  const id = delayImpairment(input.oneWayDelayMs)
  const ieEff = effectiveEquipmentImpairment(input.ie, input.bpl, input.lossPct, input.burstR ?? 1)
  const r = R_DEFAULT - id - ieEff
  return { r, mos: mosFromR(r), id, ie_eff: ieEff }
}

/** A MOS estimate from RTCP figures, with what it assumed. */
export interface MosEstimate {
  /** Rounded to 1 decimal, as G.107 tables give it. */
  r: number
  /** Rounded to 2 decimals. */
  mos: number
  codec: string
  ie: number
  bpl: number
  one_way_delay_ms: number
  /** What was assumed because the input did not say: the codec, the network delay. */
  assumed: string[]
}

/** Why no MOS could be estimated. */
export interface MosUnavailable {
  mos: null
  why: string
}

/** Packetisation of one 20 ms frame, counted in the mouth-to-ear delay. */
const PACKETISATION_MS = 20

/** The method every MOS estimate states. */
export const MOS_METHOD = 'ITU-T G.107 E-model, simplified (R = 93.2 − Id − Ie,eff, A = 0); Id by the Cole & Rosenbluth fit; ' +
  'Ie/Bpl from G.113 Appendix I for the codec; random loss (BurstR = 1); one-way delay = RTT/2 + 2 × jitter (jitter buffer) + 20 ms packetisation; ' +
  'MOS from R by G.107 Annex B.'

/**
 * Estimates MOS from what RTCP reports: jitter and loss of a stream, and the round trip.
 * An unknown codec is taken as G.711 with PLC (and said so); wideband codecs and codecs with
 * no published Bpl get no estimate, with the reason.
 */
export function mosFromRtcp (input: {
  codec?: string | null
  jitterMs?: number | null
  lossPct?: number | null
  rttMs?: number | null
  plc?: boolean
}): MosEstimate | MosUnavailable {
  const assumed: string[] = []
  let codec = input.codec === undefined || input.codec === null || input.codec === '' ? undefined : codecImpairment(input.codec, { plc: input.plc })
  if (codec === undefined) {
    if (input.codec !== undefined && input.codec !== null && input.codec !== '') return { mos: null, why: `no G.113 values for codec ${input.codec}` }
    codec = input.plc === false ? G711_NO_PLC : G711_PLC
    assumed.push(`codec not reported: assumed ${codec.codec}`)
  }
  if (codec.wideband) return { mos: null, why: `${codec.codec} is wideband: the narrowband E-model does not apply (G.107.1 would be needed)` }
  if (codec.bpl === null) return { mos: null, why: `G.113 publishes no Bpl for ${codec.codec}, so the loss impairment cannot be computed` }
  const jitter = input.jitterMs ?? null
  const rtt = input.rttMs ?? null
  if (jitter === null) assumed.push('jitter not reported: counted as 0')
  if (rtt === null) assumed.push('RTT not reported: network delay counted as 0')
  if (input.lossPct === undefined || input.lossPct === null) assumed.push('loss not reported: counted as 0')
  const oneWay = (rtt ?? 0) / 2 + 2 * (jitter ?? 0) + PACKETISATION_MS
  const result = eModel({ oneWayDelayMs: oneWay, lossPct: input.lossPct ?? 0, ie: codec.ie, bpl: codec.bpl })
  return {
    r: round(result.r, 1),
    mos: round(result.mos, 2),
    codec: codec.codec,
    ie: codec.ie,
    bpl: codec.bpl,
    one_way_delay_ms: round(oneWay, 1),
    assumed
  }
}
