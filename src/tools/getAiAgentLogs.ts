import { aiAgentStep, summariseAiAgent, toolCallsText } from '../analysis/aiAgent'
import { findCall, getAiAgentLog } from '../connexcs/calls'
import { dayOf } from '../lib/dates'
import { defineTool } from '../lib/defineTool'
import { ToolError } from '../lib/errors'
import { plural } from '../lib/format'
import { paginate } from '../lib/pagination'
import { nextStep, notFound } from '../lib/result'
import { callidParam, cursorParam, limitParam } from '../lib/sharedParams'

/** `getAiAgentLogs`: what the AI agent did on a call. */
export const getAiAgentLogs = defineTool({
  name: 'getAiAgentLogs',
  title: 'AI agent log',
  description: 'Get the AI agent\'s log for one call: each step (speech heard, reply, tool or function called, ' +
    'errors) with its time. Use it to debug a call handled by a ConnexCS AI agent. The day is worked out from the ' +
    'call when not given; paginated.',
  example: 'Why did the AI agent hang up on call 4e1d9b72…?',
  readOnly: true,
  selfTest: {
    // A call an AI agent handled, found by the self-test's discovery (not exercised when the account has none).
    needs: 'aiAgentCall',
    // A call the log does not have needs its day given.
    args: ({ aiAgentCall, call, today }) => {
      const chosen = aiAgentCall ?? call
      return { callid: chosen.callid, ...(chosen.start_time === undefined ? { date: today } : {}) }
    },
    expect: { steps: 'array' }
  },
  params: {
    callid: callidParam,
    date: { type: 'string', description: 'Day of the call, YYYY-MM-DD (UTC); default: looked up from the call.', format: 'date' },
    limit: limitParam(30, 100),
    cursor: cursorParam
  },
  async handler ({ callid, date, limit, cursor }, ctx) {
    const api = ctx.api
    let day = date
    if (day === undefined) {
      const call = await findCall(api, callid)
      if (call?.start_time === undefined) {
        throw new ToolError('not_found', `Call ${callid} is not in the call log, so its day is unknown; pass date as YYYY-MM-DD (UTC).`, { parameter: 'date' })
      }
      day = dayOf(call.start_time * 1000)
    }
    const entries = await getAiAgentLog(api, callid, day)
    if (entries.length === 0) {
      return notFound(`No AI agent log for call ${callid} on ${day}.`,
        'No AI agent took part in this call on that day (or the day is wrong: logs are filed by the call\'s UTC day).',
        [nextStep('getSipTrace', { callid }, 'See how the call was routed.')], { callid, date: day })
    }
    const all = entries.map(e => aiAgentStep(e))
    const ai = summariseAiAgent(all)
    // One agent's name is said once, not on every step.
    const steps = ai.agents.length <= 1 ? all.map(({ agent: _agent, ...step }) => step) : all
    const page = paginate(steps, cursor, limit)
    const who = ai.agent === null ? '' : ` by "${ai.agent}"${ai.agents.length > 1 ? ` and ${ai.agents.length - 1} other agent${ai.agents.length > 2 ? 's' : ''}` : ''}`
    const tools = ai.tools.length === 0 ? 'it called no tool' : `it called ${toolCallsText(ai.tools)}${ai.tools_omitted === 0 ? '' : ` and ${ai.tools_omitted} more`}`
    return {
      summary: `AI agent log of call ${callid} on ${day}: ${plural(steps.length, 'step')}${who}; ${tools}.${ai.errors === 0 ? '' : ` ${plural(ai.errors, 'error step')}.`}`,
      callid,
      date: day,
      ...(ai.agent === null ? {} : { agent: ai.agent }),
      tools_called: ai.tools.map(t => ({ tool: t.name, latency_ms: t.latency_ms, time: t.time })),
      ...(ai.slowest_ms === null ? {} : { slowest_step_ms: ai.slowest_ms }),
      total: steps.length,
      steps: page.items,
      ...(page.next_cursor === undefined ? {} : { next_cursor: page.next_cursor })
    }
  }
})
