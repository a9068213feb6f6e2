import { MOS_METHOD } from '../analysis/eModel'
import { normaliseRtcp } from '../analysis/rtcpSamples'
import { QUALITY_THRESHOLDS, streamFigures, streamPath, summariseQuality, type QualitySummary, type StreamQuality } from '../analysis/rtcpQuality'
import { analyzeTrace, legCodecs } from '../analysis/sipTrace'
import { findCall, getRtcp, getTrace, legNames, TRACE_RETENTION_DAYS } from '../connexcs/calls'
import { part, unreadOf, valueOf } from '../lib/parts'
import type { CallRouting } from '../connexcs/types'
import { defineTool } from '../lib/defineTool'
import { plural } from '../lib/format'
import { nextStep, notFound, partialAnswer, type ToolResult } from '../lib/result'
import { callidParam } from '../lib/sharedParams'
import { failedUnlessNotFound } from './shared/callSteps'

const [, JITTER_MS] = QUALITY_THRESHOLDS.jitter_ms
const [, LOSS_PCT] = QUALITY_THRESHOLDS.loss_pct
const [, RTT_MS] = QUALITY_THRESHOLDS.rtt_ms
const [, MOS_FAIR] = QUALITY_THRESHOLDS.mos

/** `B1 (Budget Route Ltd)`: a leg with its carrier's name when the routing record has it. */
function carrierNames (routing: CallRouting | undefined): Record<string, string> {
  const names: Record<string, string> = {}
  for (const [i, route] of (routing?.egress_routing ?? []).entries()) {
    if (route.provider_name !== undefined) names[`B${i + 1}`] = route.provider_name
  }
  return names
}

/** One stream, compact: its path in words, the averages and peaks, MOS and its grade. */
function streamFacts (s: StreamQuality, carriers: Record<string, string>) {
  return {
    leg: s.leg,
    ...(carriers[s.leg] === undefined ? {} : { carrier: carriers[s.leg] }),
    path: streamPath(s.leg, s.direction),
    samples: s.samples,
    grade: s.no_audio ? 'no audio' : s.grade,
    mos: s.mos.mos,
    ...(s.mos.mos === null ? { mos_unavailable: s.mos.why } : { r: s.mos.r, codec: s.mos.codec, one_way_delay_ms: s.mos.one_way_delay_ms }),
    ...(s.codec_from === 'sip_trace' ? { codec_from: 'SIP trace (negotiated on this leg)' } : {}),
    ...(s.mos.mos !== null && s.mos.assumed.length > 0 ? { assumed: s.mos.assumed } : {}),
    jitter_ms: s.jitter_ms,
    loss_pct: s.loss_pct,
    rtt_ms: s.rtt_ms,
    ...(s.reported_mos === null ? {} : { reported_mos: s.reported_mos }),
    issues: s.issues
  }
}

function headline (callid: string, quality: QualitySummary, carriers: Record<string, string>): string {
  const oneWay = quality.one_way[0]
  const worst = quality.streams.find(s => !s.no_audio) ?? quality.streams[0]!
  const streams = `${plural(quality.streams.length + quality.streams_omitted, 'stream')}, ${plural(quality.samples, 'RTCP sample')}.`
  if (oneWay !== undefined) {
    return `One-way audio on call ${callid}, leg ${oneWay.leg}: nothing arrives ${streamPath(oneWay.leg, oneWay.silent)} while ${streamPath(oneWay.leg, oneWay.flowing)} flows. ${streams}`
  }
  const who = carriers[worst.leg] === undefined ? '' : ` (${carriers[worst.leg]})`
  const figures = streamFigures(worst)
  const verdict = quality.overall === 'good' ? 'good' : quality.overall === 'unknown' ? 'not gradable' : quality.overall
  return `Audio of call ${callid} was ${verdict}; worst stream leg ${worst.leg}${who} ${streamPath(worst.leg, worst.direction)}: ${figures || 'no figures'}. ${streams}`
}

/** Why an answer without samples has none, from what the routing record says about the call. */
function whyNoRtcp (routing: CallRouting | undefined, nowS: number): string {
  const retention = 'RTCP is recorded only when both ends send it (RTCP enabled on the customer\'s and the carrier\'s equipment), about every 5 s of talk, and kept 7 days.'
  if (routing === undefined) return `${retention} The call is not in the call log either: check the Call-ID.`
  if (routing.sip_code !== undefined && (routing.sip_code < 200 || routing.sip_code >= 300)) {
    return `The call was not answered (${routing.sip_code} ${routing.sip_reason ?? ''}`.trimEnd() + '), so no audio flowed and there is no RTCP.'
  }
  if (routing.start_time !== undefined && nowS - routing.start_time > TRACE_RETENTION_DAYS * 86_400) return `The call is older than ${TRACE_RETENTION_DAYS} days: its RTCP is no longer kept.`
  if (routing.ok?.duration !== undefined && routing.ok.duration < 5) return `The call lasted ${routing.ok.duration} s: too short for an RTCP report (one every ~5 s).`
  return `${retention} This answered call has none: RTCP is probably off on one side.`
}

/** `getCallQuality`: RTCP per leg and direction, with MOS by the E-model. */
export const getCallQuality = defineTool({
  name: 'getCallQuality',
  title: 'Call quality (RTCP)',
  description: 'Audio quality of one answered call from RTCP: per leg and direction, jitter, loss, RTT and MOS (ITU-T ' +
    'G.107 E-model with the codec), graded, with one-way audio spotted. Use it for complaints of bad, choppy or one-way ' +
    'audio. No RTCP is a normal answer that says why (RTCP off, kept 7 days).',
  example: 'The customer says the call to India was choppy: how was the audio?',
  readOnly: true,
  selfTest: { needs: 'call', args: ({ call }) => ({ callid: call.callid }), expect: { overall: 'string', streams: 'array' }, mayFindNothing: true },
  params: {
    callid: callidParam
  },
  async handler ({ callid }, ctx): Promise<ToolResult> {
    const api = ctx.api
    const [rtcp, routingPart] = await Promise.all([getRtcp(api, callid), part(() => findCall(api, callid))])
    const routing = valueOf(routingPart)
    const routingLegs = routing === undefined ? {} : legNames(routing)
    let normalised = normaliseRtcp(rtcp, { legs: routingLegs })
    let codecs: Record<string, string> = {}
    // The trace is read only for the codec each leg negotiated, which the E-model needs when RTCP does not name it:
    // a trace read for nothing could only fail for nothing.
    const needsCodec = normalised.samples.some(s => s.codec === null)
    const tracePart = needsCodec ? await part(() => getTrace(api, callid)) : undefined
    const packets = (tracePart === undefined ? undefined : valueOf(tracePart)) ?? []
    if (packets.length > 0) {
      const trace = analyzeTrace(packets, callid)
      codecs = legCodecs(trace)
      normalised = normaliseRtcp(rtcp, { legs: { ...Object.fromEntries(trace.legs.map(l => [l.callid, l.leg])), ...routingLegs } })
    }
    // No routing record or no trace (404) is an answer; any other failure is said first (partialAnswer).
    const unread = unreadOf([['the call log', failedUnlessNotFound(routingPart)], ['the SIP trace', failedUnlessNotFound(tracePart)]])
    const traceFailed = unread.some(u => u.source === 'the SIP trace')
    const carriers = carrierNames(routing)
    const source = { shape: normalised.shape }
    if (normalised.samples.length === 0) {
      const unrecognised = normalised.shape === 'unrecognised'
      return partialAnswer(notFound(
        unrecognised ? `The RTCP answer for call ${callid} has a shape this tool does not read.` : `No RTCP for call ${callid}.`,
        unrecognised
          ? 'GET log/rtcp answered neither an array of samples nor {processed, aggregate}; nothing could be graded. Please report it.'
          : whyNoRtcp(routing, Math.floor(ctx.nowMs / 1000)),
        [nextStep('investigateCall', { callid }, 'See how the call went: trace, routing, diagnosis.')],
        { callid, source, ...(normalised.aggregate === null ? {} : { aggregate: normalised.aggregate }) }
      ), unread)
    }
    const quality = summariseQuality(normalised, { codecs })
    const fromTrace = quality.streams.filter(s => s.codec_from === 'sip_trace')
    // Field names no alias read matter only when a figure is missing: a new spelling may hold it.
    const incomplete = quality.streams.some(s => s.jitter_ms === null || s.loss_pct === null || (s.mos.mos !== null && s.mos.assumed.length > 0))
    return partialAnswer({
      summary: (traceFailed ? 'Without the trace, the MOS assumes G.711 where RTCP names no codec. ' : '') + headline(callid, quality, carriers),
      callid,
      overall: quality.overall,
      ...(quality.one_way.length === 0
        ? {}
        : { one_way: quality.one_way.map(o => ({ leg: o.leg, silent: streamPath(o.leg, o.silent), flowing: streamPath(o.leg, o.flowing) })) }),
      streams: quality.streams.map(s => streamFacts(s, carriers)),
      ...(quality.streams_omitted === 0 ? {} : { streams_omitted: quality.streams_omitted }),
      thresholds: `flagged from jitter > ${JITTER_MS} ms, loss > ${LOSS_PCT} %, RTT > ${RTT_MS} ms, MOS < ${MOS_FAIR}; grades by MOS: good ≥ 4.0, fair ≥ 3.6, poor ≥ 3.1, bad below`,
      mos_method: MOS_METHOD,
      ...(fromTrace.length === 0
        ? {}
        : { codec_note: `RTCP does not name the codec of ${[...new Set(fromTrace.map(s => `leg ${s.leg}`))].join(', ')}: the MOS uses the codec that leg negotiated in the SIP trace (${[...new Set(fromTrace.map(s => `${s.leg} ${s.codec}`))].join(', ')}).` }),
      ...(quality.aggregate === null ? {} : { aggregate: quality.aggregate }),
      source: { ...source, ...(incomplete && normalised.unread_fields.length > 0 ? { unread_fields: normalised.unread_fields } : {}) },
      next_steps: [nextStep('investigateCall', { callid }, quality.overall === 'good' && quality.one_way.length === 0 ? 'The whole call: trace, routing, diagnosis.' : 'Find the cause: NAT, codec, carrier, with the SIP trace.')]
    }, unread)
  }
})
