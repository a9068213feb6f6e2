import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { docPage, docPaths } from '../../platform/switch/docs'
import { REFERENCE_TABLES } from '../../src/analysis/referenceTables'
import { INSTRUCTIONS } from '../../src/mcp'
import { PROMPTS } from '../../src/prompts'
import { tools as registered } from '../../src/tools/index'
import { testSwitch } from '../helpers/platform'
import { FIXED_ARGS, startServer, type RunningServer } from '../helpers/server'

const sw = testSwitch()
let server: RunningServer
let client: Client

beforeAll(async () => {
  server = await startServer(['--port', '0', ...FIXED_ARGS])
  client = new Client({ name: 'protocol-test', version: '1.0.0' })
  await client.connect(new StreamableHTTPClientTransport(new URL(server.url)))
})

afterAll(async () => {
  await client?.close()
  await server?.stop()
})

const text = (result: unknown): Record<string, any> => JSON.parse((result as { content: { text: string }[] }).content[0]!.text)

function post (body: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(server.url, { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', ...headers }, body })
}

describe('npm start over Streamable HTTP, with the official SDK client', () => {
  it('prints a ready-to-paste VS Code mcp.json snippet', () => {
    expect(server.stdout()).toContain(JSON.stringify({ servers: { 'connexcs-local': { type: 'http', url: server.url } } }, null, 2))
  })

  it('then three questions to try, with a failed call and a customer of the switch', () => {
    const codec = sw.data.scenarios.find(s => s.id === 'codec_488')!.calls[0]!
    const customer = sw.data.customers.find(c => c.name === 'Cobalt Communications')!
    expect(server.stdout()).toContain(`
Then ask, for example:
  Why did call ${codec.callid} fail?
  How did customer Cobalt Communications (id ${customer.id}) do over the last 7 days: ASR, ACD and the main failure codes?
  List customer ${customer.id}'s answered calls from yesterday, longest first.
`)
    // The call is the switch's, failed with the scenario's code; the customer is its busiest of the day.
    expect(sw.data.calls.find(c => c.callid === codec.callid)).toMatchObject({ sip_code: 488, scenario: 'codec_488' })
    const since = sw.data.now_ms - 86_400_000
    const counts = new Map<number, number>()
    for (const c of sw.data.calls.filter(c => c.start_ms >= since && c.customer_id !== 0)) counts.set(c.customer_id, (counts.get(c.customer_id) ?? 0) + 1)
    expect(counts.get(customer.id)).toBe(Math.max(...counts.values()))
  })

  it('initializes and knows the server', () => {
    expect(client.getServerVersion()).toEqual({ name: 'ConnexCS', version: '0.1.0' })
    expect(client.getServerCapabilities()).toEqual({ tools: { listChanged: false }, resources: { listChanged: false, subscribe: false }, prompts: { listChanged: false } })
  })

  it('lists the tools', async () => {
    const { tools } = await client.listTools()
    expect(tools.map(t => t.name)).toEqual(registered.map(t => t.name))
    expect(tools.find(t => t.name === 'getSipTrace')!.inputSchema.required).toEqual(['callid'])
    // Titles and annotations come from main's front: addTool has no place for them.
    expect(tools.map(t => [t.name, t.title, t.annotations?.readOnlyHint])).toEqual(registered.map(t => [t.name, t.title, true]))
  })

  it('gives the instructions, which the front adds to initialize', () => {
    expect(client.getInstructions()).toBe(INSTRUCTIONS)
  })

  it('calls every tool', async () => {
    const call = sw.data.calls[0]!
    const logs = text(await client.callTool({ name: 'searchCallLogs', arguments: { search: call.callid } }))
    expect(logs.calls[0].callid).toBe(call.callid)
    const trace = text(await client.callTool({ name: 'getSipTrace', arguments: { callid: call.callid } }))
    expect(trace.outcome.final_response).toEqual({ code: call.sip_code, reason: call.sip_reason })
    const zones = text(await client.callTool({ name: 'getRtpServerGroups', arguments: {} }))
    expect(zones.summary).toBe('11 media zones, 10 active; not active: Canada (Toronto).')
  })

  it('lists and gets the prompts', async () => {
    const { prompts } = await client.listPrompts()
    expect(prompts.map(p => p.name)).toEqual(PROMPTS.map(p => p.name))
    const got = await client.getPrompt({ name: 'investigate-call', arguments: { call: sw.data.calls[0]!.callid } })
    expect(got.messages[0]!.content).toMatchObject({ type: 'text', text: expect.stringContaining(`1. Call investigateCall with callid: "${sw.data.calls[0]!.callid}".`) })
    await expect(client.getPrompt({ name: 'top-revenue-calls', arguments: {} })).rejects.toMatchObject({ code: -32602 })
  })

  it('lists and reads the resources: documentation pages and reference tables', async () => {
    const { resources } = await client.listResources()
    expect(resources.map(r => r.uri)).toEqual([...docPaths().map(p => `connexcs-docs://${p}`), ...REFERENCE_TABLES.map(t => t.uri)])
    const page = await client.readResource({ uri: 'connexcs-docs://did/provisioning' })
    expect(page.contents).toEqual([{ uri: 'connexcs-docs://did/provisioning', mimeType: 'text/markdown', text: docPage('did/provisioning') }])
    const table = await client.readResource({ uri: 'connexcs-reference://sip-response-codes' })
    expect(table.contents[0]).toMatchObject({ mimeType: 'text/markdown', text: REFERENCE_TABLES[0]!.render() })
    await expect(client.readResource({ uri: 'connexcs-docs://no/such-page' })).rejects.toMatchObject({ code: -32002 })
  })

  it('has no runScriptForgeFunction unless MCP_RUNNABLE_SCRIPTS lists scripts', async () => {
    expect((await client.listTools()).tools.map(t => t.name)).not.toContain('runScriptForgeFunction')
  })

  it('answers an unknown tool with JSON-RPC error -32602', async () => {
    await expect(client.callTool({ name: 'getCTrace', arguments: {} })).rejects.toMatchObject({ code: -32602, message: expect.stringContaining('Unknown tool: getCTrace') })
  })

  it('reports a missing or mistyped argument as a tool error naming it', async () => {
    // The front validates before the emulated platform would answer its own plain text.
    const missing = await client.callTool({ name: 'getSipTrace', arguments: {} })
    expect([missing.isError, text(missing).error]).toEqual([true, {
      type: 'invalid_argument', parameter: 'callid', message: 'callid is required: SIP Call-ID of the call, as searchCallLogs returns it (callid).'
    }])
    const mistyped = await client.callTool({ name: 'searchCallLogs', arguments: { search: 'x', limit: '5' } })
    expect([mistyped.isError, text(mistyped).error]).toEqual([true, {
      type: 'invalid_argument', parameter: 'limit', message: 'limit must be a number, got the string "5"; send it as a JSON number: 5.'
    }])
  })

  it('answers a malformed body with 400 and -32700', async () => {
    const response = await post('{"jsonrpc": "2.0", "id": 1, "method": ')
    expect(response.status).toBe(400)
    expect(await response.json()).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32700 } })
  })

  it('refuses a foreign Origin with 403', async () => {
    const response = await post('{"jsonrpc":"2.0","id":1,"method":"ping"}', { Origin: 'https://evil.example.com' })
    expect(response.status).toBe(403)
    expect(((await response.json()) as { error: { message: string } }).error.message).toBe('Forbidden: Origin https://evil.example.com is not allowed; this local server only accepts localhost origins')
    expect((await post('{"jsonrpc":"2.0","id":1,"method":"ping"}', { Origin: 'http://localhost:5173' })).status).toBe(200)
  })

  it('accepts a notification with 202, refuses GET with 405, and an unknown protocol version with 400', async () => {
    const notification = await post('{"jsonrpc":"2.0","method":"notifications/initialized"}')
    expect([notification.status, await notification.text()]).toEqual([202, ''])
    const get = await fetch(server.url, { headers: { Accept: 'text/event-stream' } })
    expect([get.status, get.headers.get('allow')]).toEqual([405, 'POST'])
    const old = await post('{"jsonrpc":"2.0","id":1,"method":"ping"}', { 'MCP-Protocol-Version': '2024-01-01' })
    expect(old.status).toBe(400)
    expect(((await old.json()) as { error: { message: string } }).error.message)
      .toBe('Unsupported MCP-Protocol-Version 2024-01-01; this server speaks 2025-11-25, 2025-06-18, 2025-03-26')
    for (const version of ['2025-03-26', '2025-06-18', '2025-11-25']) {
      expect((await post('{"jsonrpc":"2.0","id":1,"method":"ping"}', { 'MCP-Protocol-Version': version })).status).toBe(200)
    }
  })
})

/** The SDK's transport, offering another protocol version in `initialize` than the SDK's latest. */
class OfferingTransport extends StreamableHTTPClientTransport {
  readonly offered: string
  readonly sent: JSONRPCMessage[] = []

  constructor (url: URL, offered: string) {
    super(url)
    this.offered = offered
  }

  override async send (message: JSONRPCMessage, options?: Parameters<StreamableHTTPClientTransport['send']>[1]): Promise<void> {
    const out = 'method' in message && message.method === 'initialize' ? { ...message, params: { ...message.params, protocolVersion: this.offered } } : message
    this.sent.push(out)
    return super.send(out, options)
  }
}

describe('protocol revision 2025-03-26', () => {
  it('is what the official SDK client gets when it offers it, and the client then speaks it', async () => {
    const transport = new OfferingTransport(new URL(server.url), '2025-03-26')
    const older = new Client({ name: 'protocol-test-2025-03-26', version: '1.0.0' })
    await older.connect(transport)
    try {
      expect(transport.sent[0]).toMatchObject({ method: 'initialize', params: { protocolVersion: '2025-03-26' } })
      // The SDK sets the negotiated version as the MCP-Protocol-Version header of every later request.
      expect(transport.protocolVersion).toBe('2025-03-26')
      expect((await older.listTools()).tools.map(t => t.name)).toEqual(registered.map(t => t.name))
      expect(text(await older.callTool({ name: 'getRtpServerGroups', arguments: {} })).zones).toHaveLength(11)
    } finally {
      await older.close()
    }
  })
})

/** `npm start` with one more flag, and a client of it: `run` gets the client and the server's output so far. */
async function withFlag (flag: string, run: (client: Client, stdout: string) => Promise<void>): Promise<void> {
  const flagged = await startServer(['--port', '0', flag, ...FIXED_ARGS])
  const client = new Client({ name: `protocol-test${flag}`, version: '1.0.0' })
  try {
    await client.connect(new StreamableHTTPClientTransport(new URL(flagged.url)))
    await run(client, flagged.stdout())
  } finally {
    await client.close()
    await flagged.stop()
  }
}

describe('npm start -- --platform-no-validation', () => {
  it('says so, and the emulated platform hands a mistyped argument to the server, whose own error names it', async () => {
    await withFlag('--platform-no-validation', async (client, stdout) => {
      expect(stdout).toContain('\nThe emulated cxMcpServer does not check arguments before the handler.\n')
      const answer = await client.callTool({ name: 'getSipTrace', arguments: { callid: false } })
      expect(answer.isError).toBe(true)
      expect(text(answer).error).toMatchObject({ type: 'invalid_argument', parameter: 'callid' })
    })
  })
})

describe('npm start -- --platform-no-import', () => {
  it('says so; the on-demand build lists its tools, and a tools/call says to deploy the one-file build', async () => {
    await withFlag('--platform-no-import', async (client, stdout) => {
      expect(stdout).toContain('\nThe emulated platform has no dynamic import(): every tools/call fails until cx.config.json says "loading": "bundle".\n')
      expect((await client.listTools()).tools.map(t => t.name)).toEqual(registered.map(t => t.name))
      const answer = await client.callTool({ name: 'getRtpServerGroups', arguments: {} })
      expect(answer.isError).toBe(true)
      expect(text(answer).error).toMatchObject({ type: 'configuration' })
      expect(text(answer).error.message).toContain('set "loading": "bundle" in cx.config.json, then npm run deploy.')
    })
  })
})
