import { spawn } from 'node:child_process'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tools as registered } from '../../src/tools/index'
import { testSwitch } from '../helpers/platform'
import { FIXED_ARGS, ROOT } from '../helpers/server'

// The command a client config uses: --silent keeps npm's own banner off stdout.
const COMMAND = ['--silent', 'start', '--', '--stdio', ...FIXED_ARGS]

const sw = testSwitch()
let client: Client

beforeAll(async () => {
  client = new Client({ name: 'stdio-test', version: '1.0.0' })
  await client.connect(new StdioClientTransport({ command: 'npm', args: COMMAND, cwd: ROOT, env: getDefaultEnvironment(), stderr: 'ignore' }))
})

afterAll(async () => {
  await client?.close()
})

const text = (result: unknown): Record<string, any> => JSON.parse((result as { content: { text: string }[] }).content[0]!.text)

describe('npm start -- --stdio, with the official SDK client', () => {
  it('initializes, lists and calls every tool', async () => {
    expect(client.getServerVersion()).toEqual({ name: 'ConnexCS', version: '0.1.0' })
    expect((await client.listTools()).tools.map(t => t.name)).toEqual(registered.map(t => t.name))
    const call = sw.data.calls[1]!
    expect(text(await client.callTool({ name: 'searchCallLogs', arguments: { search: call.callid } })).total).toBe(1)
    expect(text(await client.callTool({ name: 'getSipTrace', arguments: { callid: call.callid } })).outcome.final_response.code).toBe(call.sip_code)
    expect(text(await client.callTool({ name: 'getRtpServerGroups', arguments: {} })).zones).toHaveLength(11)
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
