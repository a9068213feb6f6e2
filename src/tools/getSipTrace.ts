import { analyzeTrace, type LegAnalysis } from '../analysis/sipTrace'
import { getTrace } from '../connexcs/calls'
import { connexcs } from '../connexcs/client'
import { defineTool } from '../lib/defineTool'
import { humanDuration } from '../lib/format'
import { nextStep, notFound } from '../lib/result'
import { callidbParam, callidParam } from '../lib/sharedParams'

/** Ladder steps shown by default; the rest are counted, so long traces stay small. */
const LADDER_STEPS = 40

const STATE_WORDS: Record<LegAnalysis['state'], string> = {
  answered: 'was answered',
  busy: 'was busy',
  cancelled: 'was cancelled by the caller before answer',
  rejected: 'failed',
  redirected: 'was redirected',
  no_final_response: 'got no final response'
}

function describe (leg: LegAnalysis): string {
  const final = leg.final_response === null ? '' : `: ${leg.final_response.code} ${leg.final_response.reason}`.trimEnd()
  const timings = [
    leg.pdd_ms === null ? undefined : `PDD ${humanDuration(leg.pdd_ms)}`,
    leg.setup_time_ms === null ? undefined : `answered after ${humanDuration(leg.setup_time_ms)}`,
    leg.talk_time_ms === null ? undefined : `talk time ${humanDuration(leg.talk_time_ms)}`
  ].filter(t => t !== undefined)
  return `${STATE_WORDS[leg.state]}${final}${timings.length === 0 ? '' : ` (${timings.join(', ')})`}`
}

/** `getSipTrace`: fetch a call's C-Trace and read it. */
export const getSipTrace = defineTool({
  name: 'getSipTrace',
  description: 'Fetch and analyse the SIP trace (C-Trace) of one call: how the INVITE ended (final response, ' +
    'answered/busy/cancelled/failed), PDD, setup and talk time, each leg (A = customer side, B = carrier side), ' +
    'and the message ladder. Use it to find out why a call failed. Traces are kept 7 days; find callids with searchCallLogs.',
  example: 'Run a C-Trace on the failed call and tell me why it failed.',
  params: {
    callid: callidParam,
    callidb: callidbParam
  },
  async handler ({ callid, callidb }) {
    const packets = await getTrace(connexcs(), callid, callidb)
    if (packets.length === 0) {
      return notFound(
        `No SIP trace for Call-ID ${callid}.`,
        'Traces are kept for 7 days, and the Call-ID must match exactly (the B leg has its own Call-ID). ' +
        'The call may be older, mistyped, or may never have reached the switch.',
        [nextStep('searchCallLogs', { search: callid }, 'Check the Call-ID exists and get its callidb; or search by the dialled number.')]
      )
    }
    const analysis = analyzeTrace(packets, callid)
    const { call } = analysis
    const steps = analysis.ladder.slice(0, LADDER_STEPS)
    const ladder = steps.map(s => `+${s.t_ms}ms ${s.leg} ${s.from} → ${s.to} ${s.label}${s.sent > 1 ? ` ×${s.sent}` : ''}`)
    const shown = steps.reduce((n, s) => n + s.sent, 0)

    return {
      summary: `Call ${callid} ${describe(call)}. ${analysis.legs.length} leg${analysis.legs.length === 1 ? '' : 's'}, ${analysis.message_count} SIP messages.`,
      callid,
      outcome: { state: call.state, final_response: call.final_response, auth_challenges: call.auth_challenges },
      timings: {
        pdd_ms: call.pdd_ms,
        setup_time_ms: call.setup_time_ms,
        talk_time_ms: call.talk_time_ms,
        trace_span_ms: analysis.trace_span_ms
      },
      legs: analysis.legs.map(leg => ({
        leg: leg.leg,
        callid: leg.callid,
        from: leg.from,
        to: leg.to,
        state: leg.state,
        final_response: leg.final_response,
        pdd_ms: leg.pdd_ms,
        messages: leg.messages
      })),
      ladder,
      ...(shown < analysis.message_count ? { ladder_truncated: { shown, of: analysis.message_count } } : {}),
      next_steps: [nextStep('searchCallLogs', { search: callid }, 'See the routing record of this call: customer, carriers tried, SIP code.')]
    }
  }
})
