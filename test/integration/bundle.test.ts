import { readFileSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { describe, expect, it } from 'vitest'
import type { ApiBackend } from '../../platform/backend'
import type { SimCall } from '../../platform/switch/index'
import { getCallAnalytics } from '../../src/tools/getCallAnalytics'
import { getCallQuality } from '../../src/tools/getCallQuality'
import { getRtpServerGroups } from '../../src/tools/getRtpServerGroups'
import { getSipTrace } from '../../src/tools/getSipTrace'
import { INSTRUCTIONS } from '../../src/mcp'
import { investigateCall } from '../../src/tools/investigateCall'
import { searchCallLogs } from '../../src/tools/searchCallLogs'
import { bundleClient, installBridge, NOW_MS, runInNode, testSwitch } from '../helpers/platform'

const sw = testSwitch()
const client = bundleClient(sw.api)
const byScenario = (scenario: string): SimCall => sw.data.calls.find(c => c.scenario === scenario)!
const iso = (ms: number): string => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z')

describe('dist/mcp.js', () => {
  const source = readFileSync('dist/mcp.js', 'utf8')

  it('imports nothing but cxMcpServer and cxRest, and no Node built-in', () => {
    const imports = [...source.matchAll(/\bimport\s*(?:[\w$*{}\s,]+?\s*from\s*)?["']([^"']+)["']|\bimport\s*\(\s*["']([^"']+)["']|\bexport\s*[*{][^;]*?from\s*["']([^"']+)["']/g)]
      .map(m => m[1] ?? m[2] ?? m[3])
    expect([...new Set(imports)].toSorted()).toEqual(['cxMcpServer', 'cxRest'])
    expect(source).not.toMatch(/\brequire\s*\(/)
    for (const name of builtinModules.filter(m => !m.startsWith('_'))) expect(source).not.toContain(`"node:${name}"`)
  })

  it('is minified, with its source map beside it', () => {
    // Line breaks are left only inside template literals (prompt texts): no line is indented code.
    expect(source.split('\n').filter(line => /^\s+(const|let|var|function|return|if|for|export|import)\b/.test(line))).toEqual([])
    expect(source.split('\n').length).toBeLessThan(150)
    expect(JSON.parse(readFileSync('dist/mcp.js.map', 'utf8')).sources).toContain('../src/mcp.ts')
  })

  it('loads in QuickJS and answers initialize', async () => {
    expect(await client.rpc('initialize', { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'test', version: '1' } })).toEqual({
      jsonrpc: '2.0',
      id: expect.any(Number),
      result: {
        protocolVersion: '2025-11-25',
        capabilities: { tools: { listChanged: false }, resources: { listChanged: false, subscribe: false }, prompts: { listChanged: false } },
        serverInfo: { name: 'ConnexCS', version: '0.1.0' },
        instructions: INSTRUCTIONS
      }
    })
  })
})

describe('searchCallLogs through the bundle', () => {
  it('finds a call by its Call-ID with its routing facts', async () => {
    const call = byScenario('no_route')
    expect(await client.callTool('searchCallLogs', { search: call.callid })).toEqual({
      isError: false,
      result: {
        summary: `1 call matches "${call.callid}": 0 answered, 1 not answered (1× 503 No Routes Available (Pre)).`,
        search: call.callid,
        total: 1,
        calls: [{
          callid: call.callid,
          callidb: call.callidb,
          time: iso(call.start_ms),
          customer_id: call.customer_id,
          customer_name: 'Bluebell Contact Centre',
          cli: call.cli,
          dest_number: call.dest_number,
          sip_code: 503,
          sip_reason: 'No Routes Available (Pre)'
        }],
        next_steps: [{ tool: 'getSipTrace', args: { callid: call.callid, callidb: call.callidb }, why: 'See why the newest failed call failed.' }]
      }
    })
  })

  it('pages through the calls of a customer IP, newest first', async () => {
    // Pinecrest VoIP: fewer calls in the log's 14 days than the search's cap of 200.
    const ip = byScenario('nat_one_way').customer_ip
    const all = sw.data.calls.filter(c => c.customer_ip === ip && NOW_MS - c.start_ms <= 14 * 86_400_000)
    expect(all.length).toBeGreaterThan(10)
    expect(all.length).toBeLessThan(200)
    const first = await client.callTool('searchCallLogs', { search: ip, limit: 5 })
    expect(first.result.total).toBe(all.length)
    expect(first.result.calls.map((c: { callid: string }) => c.callid)).toEqual(all.slice(0, 5).map(c => c.callid))
    expect(first.result.next_cursor).toBe('o5')
    const second = await client.callTool('searchCallLogs', { search: ip, limit: 5, cursor: 'o5' })
    expect(second.result.calls.map((c: { callid: string }) => c.callid)).toEqual(all.slice(5, 10).map(c => c.callid))
  })

  it('says when nothing matches and what to try', async () => {
    expect(await client.callTool('searchCallLogs', { search: '+4900000000' })).toEqual({
      isError: false,
      result: {
        summary: 'No calls match "+4900000000".',
        found: false,
        why: 'The log search matches a number, a Call-ID or an IP exactly as the switch saw it; logs cover recent days only.',
        next_steps: [{ tool: 'searchCallLogs', args: { search: '4900000000' }, why: 'The number without + or 00, as the switch stores it.' }]
      }
    })
  })
})

describe('getSipTrace through the bundle', () => {
  it('reads each scenario\'s outcome and timings from the trace', async () => {
    const expectations: [string, string, number, number, string][] = [
      ['answered', 'answered', 200, 0, 'customer'], ['busy', 'busy', 486, 0, 'carrier'], ['no_answer_cancel', 'cancelled', 487, 0, 'customer'],
      ['no_route', 'rejected', 503, 0, 'switch'], ['auth_challenge', 'answered', 200, 1, 'carrier']
    ]
    for (const [scenario, state, code, challenges, endedBy] of expectations) {
      const call = byScenario(scenario)
      const { result, isError } = await client.callTool('getSipTrace', { callid: call.callid })
      expect(isError).toBe(false)
      expect(result.outcome).toMatchObject({ state, final_response: { code, reason: call.sip_reason }, auth_challenges: challenges, ended_by: endedBy })
      expect(result.timings.pdd_ms).toBe(call.pdd_ms)
      expect(result.timings.setup_time_ms).toBe(call.answer_ms)
      expect(result.timings.talk_time_ms).toBe(call.answer_ms === null ? null : call.duration_s * 1000)
      expect(result.legs.map((l: { leg: string }) => l.leg)).toEqual(scenario === 'no_route' ? ['A'] : ['A', 'B1'])
      expect(result.ladder_mermaid.split('\n').slice(0, 2)).toEqual(['sequenceDiagram', `  participant P0 as Customer ${call.customer_ip}${call.customer_port === 5060 ? '' : `:${call.customer_port}`}`])
      // Arrows name their leg when the call has several.
      expect(result.ladder_mermaid).toContain(`  P0->>P1: +0ms ${scenario === 'no_route' ? '' : 'A '}INVITE\n`)
    }
  })

  it('explains a missing trace with the 7-day retention', async () => {
    const old = byScenario('trace_expired')
    const { result } = await client.callTool('getSipTrace', { callid: old.callid })
    expect(result).toMatchObject({ summary: `No SIP trace for Call-ID ${old.callid}.`, found: false })
    expect(result.why).toContain('Traces are kept for 7 days')
  })

  it('refuses bad arguments with the parameter named', async () => {
    // Our validator answers before the platform's own (which would answer plain text).
    expect(await client.callTool('getSipTrace', { callid: 42 })).toEqual({
      isError: true,
      result: { summary: 'Invalid argument: callid', error: { type: 'invalid_argument', message: 'callid must be a string, got number 42; send it as a JSON string.', parameter: 'callid' } }
    })
    expect(await client.callTool('getSipTrace', { callid: 'x'.repeat(300) })).toEqual({
      isError: true,
      result: { summary: 'Invalid argument: callid', error: { type: 'invalid_argument', message: 'callid is 300 characters long; the most it can be is 255.', parameter: 'callid' } }
    })
  })
})

describe('getRtpServerGroups through the bundle', () => {
  it('lists the media zones with their failover', async () => {
    const { result } = await client.callTool('getRtpServerGroups', {})
    expect(result.summary).toBe('11 media zones, 10 active; not active: Canada (Toronto).')
    expect(result.zones).toHaveLength(11)
    expect(result.zones[0]).toEqual({
      id: 1, name: 'UK (London)', location: 'lon', active: true, failover_to: 'Netherlands (Amsterdam)', transcoding: true, elastic: false, max_servers_per_call: 'unlimited'
    })
  })
})

describe('failures through the bundle', () => {
  it('says where to set API_USERNAME when the app has none', async () => {
    const bare = bundleClient(sw.api, { env: {} })
    const { result, isError } = await bare.callTool('getRtpServerGroups', {})
    expect(isError).toBe(true)
    expect(result.summary).toBe('Configuration error')
    expect(result.error.message).toMatch(/^API_USERNAME environment variable is required but not set\. .*Environment Variables/)
  })

  it('reports an API failure as an upstream error with its status', async () => {
    const failing: ApiBackend = async () => ({ status: 500, statusText: 'Internal Server Error', body: '{"error":"database unavailable"}' })
    const { result, isError } = await bundleClient(failing).callTool('getRtpServerGroups', {})
    expect({ result, isError }).toEqual({
      isError: true,
      result: {
        summary: 'ConnexCS API error: HTTP 500',
        error: { type: 'upstream', message: 'The ConnexCS API (GET setup/server/rtp-group) failed (HTTP 500): 500 Internal Server Error: database unavailable', status: 500 }
      }
    })
  })
})

describe('the bundle and the TypeScript modules agree', () => {
  it('gives the same answers in QuickJS as in Node', async () => {
    installBridge(sw.api)
    process.env.API_USERNAME = 'test@example.com'
    const cases: [{ name: string }, Record<string, unknown>][] = [
      [searchCallLogs, { search: sw.data.calls[2]!.dest_number }],
      [getRtpServerGroups, {}],
      ...sw.data.calls.slice(0, 4).map(c => [getSipTrace, { callid: c.callid }] as [{ name: string }, Record<string, unknown>]),
      ...sw.data.scenarios.filter(s => ['nat_one_way', 'timeout_408', 'ai_agent'].includes(s.id)).flatMap(s => [
        [investigateCall, { callid: s.calls[0]!.callid }],
        [getCallQuality, { callid: s.calls[0]!.callid }]
      ] as [{ name: string }, Record<string, unknown>][]),
      [getCallAnalytics, { customer_id: sw.data.calls[0]!.customer_id, start_date: '2026-11-20', end_date: '2026-11-24' }]
    ]
    for (const [tool, args] of cases) {
      const node = await runInNode(tool as typeof getSipTrace, args)
      const quickjs = await client.callTool(tool.name, args)
      expect(quickjs).toEqual({ result: node.result, isError: node.isError })
    }
    delete process.env.API_USERNAME
  })
})
