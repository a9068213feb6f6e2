import { beforeEach, describe, expect, it } from 'vitest'
import type { ApiRequest } from '../../platform/backend'
import { getAiAgentLogs } from '../../src/tools/getAiAgentLogs'
import { getTranscription } from '../../src/tools/getTranscription'
import { installBridge, runInNode } from '../helpers/platform'

let sent: ApiRequest[]
let routes: Record<string, unknown>

beforeEach(() => {
  process.env.API_USERNAME = 'test@example.com'
  sent = []
  routes = {}
  installBridge(async request => {
    sent.push(request)
    const key = request.path.split('?')[0]!
    return { status: 200, statusText: 'OK', body: JSON.stringify(routes[key] ?? []) }
  })
})

describe('getTranscription', () => {
  it('gives the segments in order with the speaker of each leg', async () => {
    routes.transcribe = [
      { callid: 'c1', leg: 0, text: 'Hello, I cannot hear you.', score: 0.913 },
      { callid: 'c1', leg: 1, text: 'Hello?', score: 0.8 },
      { callid: 'c1', leg: 0, text: 'Hello, hello?', score: 0.87 }
    ]
    const { result } = await runInNode(getTranscription, { callid: 'c1', limit: 2 })
    expect(sent[0]!.path).toBe('transcribe?s=c1')
    expect(result).toEqual({
      summary: 'Transcript of call c1: 3 segments (2 caller, 1 callee).',
      callid: 'c1',
      total: 3,
      lines: [{ speaker: 'caller', text: 'Hello, I cannot hear you.', score: 0.91 }, { speaker: 'callee', text: 'Hello?', score: 0.8 }],
      next_cursor: 'o2'
    })
  })

  it('explains a call without transcript', async () => {
    expect((await runInNode(getTranscription, { callid: 'c2' })).result).toMatchObject({ summary: 'No transcript for call c2.', found: false })
  })
})

describe('getAiAgentLogs', () => {
  it('works out the day from the call log when no date is given', async () => {
    routes.log = [{ routing: { callid: 'c1', callidb: 'b1', start_time: Date.UTC(2026, 10, 23, 23, 59) / 1000 } }]
    routes['log/ai-agent'] = [{ dt: '2026-11-23 23:59:02', type: 'stt', message: 'I want to cancel' }, { dt: '2026-11-23 23:59:03', type: 'tool', name: 'cancelOrder', args: { id: 7 } }]
    const { result } = await runInNode(getAiAgentLogs, { callid: 'c1' })
    expect(sent.map(r => r.path)).toEqual(['log?s=c1', 'log/ai-agent?callid=c1&d=2026-11-23'])
    expect(result).toEqual({
      summary: 'AI agent log of call c1 on 2026-11-23: 2 steps; it called cancelOrder.',
      callid: 'c1',
      date: '2026-11-23',
      tools_called: [{ tool: 'cancelOrder', latency_ms: null, time: '2026-11-23 23:59:03' }],
      total: 2,
      steps: [
        { time: '2026-11-23 23:59:02', kind: 'stt', text: 'I want to cancel' },
        { time: '2026-11-23 23:59:03', kind: 'tool', text: '{"dt":"2026-11-23 23:59:03","type":"tool","name":"cancelOrder","args":{"id":7}}', tool: 'cancelOrder' }
      ]
    })
  })

  it('keeps each tool or function the agent called, its latency, and the agent\'s name', async () => {
    routes['log/ai-agent'] = [
      { id: 1, dt: '2026-11-20 10:00:01', agent_id: 17, agent_name: 'Reception Assistant', role: 'assistant', content: 'Hello, how can I help?', tool_name: null, latency_ms: 612 },
      { id: 2, dt: '2026-11-20 10:00:05', agent_id: 17, agent_name: 'Reception Assistant', role: 'user', content: 'Book me in, please.', tool_name: null, latency_ms: null },
      { id: 3, dt: '2026-11-20 10:00:06', agent_id: 17, agent_name: 'Reception Assistant', role: 'tool', content: '{"slots":["Tue 10:00"]}', tool_name: 'find_slots', latency_ms: 1250 },
      { id: 4, dt: '2026-11-20 10:00:09', agent_id: 17, agent_name: 'Reception Assistant', role: 'tool', content: '{"reference":"BK-1"}', tool_name: 'book_slot', latency_ms: 480 }
    ]
    const { result } = await runInNode(getAiAgentLogs, { callid: 'c3', date: '2026-11-20' })
    expect(result.summary).toBe('AI agent log of call c3 on 2026-11-20: 4 steps by "Reception Assistant"; it called find_slots (1250 ms), book_slot (480 ms).')
    expect([result.agent, result.tools_called, result.slowest_step_ms]).toEqual(['Reception Assistant', [
      { tool: 'find_slots', latency_ms: 1250, time: '2026-11-20 10:00:06' },
      { tool: 'book_slot', latency_ms: 480, time: '2026-11-20 10:00:09' }
    ], 1250])
    expect(result.steps).toEqual([
      { time: '2026-11-20 10:00:01', kind: 'assistant', text: 'Hello, how can I help?', latency_ms: 612 },
      { time: '2026-11-20 10:00:05', kind: 'user', text: 'Book me in, please.' },
      { time: '2026-11-20 10:00:06', kind: 'tool', text: '{"slots":["Tue 10:00"]}', tool: 'find_slots', latency_ms: 1250 },
      { time: '2026-11-20 10:00:09', kind: 'tool', text: '{"reference":"BK-1"}', tool: 'book_slot', latency_ms: 480 }
    ])
  })

  it('uses the date given, and asks for one when the call is unknown', async () => {
    await runInNode(getAiAgentLogs, { callid: 'c9', date: '2026-11-20' })
    expect(sent.map(r => r.path)).toEqual(['log/ai-agent?callid=c9&d=2026-11-20'])
    const { result, isError } = await runInNode(getAiAgentLogs, { callid: 'c9' })
    expect(isError).toBe(true)
    expect(result.error).toEqual({ type: 'not_found', parameter: 'date', message: 'Call c9 is not in the call log, so its day is unknown; pass date as YYYY-MM-DD (UTC).' })
  })
})
