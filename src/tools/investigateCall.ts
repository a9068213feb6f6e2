import { aiAgentStep, summariseAiAgent, toolCallsText, type AiAgentSummary } from '../analysis/aiAgent'
import { diagnoseCall, type CustomerFacts, type Diagnosis, type RoutingFacts, type UnavailablePart } from '../analysis/diagnosis'
import { cliDigits } from '../analysis/resolve'
import { withDocs } from '../analysis/findingDocs'
import { normaliseRtcp } from '../analysis/rtcpSamples'
import { streamFigures, streamPath, summariseQuality, type QualitySummary } from '../analysis/rtcpQuality'
import { analyzeTrace, legCodecs } from '../analysis/sipTrace'
import type { TraceAnalysis } from '../analysis/traceTypes'
import { getCustomer } from '../connexcs/accounts'
import { listClis } from '../connexcs/customers'
import { listRouting } from '../connexcs/rateCards'
import { findCall, getAiAgentLog, getClass5Logs, getRtcp, getTrace, getTranscript, legNames, transcriptLine, LOG_RETENTION_DAYS, TRACE_RETENTION_DAYS } from '../connexcs/calls'
import type { Connexcs } from '../connexcs/client'
import type { CallRouting } from '../connexcs/types'
import { dayOf } from '../lib/dates'
import { defineTool } from '../lib/defineTool'
import { isoFromUnix, plural } from '../lib/format'
import { part, unreadOf, valueOf, type Part } from '../lib/parts'
import { clip, pick } from '../lib/records'
import { mainFailure, nextStep, notFound, partialAnswer, type NextStep, type ToolResult, type Unread } from '../lib/result'
import { callidbParam, callidParam } from '../lib/sharedParams'
import { addStep, failedUnlessNotFound, followUpSteps } from './shared/callSteps'

const DAY_S = 86_400
/** Transcript lines quoted; the rest is in getTranscription. */
const QUOTED_LINES = 3

type Records = Record<string, unknown>[]

function failed (p: Part<unknown>): string {
  return p.ok ? '' : `failed: ${clip(p.error.message, 200)}`
}

function routingFacts (routing: CallRouting): RoutingFacts {
  return {
    sip_code: routing.sip_code ?? null,
    sip_reason: routing.sip_reason ?? null,
    dest_number: routing.dest_number ?? null,
    cli: routing.cli ?? null,
    customer_id: routing.account_id ?? null,
    attempts: routing.egress_routing ?? [],
    release_reason: routing.ok?.release_reason ?? null,
    duration_s: routing.ok?.duration ?? null,
    auth_user: routing.params?.au === undefined || routing.params.au === '' ? null : routing.params.au,
    source_ip: routing.params?.si === undefined || routing.params.si === '' ? null : routing.params.si,
    customer_card_id: routing.customer_card_id ?? null
  }
}

/** The call as the routing log has it: who, what, which carriers, how it ended. */
function callFacts (routing: CallRouting, customerName: string | undefined) {
  const tried = routing.egress_routing ?? []
  return {
    time: routing.start_time === undefined ? undefined : isoFromUnix(routing.start_time),
    customer_id: routing.account_id,
    ...(customerName === undefined ? {} : { customer_name: customerName }),
    cli: routing.cli,
    dest_number: routing.dest_number,
    sip_code: routing.sip_code,
    sip_reason: routing.sip_reason,
    ...(routing.customer_card_id === undefined || routing.customer_card_id === null ? {} : { customer_card: `${routing.customer_card_id}${routing.card_rev === undefined || routing.card_rev === null ? '' : ` rev ${routing.card_rev}`}` }),
    carriers_tried: tried.map((r, i) => ({ leg: `B${i + 1}`, provider_id: r.provider_id, name: r.provider_name, sip_code: r.sip_code, sip_reason: r.sip_reason })),
    ...(routing.ok === undefined ? {} : { duration_s: routing.ok.duration, release_reason: routing.ok.release_reason })
  }
}

function qualityFacts (quality: QualitySummary) {
  const worst = quality.streams.find(s => !s.no_audio) ?? quality.streams[0]
  const oneWay = quality.one_way[0]
  // The codec each leg's MOS was computed with, and where it came from.
  const codecOf = (s: QualitySummary['streams'][number]): string | undefined => {
    if (s.mos.mos === null) return undefined
    const from = s.codec_from === 'sip_trace' ? ' (negotiated in the SIP trace)' : s.codec_from === null ? ' (assumed)' : ''
    return `${s.leg}: ${s.mos.codec}${from}`
  }
  const codecs = [...new Set(quality.streams.map(codecOf).filter(c => c !== undefined))]
  return {
    overall: quality.overall,
    ...(oneWay === undefined ? {} : { one_way: `leg ${oneWay.leg}: nothing arrives ${streamPath(oneWay.leg, oneWay.silent)}` }),
    ...(worst === undefined
      ? {}
      : {
          worst_stream: `leg ${worst.leg} ${streamPath(worst.leg, worst.direction)}: ${worst.grade}${streamFigures(worst) === '' ? '' : `, ${streamFigures(worst)}`}`
        }),
    ...(codecs.length === 0 ? {} : { mos_codecs: codecs }),
    samples: quality.samples
  }
}

/** The AI agent's work, in short: who, which tools with their latency. */
function aiAgentFacts (ai: AiAgentSummary) {
  return {
    agent: ai.agent,
    steps: ai.steps,
    tools_called: ai.tools.map(t => ({ tool: t.name, latency_ms: t.latency_ms })),
    ...(ai.tools_omitted === 0 ? {} : { tools_omitted: ai.tools_omitted }),
    ...(ai.errors === 0 ? {} : { error_steps: ai.errors }),
    summary: `${ai.agent === null ? 'The AI agent' : `"${ai.agent}"`} called ${ai.tools.length === 0 ? 'no tool' : toolCallsText(ai.tools)}`
  }
}

function words (records: Records, keys: readonly string[]): string[] {
  return [...new Set(records.map(r => pick(r, keys)).filter((v): v is string => typeof v === 'string'))]
}

/** The parts of a call, fetched at once; the customer waits for the routing log, the AI-agent log for the call's day. */
async function fetchCall (api: Connexcs, callid: string, callidb: string | undefined) {
  const routing = part(() => findCall(api, callid))
  const trace = part(() => getTrace(api, callid, callidb))
  const class5 = part(() => getClass5Logs(api, callid))
  const rtcp = part(() => getRtcp(api, callid))
  const transcript = part(() => getTranscript(api, callid))
  const customer = routing.then(r => {
    const id = r.ok ? r.value?.account_id : undefined
    return id === undefined || id <= 0 ? undefined : part(() => getCustomer(api, id))
  })
  // Only a Class 5 call can have an AI agent; its log is filed by the call's UTC day.
  const aiAgent = Promise.all([routing, trace, class5]).then(async ([r, t, c]): Promise<Part<Records> | string> => {
    if (c.ok && c.value.length === 0) return 'skipped: no Class 5 application handled the call'
    const start = r.ok ? r.value?.start_time : undefined
    const first = t.ok ? t.value[0] : undefined
    const day = start !== undefined ? dayOf(start * 1000) : first !== undefined ? dayOf(Math.floor(first.micro_ts / 1000)) : undefined
    return day === undefined ? 'skipped: the call\'s day is unknown (not in the log, no trace)' : await part(() => getAiAgentLog(api, callid, day))
  })
  return {
    routing: await routing,
    trace: await trace,
    class5: await class5,
    rtcp: await rtcp,
    transcript: await transcript,
    customer: await customer,
    aiAgent: await aiAgent
  }
}

type Fetched = Awaited<ReturnType<typeof fetchCall>>

/** What the parts say about the call: the analyses, and which parts could not be had and why. */
function analyseCall (callid: string, parts: Fetched, nowS: number) {
  const routing = valueOf(parts.routing) ?? undefined
  const packets = valueOf(parts.trace) ?? []
  const class5 = valueOf(parts.class5) ?? []
  const transcript = valueOf(parts.transcript) ?? []
  const trace: TraceAnalysis | undefined = packets.length === 0 ? undefined : analyzeTrace(packets, callid)
  const legs = trace === undefined ? (routing === undefined ? {} : legNames(routing)) : Object.fromEntries(trace.legs.map(l => [l.callid, l.leg]))
  const normalised = parts.rtcp.ok ? normaliseRtcp(parts.rtcp.value, { legs }) : undefined
  // RTCP that was fetched but empty is an answer too: no samples. The codec each leg negotiated feeds the E-model.
  const quality = normalised === undefined ? undefined : summariseQuality(normalised, { codecs: trace === undefined ? {} : legCodecs(trace) })
  const aiAgent = typeof parts.aiAgent === 'string' ? undefined : parts.aiAgent
  const aiSteps = aiAgent?.ok === true ? aiAgent.value : []
  const ai = aiSteps.length === 0 ? undefined : summariseAiAgent(aiSteps.map(e => aiAgentStep(e)))

  const ageDays = routing?.start_time === undefined ? undefined : Math.floor((nowS - routing.start_time) / DAY_S)
  const expired = ageDays !== undefined && ageDays >= TRACE_RETENTION_DAYS
  const unavailable: UnavailablePart[] = []
  if (!parts.trace.ok) unavailable.push({ part: 'trace', why: failed(parts.trace) })
  else if (trace === undefined) {
    unavailable.push({ part: 'trace', why: expired ? `none: the call is ${ageDays} days old and traces are kept ${TRACE_RETENTION_DAYS} days` : 'none: the trace is empty' })
  }
  if (parts.rtcp.ok && quality?.samples === 0 && expired) unavailable.push({ part: 'quality', why: `none: RTCP is kept ${TRACE_RETENTION_DAYS} days` })
  if (!parts.routing.ok) unavailable.push({ part: 'routing', why: failed(parts.routing) })
  else if (routing === undefined) unavailable.push({ part: 'routing', why: `not in the call log (kept ${LOG_RETENTION_DAYS} days)` })
  if (!parts.rtcp.ok) unavailable.push({ part: 'quality', why: failed(parts.rtcp) })
  if (!parts.class5.ok) unavailable.push({ part: 'class5', why: failed(parts.class5) })
  if (!parts.transcript.ok) unavailable.push({ part: 'transcription', why: failed(parts.transcript) })
  if (aiAgent?.ok === false) unavailable.push({ part: 'ai_agent', why: failed(aiAgent) })

  const apps = words(class5, ['app', 'application', 'type', 'module'])
  const customerName = parts.customer?.ok === true ? parts.customer.value?.name : undefined
  const diagnose = (more: { cards?: CustomerFacts['cards'], cliOwner?: CustomerFacts } = {}): Diagnosis => diagnoseCall({
    callid,
    trace: trace ?? null,
    routing: routing === undefined ? null : routingFacts(routing),
    quality: quality ?? null,
    class5: parts.class5.ok ? { present: class5.length > 0, kinds: apps } : null,
    ai_agent: ai ?? null,
    customer: routing?.account_id === undefined || routing.account_id <= 0
      ? null
      : { id: routing.account_id, name: customerName ?? null, cards: more.cards ?? null },
    cli_owner: more.cliOwner ?? null,
    unavailable
  })
  const found = routing !== undefined || trace !== undefined || (quality?.samples ?? 0) > 0 || class5.length > 0 || transcript.length > 0
  return { routing, trace, class5, apps, transcript, quality, aiSteps, ai, ageDays, expired, diagnosis: diagnose(), diagnose, found }
}

/**
 * What only other records hold and the root cause needs: the customer's cards for a number no
 * card routes, the owner of the calling number for an unknown source IP. Fetched only then; a
 * failure leaves the diagnosis as it was.
 */
async function specifics (api: Connexcs, a: ReturnType<typeof analyseCall>): Promise<{ diagnosis: Diagnosis, unread: Unread[] }> {
  const code = a.diagnosis.root_cause?.code
  const customerId = a.routing?.account_id
  const as = (diagnosis: Diagnosis, unread: Unread[] = []): { diagnosis: Diagnosis, unread: Unread[] } => ({ diagnosis, unread })
  if (code === 'no_route' && customerId !== undefined && customerId > 0) {
    const rows = await part(() => listRouting(api, customerId))
    if (!rows.ok) return as(a.diagnosis, unreadOf([['the customer\'s rate cards', failedUnlessNotFound(rows)]]))
    return as(a.diagnose({ cards: rows.value.filter(r => typeof r.card_id === 'string').map(r => ({ id: r.card_id, name: r.name ?? null })) }))
  }
  const cli = a.routing?.cli ?? a.trace?.call.cli ?? undefined
  if (code === 'ip_not_authorised' && cli !== undefined && cli !== '') {
    const owners = await part(() => listClis(api, { cli: cliDigits(cli), limit: 5 }))
    const owner = owners.ok ? owners.value.find(c => c.company_id > 0) : undefined
    if (owner === undefined) return as(a.diagnosis, unreadOf([['the owner of the calling number', failedUnlessNotFound(owners)]]))
    const customer = await part(() => getCustomer(api, owner.company_id))
    return as(a.diagnose({ cliOwner: { id: owner.company_id, name: customer.ok ? customer.value?.name ?? null : null } }),
      unreadOf([['the calling number\'s customer', failedUnlessNotFound(customer)]]))
  }
  return as(a.diagnosis)
}

/** The parts that could not be read, named as the first sentence of a partial answer says them. */
function unreadParts (parts: Fetched): Unread[] {
  return unreadOf([
    ['the call log', failedUnlessNotFound(parts.routing)],
    ['the SIP trace', failedUnlessNotFound(parts.trace)],
    ['RTCP', failedUnlessNotFound(parts.rtcp)],
    ['the Class 5 log', failedUnlessNotFound(parts.class5)],
    ['the transcript', failedUnlessNotFound(parts.transcript)],
    ['the customer account', failedUnlessNotFound(parts.customer)],
    ['the AI agent log', typeof parts.aiAgent === 'string' ? undefined : failedUnlessNotFound(parts.aiAgent)]
  ])
}

type Analysed = ReturnType<typeof analyseCall>

/** How each part went, in a few words: what was found, or why not. */
function partStatus (parts: Fetched, a: Analysed): Record<string, string> {
  const { trace, quality, class5, apps, transcript, aiSteps, routing } = a
  return {
    routing: parts.routing.ok ? (routing === undefined ? 'not in the call log' : 'found') : failed(parts.routing),
    trace: parts.trace.ok ? (trace === undefined ? 'none' : plural(trace.message_count, 'SIP message')) : failed(parts.trace),
    rtcp: parts.rtcp.ok ? ((quality?.samples ?? 0) === 0 ? 'none' : plural(quality!.samples, 'sample')) : failed(parts.rtcp),
    class5: parts.class5.ok ? (class5.length === 0 ? 'none (a Class 4 call)' : `${plural(class5.length, 'event')}: ${apps.join(', ') || 'application'}`) : failed(parts.class5),
    transcription: parts.transcript.ok ? (transcript.length === 0 ? 'none' : plural(transcript.length, 'segment')) : failed(parts.transcript),
    ai_agent: typeof parts.aiAgent === 'string' ? parts.aiAgent : parts.aiAgent.ok ? (aiSteps.length === 0 ? 'none' : plural(aiSteps.length, 'step')) : failed(parts.aiAgent)
  }
}

/** The next calls worth making: the diagnosis' follow-ups, then the deeper views of what was found. */
function callSteps (callid: string, callidb: string | undefined, a: Analysed): NextStep[] {
  // Past the retention, asking for the trace or RTCP again cannot help.
  const day = a.routing?.start_time === undefined ? a.trace?.started_at?.slice(0, 10) : dayOf(a.routing.start_time * 1000)
  const steps = followUpSteps(a.diagnosis.follow_ups, { callid, callidb, dest_number: a.routing?.dest_number, day }, a.expired ? ['sip_trace', 'call_quality'] : [])
  const withSamples = (a.quality?.samples ?? 0) > 0 ? a.quality : undefined
  if (a.trace !== undefined) addStep(steps, nextStep('getSipTrace', { callid, callidb }, 'The full C-Trace: every finding, legs, the SIP ladder as a diagram.'))
  if (withSamples !== undefined && (withSamples.overall === 'poor' || withSamples.overall === 'bad')) addStep(steps, nextStep('getCallQuality', { callid }, 'Every RTCP stream with its MOS.'))
  if (a.transcript.length > 0) addStep(steps, nextStep('getTranscription', { callid }, 'The whole transcript.'))
  if (a.aiSteps.length > 0) addStep(steps, nextStep('getAiAgentLogs', { callid }, 'Every step of the AI agent.'))
  if (a.routing?.dest_number !== undefined && a.diagnosis.outcome !== 'answered') {
    addStep(steps, nextStep('searchCallLogs', { search: a.routing.dest_number }, 'Other calls to this number: does it always fail?'))
  }
  return steps.slice(0, 6)
}

/** The answer: the diagnosis first, then the call, its timings and audio, then how each part went. */
function presentCall (callid: string, callidb: string | undefined, parts: Fetched, a: Analysed): ToolResult {
  const { routing, trace, diagnosis, transcript } = a
  const withSamples = (a.quality?.samples ?? 0) > 0 ? a.quality : undefined
  const customerName = parts.customer?.ok === true ? parts.customer.value?.name : undefined
  // A trace that failed is said first (partialAnswer); here only that the diagnosis stands on the routing log.
  const basis = trace === undefined && routing !== undefined
    ? parts.trace.ok
      ? ` No SIP trace${a.expired ? ` (the call is ${a.ageDays} days old; traces are kept ${TRACE_RETENTION_DAYS} days)` : ''}: diagnosed from the routing log.`
      : ' Diagnosed from the routing log alone.'
    : ''
  return {
    summary: diagnosis.summary + basis,
    callid,
    outcome: diagnosis.outcome,
    // Class 5: the switch's own applications handled the call (IVR, queue, voicemail, AI agent).
    call_type: parts.class5.ok ? (a.class5.length > 0 ? 'class5' : 'class4') : null,
    root_cause: diagnosis.root_cause === null ? null : withDocs(diagnosis.root_cause),
    evidence: diagnosis.evidence,
    recommendations: diagnosis.recommendations,
    ...(routing === undefined ? {} : { call: callFacts(routing, customerName) }),
    ...(trace === undefined
      ? {}
      : { timings: { pdd_ms: trace.call.pdd_ms, setup_time_ms: trace.call.setup_time_ms, talk_time_ms: trace.call.talk_time_ms } }),
    ...(withSamples === undefined ? {} : { quality: qualityFacts(withSamples) }),
    ...(a.ai === undefined ? {} : { ai_agent: aiAgentFacts(a.ai) }),
    ...(transcript.length === 0
      ? {}
      : {
          transcript: transcript.slice(0, QUOTED_LINES).map(segment => {
            const line = transcriptLine(segment, 160)
            return `${line.speaker}: ${line.text}`
          })
        }),
    findings: diagnosis.findings.map(withDocs),
    ...(diagnosis.findings_omitted === 0 ? {} : { findings_omitted: diagnosis.findings_omitted }),
    parts: partStatus(parts, a),
    ...(diagnosis.missing.length === 0 ? {} : { missing: diagnosis.missing }),
    next_steps: callSteps(callid, callidb, a)
  }
}

/** `investigateCall`: everything about one call, and the diagnosis. */
export const investigateCall = defineTool({
  name: 'investigateCall',
  title: 'Investigate a call',
  description: 'Diagnose one call in one step: "why did this call fail or sound bad?". Fetches the routing log, SIP trace, ' +
    'RTCP, Class 5, transcript and AI-agent logs together (a part that fails is noted, not an error) and returns the root ' +
    'cause, evidence, recommendations and next steps in a few KB. getSipTrace has every finding and the SIP ladder.',
  example: 'Investigate call 4e1d9b72-3c0a-4f6e-a1d5-92c7e0b8f311: why did the customer hear nothing?',
  readOnly: true,
  selfTest: {
    needs: 'call',
    args: ({ call }) => ({ callid: call.callid, ...(call.callidb === undefined ? {} : { callidb: call.callidb }) }),
    expect: { outcome: 'string', findings: 'array', parts: 'object' }
  },
  params: {
    callid: callidParam,
    callidb: callidbParam
  },
  async handler ({ callid, callidb }, ctx): Promise<ToolResult> {
    const parts = await fetchCall(ctx.api, callid, callidb)
    const all: Part<unknown>[] = [parts.routing, parts.trace, parts.class5, parts.rtcp, parts.transcript]
    // Nothing could be fetched at all: that is an error, not a diagnosis.
    const failures = unreadParts(parts)
    if (all.every(p => !p.ok) && failures.length > 0) throw mainFailure(failures)
    const first = analyseCall(callid, parts, Math.floor(ctx.nowMs / 1000))
    const more = await specifics(ctx.api, first)
    const analysed = { ...first, diagnosis: more.diagnosis }
    // A part that failed is said first; "not found" only when every part answered (partialAnswer throws otherwise).
    const unread = [...unreadParts(parts), ...more.unread]
    if (!analysed.found) {
      return partialAnswer(notFound(`Call ${callid} is in neither the call log nor the traces.`,
        `The call log keeps ${LOG_RETENTION_DAYS} days and SIP traces ${TRACE_RETENTION_DAYS}; the Call-ID must match exactly (the B leg has its own). ` +
        'It may be older, mistyped, or may never have reached the switch.',
        [nextStep('searchCallLogs', { search: callid }, 'Look the call up by a number or IP instead, to get its exact Call-ID.')]), unread)
    }
    return partialAnswer(presentCall(callid, callidb, parts, analysed), unread)
  }
})
