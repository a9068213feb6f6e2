import { spawn } from 'node:child_process'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { docPage, docPaths } from '../../platform/switch/docs'
import { REFERENCE_TABLES } from '../../src/analysis/referenceTables'
import { PROMPTS } from '../../src/prompts'
import { tools as registered } from '../../src/tools/index'
import { testSwitch } from '../helpers/platform'
import { FIXED_ARGS, ROOT } from '../helpers/server'

// The command a client config uses: --silent keeps npm's own banner off stdout.
const COMMAND = ['--silent', 'start', '--', '--stdio', ...FIXED_ARGS]

const sw = testSwitch()
let client: Client

beforeAll(async () => {
  client = new Client({ name: 'stdio-test', version: '1.0.0' })
  // A local app with one more script, which the app's MCP_RUNNABLE_SCRIPTS lets runScriptForgeFunction run.
  const args = [...COMMAND, '--script', 'test/fixtures/scripts/hello.js']
  const env = { ...getDefaultEnvironment(), MCP_RUNNABLE_SCRIPTS: 'hello:add' }
  await client.connect(new StdioClientTransport({ command: 'npm', args, cwd: ROOT, env, stderr: 'ignore' }))
})

afterAll(async () => {
  await client?.close()
})

const text = (result: unknown): Record<string, any> => JSON.parse((result as { content: { text: string }[] }).content[0]!.text)

describe('npm start -- --stdio, with the official SDK client', () => {
  it('initializes, lists and calls every tool', async () => {
    expect(client.getServerVersion()).toEqual({ name: 'ConnexCS', version: '0.1.0' })
    expect((await client.listTools()).tools.map(t => t.name)).toEqual([...registered.map(t => t.name), 'runScriptForgeFunction'])
    const call = sw.data.calls[1]!
    expect(text(await client.callTool({ name: 'searchCallLogs', arguments: { search: call.callid } })).total).toBe(1)
    expect(text(await client.callTool({ name: 'getSipTrace', arguments: { callid: call.callid } })).outcome.final_response.code).toBe(call.sip_code)
    expect(text(await client.callTool({ name: 'getRtpServerGroups', arguments: {} })).zones).toHaveLength(11)
  })

  it('lists and gets the prompts, lists and reads the resources', async () => {
    expect((await client.listPrompts()).prompts.map(p => p.name)).toEqual(PROMPTS.map(p => p.name))
    const report = await client.getPrompt({ name: 'monthly-health-report', arguments: { month: '2026-10' } })
    expect(report.messages[0]!.content).toMatchObject({ type: 'text', text: expect.stringContaining('start_date: "2026-10-01", end_date: "2026-10-31"') })
    expect((await client.listResources()).resources.map(r => r.uri)).toEqual([...docPaths().map(p => `connexcs-docs://${p}`), ...REFERENCE_TABLES.map(t => t.uri)])
    expect((await client.readResource({ uri: 'connexcs-docs://customer/did' })).contents[0]).toMatchObject({ text: docPage('customer/did') })
    expect((await client.readResource({ uri: 'connexcs-reference://q850-causes' })).contents[0]).toMatchObject({ text: REFERENCE_TABLES[1]!.render() })
  })

  it('runs the script the app allows on the local platform, and refuses any other', async () => {
    const ran = text(await client.callTool({ name: 'runScriptForgeFunction', arguments: { script: 'hello', function: 'add', body: '{"a": 1, "b": 2}' } }))
    expect(ran).toMatchObject({ ok: true, result: { sum: 3, app: '1' }, console: [{ level: 'info', text: 'adding 1 and 2' }, { level: 'warn', text: 'numbers only' }] })
    const refused = await client.callTool({ name: 'runScriptForgeFunction', arguments: { script: 'hello', function: 'main' } }) as { isError: boolean, content: { text: string }[] }
    expect([refused.isError, JSON.parse(refused.content[0]!.text).error.message])
      .toEqual([true, 'hello.main is not runnable here; of hello, MCP_RUNNABLE_SCRIPTS allows add. Runnable: hello (add)'])
    const own = await client.callTool({ name: 'runScriptForgeFunction', arguments: { script: 'mcp' } }) as { isError: boolean }
    expect(own.isError).toBe(true)
  })

  it('answers an unknown tool with -32602, and bad arguments with a tool error', async () => {
    await expect(client.callTool({ name: 'nope', arguments: {} })).rejects.toMatchObject({ code: -32602 })
    const mistyped = await client.callTool({ name: 'getSipTrace', arguments: { callid: false } }) as { isError: boolean, content: { text: string }[] }
    expect([mistyped.isError, JSON.parse(mistyped.content[0]!.text).error]).toEqual([true, {
      type: 'invalid_argument', parameter: 'callid', message: 'callid must be a string, got boolean false; send it as a JSON string.'
    }])
    expect(await client.callTool({ name: 'getSipTrace', arguments: {} })).toMatchObject({ isError: true })
  })
})

describe('stdout of the stdio server', () => {
  it('carries nothing but protocol messages, one per line; logs go to stderr', async () => {
    const child = spawn('npm', COMMAND, { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', chunk => (stdout += String(chunk)))
    child.stderr.on('data', chunk => (stderr += String(chunk)))
    const messages = [
      { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } },
      { jsonrpc: '2.0', method: 'notifications/initialized' },
      { jsonrpc: '2.0', id: 2, method: 'tools/list' },
      { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'getSipTrace', arguments: { callid: sw.data.calls[0]!.callid } } },
      { jsonrpc: '2.0', id: 4, method: 'ping' }
    ]
    child.stdin.write(messages.map(m => JSON.stringify(m)).join('\n') + '\n{not json}\n')
    child.stdin.end()
    const code = await new Promise<number | null>(done => child.once('exit', done))
    expect(code).toBe(0)
    const lines = stdout.split('\n').filter(line => line !== '')
    const parsed = lines.map(line => JSON.parse(line) as { jsonrpc: string, id: unknown })
    expect(parsed.every(m => m.jsonrpc === '2.0')).toBe(true)
    expect(parsed.map(m => m.id).toSorted()).toEqual([1, 2, 3, 4, null])
    expect(parsed.find(m => m.id === null)).toMatchObject({ error: { code: -32700 } })
    expect(stderr).toContain('ConnexCS MCP server on stdio')
    expect(stderr).toContain('stdio: tools/call getSipTrace')
  })
})
