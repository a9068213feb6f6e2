import { describe, expect, it } from 'vitest'
import { INSTRUCTIONS } from '../../src/mcp'
import { tools } from '../../src/tools/index'
import { bundleClient, switchClock, testSwitch } from '../helpers/platform'

// The MCP front of main(data), through the bundle in QuickJS: what the platform's cxMcpServer
// cannot do, main does (README, "Architecture").
const sw = testSwitch()
const client = bundleClient(sw.api)
const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10)

describe('the MCP front in main(data)', () => {
  it('lists every tool with its title and read-only annotations', async () => {
    const listed = (await client.rpc('tools/list')).result.tools as Record<string, any>[]
    expect(listed.map(t => [t.name, t.title, t.annotations])).toEqual(tools.map(t => [t.name, t.title, {
      title: t.title, readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false
    }]))
  })

  it('gives the instructions in initialize, whatever protocol revision the client asks for', async () => {
    const init = await client.rpc('initialize', { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } })
    expect([init.result.protocolVersion, init.result.instructions]).toEqual(['2025-06-18', INSTRUCTIONS])
    expect(INSTRUCTIONS.split('\n').length).toBeLessThanOrEqual(8)
    for (const name of ['searchCallLogs', 'investigateCall', 'getCallAnalytics', 'searchCdr']) expect(INSTRUCTIONS).toContain(name)
  })

  it('answers an unknown tool with the JSON-RPC error and the nearest name', async () => {
    expect(await client.rpc('tools/call', { name: 'getSipTrac', arguments: { callid: 'x' } })).toEqual({
      jsonrpc: '2.0', id: expect.any(Number), error: { code: -32602, message: 'Unknown tool: getSipTrac; did you mean getSipTrace? (tools/list lists them)' }
    })
    const long = await client.rpc('tools/call', { name: 'x'.repeat(100_000), arguments: {} })
    expect(long.error.message).toBe(`Unknown tool: ${'x'.repeat(60)}… (tools/list lists them)`)
  })

  it('refuses bad arguments with our JSON error naming the parameter, before the platform sees them', async () => {
    expect(await client.callTool('getCallAnalytics', { group_by: 'week' })).toEqual({
      isError: true,
      result: {
        summary: 'Invalid argument: group_by',
        error: { type: 'invalid_argument', message: 'group_by must be one of \'day\', \'hour\', \'carrier\', \'customer\', \'destination\'; got the string "week".', parameter: 'group_by' }
      }
    })
    expect(await client.callTool('searchCdr', { limit: '5' })).toEqual({
      isError: true,
      result: { summary: 'Invalid argument: limit', error: { type: 'invalid_argument', message: 'limit must be a number, got the string "5"; send it as a JSON number: 5.', parameter: 'limit' } }
    })
  })
})

describe('the prior art\'s parameter names', () => {
  const answered = sw.data.calls.find(c => c.sip_code === 200 && c.customer_id > 0)!
  const date = day(answered.start_ms)

  it('searchCdr takes dst as the exact number dialled, and a limit beyond a page', async () => {
    const old = await client.callTool('searchCdr', { start_date: date, dst: answered.dest_number, limit: 1000 })
    const now = await client.callTool('searchCdr', { start_date: date, dest_number: answered.dest_number, limit: 50 })
    expect(old).toEqual(now)
    expect(old.result.calls.map((c: { callid: string }) => c.callid)).toContain(answered.callid)
  })

  it('getCallAnalytics takes dst, and listRtpServers geozone', async () => {
    const old = await client.callTool('getCallAnalytics', { start_date: date, dst: answered.dest_number })
    const now = await client.callTool('getCallAnalytics', { start_date: date, dest_prefix: answered.dest_number })
    expect([old.isError, old]).toEqual([false, now])
    expect(old.result.filters).toEqual({ dest_prefix: answered.dest_number })
    expect(await client.callTool('listRtpServers', { geozone: 'London' })).toEqual(await client.callTool('listRtpServers', { zone: 'London' }))
  })

  it('lets the new name win when both are given, and still refuses what neither tool knows', async () => {
    const both = await client.callTool('searchCdr', { start_date: date, dst: '999', dest_number: answered.dest_number })
    expect(both.result.filters).toEqual({ dest_number: answered.dest_number })
    const unknown = await client.callTool('searchCdr', { start_date: date, dstt: '1' })
    expect([unknown.isError, unknown.result.error.parameter]).toEqual([true, 'dstt'])
  })
})

describe('the front on either platform behaviour', () => {
  const call = sw.data.scenarios.find(x => x.id === 'no_route')!.calls[0]!
  const clients = {
    'validates first, passes results through': client,
    'passes arguments unchecked': bundleClient(sw.api, { platform: { validatesFirst: false } }),
    'wraps results again': bundleClient(sw.api, { platform: { wrapsResults: true } }),
    'does both': bundleClient(sw.api, { platform: { validatesFirst: false, wrapsResults: true } })
  }

  for (const [how, c] of Object.entries(clients)) {
    it(`answers the same when the platform ${how}`, async () => {
      expect(await c.callTool('getSipTrace', { callid: 42 })).toEqual({
        isError: true,
        result: { summary: 'Invalid argument: callid', error: { type: 'invalid_argument', message: 'callid must be a string, got number 42; send it as a JSON string.', parameter: 'callid' } }
      })
      const answer = await c.rpc('tools/call', { name: 'getSipTrace', arguments: { callid: call.callid } })
      expect(answer).toEqual(await client.rpc('tools/call', { name: 'getSipTrace', arguments: { callid: call.callid } }).then(r => ({ ...r, id: answer.id })))
      expect(JSON.parse(answer.result.content[0].text).callid).toBe(call.callid)
      // A tool error keeps isError through a wrapping platform.
      const failed = await c.rpc('tools/call', { name: 'getCallAnalytics', arguments: { start_date: '2026-11-24', end_date: '2026-11-01' } })
      expect([failed.result.isError, JSON.parse(failed.result.content[0].text).error.parameter]).toEqual([true, 'end_date'])
    })
  }
})

describe('the clock of the request', () => {
  it('ends every default range at the day of the switch\'s --now, not the host\'s', async () => {
    const nowMs = Date.UTC(2026, 9, 14, 9, 30)
    const early = testSwitch(1, nowMs)
    const at = bundleClient(early.api, { clock: switchClock(nowMs) })
    const analytics = await at.callTool('getCallAnalytics', {})
    expect(analytics.result.range).toEqual({ start_date: '2026-10-08', end_date: '2026-10-14' })
    const cdr = await at.callTool('searchCdr', {})
    expect(cdr.result.range).toEqual({ start_date: '2026-10-14', end_date: '2026-10-14' })
    const old = early.data.calls.find(c => c.start_ms < nowMs - 8 * 86_400_000 && c.start_ms > nowMs - 13 * 86_400_000)!
    const investigated = await at.callTool('investigateCall', { callid: old.callid })
    expect(investigated.result.parts.trace).toBe('none')
    expect(investigated.result.summary).toContain(`(the call is ${Math.floor((nowMs - old.start_ms) / 86_400_000)} days old; traces are kept 7 days)`)
  })
})
