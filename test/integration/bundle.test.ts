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
import { NO_DYNAMIC_IMPORT } from '../../platform/scriptforge/host'
import { optInTools, tools as alwaysOn } from '../../src/tools/index'
import { bundleClient, bundleFiles, installBridge, NOW_MS, runInNode, testSwitch } from '../helpers/platform'

const sw = testSwitch()
const client = bundleClient(sw.api)
const byScenario = (scenario: string): SimCall => sw.data.calls.find(c => c.scenario === scenario)!
const iso = (ms: number): string => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z')

/** Every import of a built file: static, re-exports and import(). */
function importsOf (source: string): string[] {
  const imports = [...source.matchAll(/\bimport\s*(?:[\w$*{}\s,]+?\s*from\s*)?["']([^"']+)["']|\bimport\s*\(\s*["']([^"']+)["']|\bexport\s*[*{][^;]*?from\s*["']([^"']+)["']/g)]
    .map(m => m[1] ?? m[2] ?? m[3]!)
  return [...new Set(imports)].toSorted()
}

const tools = [...alwaysOn, ...optInTools.map(o => o.tool)]
const partFiles = [...tools.map(t => `mcp${t.name.charAt(0).toUpperCase()}${t.name.slice(1)}`), 'mcpPrompts', 'mcpResources']

describe('dist/mcp.js', () => {
  const source = readFileSync('dist/mcp.js', 'utf8')
  const files = bundleFiles()

  it('imports nothing but the built-ins and the files of the app it loads on demand, and no Node built-in', () => {
    expect(importsOf(source)).toEqual(['cxMcpServer', 'cxRest', ...partFiles.map(f => `./${f}`)].toSorted())
    expect(Object.keys(files)).toEqual(['mcp', ...partFiles, 'selfTest'].toSorted())
    for (const [name, code] of Object.entries(files)) {
      // A file loaded on demand is whole: it imports no other file of the app.
      if (partFiles.includes(name)) expect(importsOf(code).filter(i => i !== 'cxRest'), name).toEqual([])
      expect(code, name).not.toMatch(/\brequire\s*\(/)
      for (const builtin of builtinModules.filter(m => !m.startsWith('_'))) expect(code, name).not.toContain(`"node:${builtin}"`)
    }
  })

  it('holds the tools\' metadata and none of their code', () => {
    for (const tool of tools) expect(source).toContain(tool.description.slice(0, 30))
    // The analysis' tables and the tools' presentation are in the tools' files.
    expect(source).not.toContain('sequenceDiagram')
    expect(files.mcpGetSipTrace).toContain('sequenceDiagram')
    expect(Buffer.byteLength(source)).toBeLessThan(Buffer.byteLength(bundleFiles('bundle').mcp!) / 4)
  })

  it('is minified, with its source map beside it', () => {
    // Line breaks are left only inside template literals (prompt texts): no line is indented code.
    expect(source.split('\n').filter(line => /^\s+(const|let|var|function|return|if|for|export|import)\b/.test(line))).toEqual([])
    expect(source.split('\n').length).toBeLessThan(150)
    expect(JSON.parse(readFileSync('dist/mcp.js.map', 'utf8')).sources).toContain('../src/mcp.ts')
    expect(JSON.parse(readFileSync('dist/mcpGetSipTrace.js.map', 'utf8')).sources).toContain('../src/tools/getSipTrace.ts')
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

describe('the two ways of loading the tools\' code', () => {
  // The on-demand build with dynamic import() (the default), and the one-file build (for a platform without it), with and without import().
  const env = { API_USERNAME: 'test@example.com', MCP_RUNNABLE_SCRIPTS: 'reports' }
  const ways = {
    'on demand': bundleClient(sw.api, { env }),
    'one file': bundleClient(sw.api, { env, build: 'bundle' }),
    'one file, no import()': bundleClient(sw.api, { env, build: 'bundle', platform: { dynamicImport: false } })
  }
  const noImport = bundleClient(sw.api, { env, platform: { dynamicImport: false } })
  const initialize = { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'test', version: '1' } }
  const strip = (response: Record<string, unknown>) => ({ ...response, id: 0 })

  it('answer initialize, tools/list and prompts/list alike, and tools/list as the snapshots have it', async () => {
    const answers = await Promise.all(Object.values(ways).map(async way => [
      strip(await way.rpc('initialize', initialize)), strip(await way.rpc('tools/list')), strip(await way.rpc('prompts/list')), strip(await way.rpc('resources/list'))
    ]))
    for (const answer of answers.slice(1)) expect(answer).toEqual(answers[0])
    // Without import(), the on-demand front still answers what needs no tool code.
    expect([strip(await noImport.rpc('initialize', initialize)), strip(await noImport.rpc('tools/list'))]).toEqual(answers[0]!.slice(0, 2))
    const listed = (answers[0]![1] as unknown as { result: { tools: { name: string }[] } }).result.tools
    expect(listed.map(t => t.name)).toEqual(tools.map(t => t.name))
    for (const entry of listed as Record<string, unknown>[]) {
      const snapshot = JSON.parse(readFileSync(`test/snapshots/tools/${String(entry.name)}.json`, 'utf8')) as Record<string, unknown>
      expect({ name: entry.name, title: entry.title, description: entry.description, inputSchema: entry.inputSchema, annotations: entry.annotations }).toEqual(snapshot)
    }
  })

  it('run the same tools with the same answers, argument errors and unknown-tool errors included', async () => {
    const call = byScenario('timeout_408')
    const calls: [string, Record<string, unknown>][] = [
      ['getRtpServerGroups', {}],
      ['searchCallLogs', { search: call.callid }],
      ['getSipTrace', { callid: call.callid }],
      ['investigateCall', { callid: call.callid }],
      ['searchCustomers', { query: 'Acme' }],
      ['lookupRate', { number: '+44 7700 900123' }],
      ['lookupRate', { number: 'x' }],
      ['getProfitability', { currency: 'pounds' }],
      ['getCustomerBalance', { customerId: 'Acme Telecom' }]
    ]
    const first: Record<string, { result: Record<string, any>, isError: boolean }> = {}
    for (const [name, args] of calls) {
      const answers = await Promise.all(Object.values(ways).map(way => way.callTool(name, args)))
      for (const answer of answers.slice(1)) expect(answer, name).toEqual(answers[0])
      first[name] ??= answers[0]!
    }
    expect(first.getRtpServerGroups!.result.summary).toBe('11 media zones, 10 active; not active: Canada (Toronto).')
    expect([first.getSipTrace!.isError, first.getSipTrace!.result.outcome.final_response.code, first.investigateCall!.isError]).toEqual([false, 408, false])
    const unknown = await Promise.all(Object.values(ways).map(async way => strip(await way.rpc('tools/call', { name: 'getSipTrac', arguments: {} }))))
    expect(unknown[0]).toEqual({ jsonrpc: '2.0', id: 0, error: { code: -32602, message: 'Unknown tool: getSipTrac; did you mean getSipTrace? (tools/list lists them)' } })
    for (const answer of unknown.slice(1)) expect(answer).toEqual(unknown[0])
    expect((await ways['one file'].callTool('getProfitability', { currency: 'pounds' })).result.error).toMatchObject({ type: 'invalid_argument', parameter: 'currency' })
  })

  it('say what to deploy when the platform cannot import() a tool\'s file, and still check arguments first', async () => {
    expect(await noImport.callTool('getRtpServerGroups', {})).toEqual({
      isError: true,
      result: {
        summary: 'Configuration error',
        error: {
          type: 'configuration',
          message: `The code of getRtpServerGroups could not be loaded on this platform (Cannot load './mcpGetRtpServerGroups': ${NO_DYNAMIC_IMPORT}). ` +
            'This build loads each tool\'s file with import() on its first call; deploy the one-file build instead: set "loading": "bundle" in cx.config.json, then npm run deploy.'
        }
      }
    })
    expect((await noImport.callTool('getSipTrace', { callid: 42 })).result.error).toMatchObject({ type: 'invalid_argument', parameter: 'callid' })
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
