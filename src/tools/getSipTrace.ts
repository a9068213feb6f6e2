import { diagnoseCall } from '../analysis/diagnosis'
import { findingFacts } from '../analysis/findings'
import { withDocs } from '../analysis/findingDocs'
import { ladderMermaid } from '../analysis/sipLadder'
import { analyzeTrace } from '../analysis/sipTrace'
import type { LegAnalysis, TraceAnalysis } from '../analysis/traceTypes'
import { rawMessages } from '../analysis/tracePackets'
import { getTrace } from '../connexcs/calls'
import type { TracePacket } from '../connexcs/types'
import { utf8Length } from '../lib/bounded'
import { defineTool } from '../lib/defineTool'
import { formatCount, humanDuration, plural } from '../lib/format'
import { cursorAt, cursorOffset } from '../lib/pagination'
import { clip } from '../lib/records'
import { nextStep, notFound, type ToolResult } from '../lib/result'
import { callidbParam, callidParam, cursorParam, limitParam } from '../lib/sharedParams'
import { addStep, followUpSteps } from './shared/callSteps'

/** Findings shown; the rest are counted. */
const MAX_FINDINGS = 6
/** Legs shown; a call that cranked back through many carriers keeps its first ones. */
const MAX_LEGS = 6
/** Arrows of the Mermaid ladder: the beginning and the end of a long trace, about 3 KB. */
const LADDER_ARROWS = 36
/** A page of raw messages stops at this many bytes of SIP text (at least one message). */
const RAW_PAGE_BYTES = 14_000
/** Longer messages (big SDP, many headers) are cut. */
const RAW_MESSAGE_CHARS = 6_000

const TIMINGS_NOTE = 'pdd: first INVITE → first 180/183 (or the 200 OK; 100 Trying does not count); setup: first INVITE → 200 OK; ' +
  'ring: first 180/183 → final response; talk: 200 OK → BYE; trace span: first → last packet captured (not the call\'s length)'

function legFacts (leg: LegAnalysis) {
  const media = leg.media
  return {
    leg: leg.leg,
    callid: leg.callid,
    path: `${leg.caller_role} ${leg.from} → ${leg.callee_role} ${leg.to}`,
    transport: leg.transport,
    ...(leg.edge_host === null ? {} : { edge_host: leg.edge_host }),
    ...(leg.cli === null ? {} : { cli: leg.cli }),
    ...(leg.dialled === null ? {} : { dialled: leg.dialled }),
    state: leg.state,
    final_response: leg.final_response,
    pdd_ms: leg.pdd_ms,
    setup_time_ms: leg.setup_time_ms,
    messages: leg.messages,
    ...(leg.retransmitted_copies === 0 ? {} : { retransmitted_copies: leg.retransmitted_copies }),
    ...(leg.auth.challenges === 0
      ? {}
      : {
          auth: { challenges: leg.auth.challenges, with_credentials: leg.auth.with_credentials, rejected_credentials: leg.auth.rejected_credentials }
        }),
    ...(media === null
      ? {}
      : { codecs: { offered: media.offered, answered: media.answered, negotiated: media.negotiated, dtmf: media.telephone_event.answered ? 'telephone-event' : media.telephone_event.offered ? 'offered, not accepted' : 'none' } }),
    ...(leg.release === null ? {} : { ended_by: `${leg.release.party} (${leg.release.method === 'final_response' ? 'final response' : leg.release.method})` })
  }
}

function timingText (trace: TraceAnalysis): string {
  const call = trace.call
  const parts = [
    call.pdd_ms === null ? undefined : `PDD ${humanDuration(call.pdd_ms)}`,
    call.setup_time_ms === null ? undefined : `answered after ${humanDuration(call.setup_time_ms)}`,
    call.talk_time_ms === null ? undefined : `talk time ${humanDuration(call.talk_time_ms)}`,
    call.setup_time_ms === null && call.final_after_ms !== null ? `final response after ${humanDuration(call.final_after_ms)}` : undefined
  ].filter(p => p !== undefined)
  const text = `${parts.length === 0 ? '' : `${parts.join(', ')}; `}${plural(trace.legs.length + trace.legs_omitted, 'leg')}, ${plural(trace.message_count, 'SIP message')}.`
  return text.charAt(0).toUpperCase() + text.slice(1)
}

/** The analysis, summary first: what the AI reads by default (a few KB, whatever the trace length). */
function analysisResult (callid: string, callidb: string | undefined, trace: TraceAnalysis): ToolResult {
  const { call } = trace
  const diagnosis = diagnoseCall({ callid, trace })
  const release = trace.release
  const steps = followUpSteps(diagnosis.follow_ups, { callid, callidb, dest_number: call.dialled, day: trace.started_at?.slice(0, 10) }, ['sip_trace'])
  addStep(steps, nextStep('investigateCall', { callid, callidb }, 'Add the routing log, RTCP and Class 5 logs to the diagnosis.'))
  if (trace.findings[0] !== undefined && trace.findings[0].severity !== 'info') {
    steps.push(nextStep('getSipTrace', { callid, callidb, include_raw: true, from_message: trace.findings[0].evidence[0]?.message ?? 0, limit: 5 }, 'Read the raw SIP messages the top finding cites.'))
  }
  const drawn = Math.min(LADDER_ARROWS, trace.ladder.length)
  const shortened = drawn < trace.ladder.length || trace.ladder_omitted > 0
  return {
    summary: `${diagnosis.summary} ${timingText(trace)}`,
    callid,
    started_at: trace.started_at,
    outcome: {
      state: call.state,
      final_response: call.final_response,
      ...(release === null ? {} : { ended_by: release.by, ended_how: release.method === 'final_response' ? 'final response' : release.method }),
      // Who sent the BYE on each leg the trace shows: on the customer's leg a BYE from the switch is usually relayed.
      ...(release === null || release.byes.length === 0 ? {} : { bye_sent_by: Object.fromEntries(release.byes.map(b => [b.leg, b.by])) }),
      ...(release?.reason === null || release?.reason === undefined ? {} : { reason: release.reason }),
      auth_challenges: call.auth_challenges
    },
    timings: {
      pdd_ms: call.pdd_ms,
      ...(call.pdd_after_auth_ms === null ? {} : { pdd_after_auth_ms: call.pdd_after_auth_ms }),
      setup_time_ms: call.setup_time_ms,
      ring_time_ms: call.ring_time_ms,
      talk_time_ms: call.talk_time_ms,
      trace_span_ms: trace.trace_span_ms
    },
    timings_note: TIMINGS_NOTE,
    findings: trace.findings.slice(0, MAX_FINDINGS).map(f => withDocs(findingFacts(f))),
    ...(trace.findings.length + trace.findings_omitted > MAX_FINDINGS
      ? { findings_omitted: trace.findings.length + trace.findings_omitted - MAX_FINDINGS }
      : {}),
    legs: trace.legs.slice(0, MAX_LEGS).map(legFacts),
    ...(trace.legs.length + trace.legs_omitted > MAX_LEGS ? { legs_omitted: trace.legs.length + trace.legs_omitted - MAX_LEGS } : {}),
    ladder_mermaid: ladderMermaid(trace, { maxArrows: LADDER_ARROWS }),
    ...(shortened ? { ladder_note: `The ladder draws the beginning and the end of the call (${drawn} arrows for ${plural(trace.message_count, 'message')}); read any message with include_raw and from_message.` } : {}),
    ...(trace.capture_duplicates === 0 ? {} : { capture_duplicates_dropped: trace.capture_duplicates }),
    next_steps: steps
  }
}

/** One page of raw messages, cut by count and by bytes, so that any page fits the output cap. */
function rawResult (callid: string, callidb: string | undefined, packets: TracePacket[], start: number, limit: number): ToolResult {
  const { messages, total } = rawMessages(packets, start, start + limit)
  if (start >= total && total > 0) {
    return notFound(`Call ${callid} has ${plural(total, 'SIP message')}; there is no message ${start}.`, `Messages are numbered 0 to ${total - 1}.`,
      [nextStep('getSipTrace', { callid, callidb, include_raw: true }, 'Start from the first message.')], { callid, message_count: total })
  }
  const page = []
  let bytes = 0
  for (const m of messages) {
    const text = clip(m.text, RAW_MESSAGE_CHARS)
    const size = utf8Length(text) + 120
    if (page.length > 0 && bytes + size > RAW_PAGE_BYTES) break
    bytes += size
    page.push({ ...m, text, ...(text.length < m.text.length ? { text_cut_from_chars: m.text.length } : {}) })
  }
  const next = start + page.length
  const shown = page.length === 0 ? 'none' : `${start}–${next - 1}`
  return {
    summary: `Raw SIP messages ${shown} of ${formatCount(total)} of call ${callid}${next < total ? `; next_cursor continues from message ${next}` : ''}. The analysis (outcome, findings, ladder) is in getSipTrace without include_raw.`,
    callid,
    message_count: total,
    messages: page,
    ...(next < total ? { next_cursor: cursorAt(next) } : {}),
    next_steps: next < total ? [nextStep('getSipTrace', { callid, callidb, include_raw: true, limit, cursor: cursorAt(next) }, 'Next page of raw messages.')] : []
  }
}

/** `getSipTrace`: the C-Trace of one call, analysed. */
export const getSipTrace = defineTool({
  name: 'getSipTrace',
  title: 'SIP trace (C-Trace)',
  description: 'Fetch and analyse the SIP trace (C-Trace) of one call: why it failed or misbehaved. Returns the outcome ' +
    '(a 200 to a CANCEL is no answer), PDD/setup/talk time, each leg, ranked findings (meaning, evidence, fix: routing, ' +
    'prefix, auth, NAT, codec, timeouts, lost ACK) and a Mermaid ladder. Raw SIP only with include_raw, paged. Kept 7 days.',
  example: 'Run a C-Trace on the failed call and tell me why it failed.',
  readOnly: true,
  selfTest: {
    needs: 'call',
    args: ({ call }) => ({ callid: call.callid, ...(call.callidb === undefined ? {} : { callidb: call.callidb }) }),
    expect: { outcome: 'object', findings: 'array', legs: 'array', ladder_mermaid: 'string' }
  },
  params: {
    callid: callidParam,
    callidb: callidbParam,
    include_raw: { type: 'boolean', description: 'Return the raw SIP messages (full text), a page at a time, instead of the analysis.', default: false },
    from_message: { type: 'number', description: 'With include_raw: start at this message number (as evidence cites it, from 0).', integer: true, min: 0, max: 100_000 },
    limit: limitParam(10, 50),
    cursor: cursorParam
  },
  async handler ({ callid, callidb, include_raw: includeRaw, from_message: fromMessage, limit, cursor }, ctx) {
    const packets = await getTrace(ctx.api, callid, callidb)
    if (packets.length === 0) {
      return notFound(
        `No SIP trace for Call-ID ${callid}.`,
        'Traces are kept for 7 days, and the Call-ID must match exactly (the B leg has its own Call-ID). ' +
        'The call may be older, mistyped, or may never have reached the switch.',
        [nextStep('searchCallLogs', { search: callid }, 'Check the Call-ID exists and get its callidb; or search by the dialled number.'),
          nextStep('investigateCall', { callid }, 'Diagnose from the routing log, which is kept 14 days.')]
      )
    }
    if (includeRaw || cursor !== undefined || fromMessage !== undefined) {
      return rawResult(callid, callidb, packets, cursor === undefined ? fromMessage ?? 0 : cursorOffset(cursor), limit)
    }
    return analysisResult(callid, callidb, analyzeTrace(packets, callid))
  }
})
