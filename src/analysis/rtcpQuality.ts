/**
 * Grading call quality from normalised RTCP samples (rtcpSamples.ts reads the API's shapes):
 * per-stream figures, MOS by the E-model, one-way audio, and the call's overall grade.
 */
import { MOS_METHOD, mosFromRtcp, type MosEstimate, type MosUnavailable } from './eModel'
import type { NormalisedRtcp, RtcpSample } from './rtcpSamples'
import { max, mean, min, round } from './stats'
/** How one metric fares against the thresholds. */
export type MetricGrade = 'good' | 'acceptable' | 'degraded' | 'bad'

/** How a stream sounds, by MOS band: good ≥ 4.0, fair ≥ 3.6, poor ≥ 3.1, bad below. */
export type QualityGrade = 'good' | 'fair' | 'poor' | 'bad' | 'unknown'

/**
 * Thresholds (voip-diagnostics §2.7, industry defaults): a metric is `good` below the first
 * value, `acceptable` up to the second, `degraded` up to the third, and `bad` above it. MOS is
 * the other way round (higher is better). A stream is flagged from `degraded` on: jitter above
 * 30 ms, loss above 1 %, RTT above 300 ms, MOS below 3.6.
 */
export const QUALITY_THRESHOLDS = {
  jitter_ms: [20, 30, 50],
  loss_pct: [0.5, 1, 3],
  rtt_ms: [150, 300, 500],
  mos: [4.0, 3.6, 3.1]
} as const

/** Grades a lower-is-better metric. */
export function gradeMetric (metric: 'jitter_ms' | 'loss_pct' | 'rtt_ms', value: number): MetricGrade {
  const [good, acceptable, degraded] = QUALITY_THRESHOLDS[metric]
  if (value < good) return 'good'
  if (value <= acceptable) return 'acceptable'
  if (value <= degraded) return 'degraded'
  return 'bad'
}

/** The MOS band of a score. */
export function gradeMos (mos: number): Exclude<QualityGrade, 'unknown'> {
  const [good, fair, poor] = QUALITY_THRESHOLDS.mos
  if (mos >= good) return 'good'
  if (mos >= fair) return 'fair'
  if (mos >= poor) return 'poor'
  return 'bad'
}

const ORDER: QualityGrade[] = ['unknown', 'good', 'fair', 'poor', 'bad']
const FROM_METRIC: Record<MetricGrade, QualityGrade> = { good: 'good', acceptable: 'fair', degraded: 'poor', bad: 'bad' }

function worse (a: QualityGrade, b: QualityGrade): QualityGrade {
  return ORDER.indexOf(a) >= ORDER.indexOf(b) ? a : b
}

/** Average and peak of a metric over a stream's samples (2 decimals). */
export interface Spread {
  avg: number
  max: number
}

/** The quality of one stream: one leg, one direction. */
export interface StreamQuality {
  leg: string
  direction: string
  samples: number
  codec: string | null
  /** Where the codec came from: the RTCP samples, the SIP trace (negotiated on the leg), or the caller. */
  codec_from: 'rtcp' | 'sip_trace' | 'given' | null
  jitter_ms: Spread | null
  loss_pct: Spread | null
  rtt_ms: Spread | null
  /** Our E-model estimate from the averages (see `method`). */
  mos: MosEstimate | MosUnavailable
  /** The platform's own MOS, when it reports one: average and lowest. */
  reported_mos: { avg: number, min: number } | null
  /** The worse of the MOS band and the worst metric's grade. */
  grade: QualityGrade
  /** Nothing arrives: the average loss is {@link NO_AUDIO_LOSS_PCT} % or more. */
  no_audio: boolean
  /** Plain-language flags: what crossed a threshold. */
  issues: string[]
}

/** A leg whose audio flows one way only: one direction silent, the other arriving. */
export interface OneWayAudio {
  leg: string
  /** The direction nothing arrives on, and the one that flows. */
  silent: string
  flowing: string
}

/** The quality of a call, per leg and direction. */
export interface QualitySummary {
  samples: number
  streams: StreamQuality[]
  /** Streams left out of `streams` (they are the best ones; the list is worst first). */
  streams_omitted: number
  overall: QualityGrade
  /** Legs with audio one way only (from every stream, not only those listed). */
  one_way: OneWayAudio[]
  /** The E-model variant and the assumptions behind every `mos`. */
  method: string
  aggregate: Record<string, number> | null
}

function spread (values: number[]): Spread | null {
  const avg = mean(values)
  return avg === null ? null : { avg: round(avg, 2), max: round(max(values)!, 2) }
}

function flag (name: string, unit: string, metric: 'jitter_ms' | 'loss_pct' | 'rtt_ms', s: Spread | null): string[] {
  if (s === null) return []
  const limit = QUALITY_THRESHOLDS[metric][1]
  const grade = gradeMetric(metric, s.avg)
  if (grade === 'degraded' || grade === 'bad') return [`${name} ${s.avg}${unit} on average (${grade}: above ${limit}${unit})`]
  const peak = gradeMetric(metric, s.max)
  return peak === 'bad' ? [`${name} peaked at ${s.max}${unit} (average ${s.avg}${unit})`] : []
}

const MAX_STREAMS = 8

/** Average loss from which a stream counts as silent: nothing (or next to nothing) arrives. */
export const NO_AUDIO_LOSS_PCT = 90

/**
 * Which way a stream goes, in words, where the leg and direction are known: on leg A the
 * customer talks to the switch, on a B leg the switch talks to a carrier; `inbound` is the
 * stream the switch receives, `outbound` the one it sends. Otherwise `<leg> <direction>`.
 */
export function streamPath (leg: string, direction: string): string {
  const far = leg === 'A' ? 'customer' : /^B\d*$/.test(leg) ? 'carrier' : undefined
  if (far === undefined || (direction !== 'inbound' && direction !== 'outbound')) return `${leg} ${direction}`
  return direction === 'inbound' ? `${far} → switch` : `switch → ${far}`
}

/** `MOS 2.05, jitter 60.88 ms, loss 4.57 %, RTT 398.58 ms`: a stream's figures, those it has. */
export function streamFigures (s: StreamQuality): string {
  return [
    s.mos.mos === null ? undefined : `MOS ${s.mos.mos}`,
    s.jitter_ms === null ? undefined : `jitter ${s.jitter_ms.avg} ms`,
    s.loss_pct === null ? undefined : `loss ${s.loss_pct.avg} %`,
    s.rtt_ms === null ? undefined : `RTT ${s.rtt_ms.avg} ms`
  ].filter(f => f !== undefined).join(', ')
}

function scoreOf (s: StreamQuality): number {
  return s.mos.mos ?? s.reported_mos?.avg ?? 5
}

/**
 * Summarises normalised RTCP per leg and direction: jitter, loss and RTT (average and peak),
 * MOS by the E-model from the averages, a grade and the flags.
 *
 * @param options.codecs the codec each leg negotiated in the SIP trace (by leg name: A, B1…), for
 *   streams whose samples do not name one; it feeds the E-model (Ie, Bpl).
 * @param options.codec one codec for every leg, when neither the samples nor `codecs` name one.
 * @param options.plc false when G.711 runs without packet loss concealment.
 */
export function summariseQuality (
  rtcp: NormalisedRtcp,
  options: { codec?: string | null, codecs?: Readonly<Record<string, string | null>>, plc?: boolean } = {}
): QualitySummary {
  const groups = new Map<string, RtcpSample[]>()
  for (const sample of rtcp.samples) {
    const key = `${sample.leg ?? 'unknown'}\u0000${sample.direction ?? 'unknown'}`
    const list = groups.get(key)
    if (list === undefined) groups.set(key, [sample])
    else list.push(sample)
  }
  // RTT belongs to the path, so a direction without its own takes its leg's.
  const legRtt = new Map<string, number[]>()
  for (const s of rtcp.samples) {
    if (s.rtt_ms === null) continue
    const list = legRtt.get(s.leg ?? 'unknown')
    if (list === undefined) legRtt.set(s.leg ?? 'unknown', [s.rtt_ms])
    else list.push(s.rtt_ms)
  }

  const streams: StreamQuality[] = [...groups].map(([key, samples]) => {
    const [leg, dir] = key.split('\u0000') as [string, string]
    const values = (f: (s: RtcpSample) => number | null): number[] => samples.map(f).filter((v): v is number => v !== null)
    const own = samples.find(s => s.codec !== null)?.codec ?? null
    const negotiated = options.codecs?.[leg] ?? null
    const codec = own ?? negotiated ?? options.codec ?? null
    const codecFrom = own !== null ? 'rtcp' : negotiated !== null ? 'sip_trace' : codec !== null ? 'given' : null
    const jitterValues = values(s => s.jitter_ms)
    const lossValues = values(s => s.loss_pct)
    const ownRtt = values(s => s.rtt_ms)
    const rttValues = ownRtt.length > 0 ? ownRtt : legRtt.get(leg) ?? []
    const jitter = spread(jitterValues)
    const loss = spread(lossValues)
    const rtt = spread(rttValues)
    const reported = values(s => s.reported_mos)
    // MOS from the unrounded averages; the rounded ones are for display.
    const mos = mosFromRtcp({ codec, jitterMs: mean(jitterValues), lossPct: mean(lossValues), rttMs: mean(rttValues), plc: options.plc })
    const issues = [
      ...flag('jitter', ' ms', 'jitter_ms', jitter),
      ...flag('loss', ' %', 'loss_pct', loss),
      ...flag('RTT', ' ms', 'rtt_ms', rtt)
    ]
    const noAudio = loss !== null && loss.avg >= NO_AUDIO_LOSS_PCT
    if (noAudio) issues.unshift(`no audio arrives (${loss.avg} % of packets lost)`)
    let grade: QualityGrade = 'unknown'
    const score = mos.mos ?? (reported.length === 0 ? null : mean(reported))
    if (score !== null) {
      grade = gradeMos(score)
      if (grade !== 'good') issues.push(`MOS ${round(score, 2)} (${grade})`)
    }
    if (jitter !== null) grade = worse(grade, FROM_METRIC[gradeMetric('jitter_ms', jitter.avg)])
    if (loss !== null) grade = worse(grade, FROM_METRIC[gradeMetric('loss_pct', loss.avg)])
    if (rtt !== null) grade = worse(grade, FROM_METRIC[gradeMetric('rtt_ms', rtt.avg)])
    return {
      leg,
      direction: dir,
      samples: samples.length,
      codec,
      codec_from: codecFrom,
      jitter_ms: jitter,
      loss_pct: loss,
      rtt_ms: rtt,
      mos,
      reported_mos: reported.length === 0 ? null : { avg: round(mean(reported)!, 2), min: round(min(reported)!, 2) },
      grade,
      no_audio: noAudio,
      issues
    }
  })
  // Worst first: by grade, then by the lower MOS within a grade.
  streams.sort((a, b) => ORDER.indexOf(b.grade) - ORDER.indexOf(a.grade) || scoreOf(a) - scoreOf(b) ||
    (a.leg < b.leg ? -1 : a.leg > b.leg ? 1 : a.direction < b.direction ? -1 : 1))
  const overall = streams.reduce<QualityGrade>((g, s) => worse(g, s.grade), 'unknown')
  const oneWay: OneWayAudio[] = []
  for (const silent of streams.filter(s => s.no_audio)) {
    const flowing = streams.find(s => s.leg === silent.leg && s !== silent && !s.no_audio && s.loss_pct !== null)
    if (flowing !== undefined) oneWay.push({ leg: silent.leg, silent: silent.direction, flowing: flowing.direction })
  }
  return {
    samples: rtcp.samples.length,
    streams: streams.slice(0, MAX_STREAMS),
    streams_omitted: Math.max(0, streams.length - MAX_STREAMS),
    overall,
    one_way: oneWay,
    method: MOS_METHOD,
    aggregate: rtcp.aggregate
  }
}
