import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DEFAULT_PLATFORM_BEHAVIOUR, McpServer, platformBehaviour, setPlatformBehaviour } from '../../platform/scriptforge/builtins/cxMcpServer'

let server: McpServer

beforeEach(() => {
  server = new McpServer('Test', '2.0.0')
  server.addTool('lookup', 'Looks a call up.', args => ({ found: args.callid }))
    .addParameter('callid', 'string', 'Call-ID.', true)
    .addParameter('limit', 'number', 'Rows.', false, 10)
    .addParameter('kind', 'string', 'Kind.', false, null, { enum: ['a', 'b'] })
  server.addTool('explode', 'Always throws.', () => {
    throw new Error('boom')
  })
  server.addTool('typed', 'Returns an MCP result.', () => ({ content: [{ type: 'text', text: 'hi' }], isError: true }))
  server.addResource('cx://guide', 'Guide', () => '# Guide', { mimeType: 'text/markdown', description: 'How to.' })
})

const rpc = (method: string, params?: unknown, id: unknown = 1) => server.handle({ jsonrpc: '2.0', id, method, ...(params === undefined ? {} : { params }) })

describe('initialize', () => {
  it('echoes a protocol version it speaks', async () => {
    for (const version of ['2025-03-26', '2025-06-18', '2025-11-25']) {
      expect(await rpc('initialize', { protocolVersion: version, capabilities: {}, clientInfo: { name: 'c', version: '1' } })).toEqual({
        jsonrpc: '2.0',
        id: 1,
        result: {
          protocolVersion: version,
          capabilities: { tools: { listChanged: false }, resources: { listChanged: false, subscribe: false } },
          serverInfo: { name: 'Test', version: '2.0.0' }
        }
      })
    }
  })

  it('offers its latest version when the client asks for another', async () => {
    const answer = await rpc('initialize', { protocolVersion: '2024-11-05', capabilities: {} }) as { result: { protocolVersion: string } }
    expect(answer.result.protocolVersion).toBe('2025-11-25')
  })

  it('refuses an initialize without a protocol version', async () => {
    expect(await rpc('initialize', {})).toEqual({ jsonrpc: '2.0', id: 1, error: { code: -32602, message: 'initialize: params.protocolVersion must be a string' } })
  })
})

describe('JSON-RPC framing', () => {
  it('answers notifications and client responses with null', async () => {
    expect(await server.handle({ jsonrpc: '2.0', method: 'notifications/initialized' })).toBeNull()
    expect(await server.handle({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 1 } })).toBeNull()
    expect(await server.handle({ jsonrpc: '2.0', id: 5, result: {} })).toBeNull()
  })

  it('answers ping with an empty result', async () => {
    expect(await rpc('ping', undefined, 'abc')).toEqual({ jsonrpc: '2.0', id: 'abc', result: {} })
  })

  it('rejects what is not a JSON-RPC request with -32600', async () => {
    const invalid = { jsonrpc: '2.0', id: null, error: { code: -32600, message: 'Invalid Request: expected a JSON-RPC 2.0 object with "jsonrpc": "2.0"' } }
    expect(await server.handle({ id: 1, method: 'ping' })).toEqual(invalid)
    expect(await server.handle('ping')).toEqual(invalid)
    expect(await server.handle([{ jsonrpc: '2.0', id: 1, method: 'ping' }])).toEqual({
      jsonrpc: '2.0', id: null, error: { code: -32600, message: 'Batches are not supported (removed in MCP 2025-06-18); send one JSON-RPC message per request' }
    })
    expect(await server.handle({ jsonrpc: '2.0', id: null, method: 'ping' })).toEqual({ jsonrpc: '2.0', id: null, error: { code: -32600, message: 'Invalid Request: "id" must be a string or an integer' } })
    expect(await server.handle({ jsonrpc: '2.0', id: 1.5, method: 'ping' })).toEqual({ jsonrpc: '2.0', id: null, error: { code: -32600, message: 'Invalid Request: "id" must be a string or an integer' } })
  })

  it('answers an unknown method with -32601 and bad params with -32602', async () => {
    expect(await rpc('prompts/list')).toEqual({ jsonrpc: '2.0', id: 1, error: { code: -32601, message: 'Method not found: prompts/list' } })
    expect(await rpc('tools/list', [1])).toEqual({ jsonrpc: '2.0', id: 1, error: { code: -32602, message: 'Invalid params: "params" must be an object' } })
    expect(await rpc('tools/list', { cursor: 'x' })).toEqual({ jsonrpc: '2.0', id: 1, error: { code: -32602, message: 'tools/list: invalid cursor (the list has a single page)' } })
  })
})

describe('tools', () => {
  it('lists each tool with a JSON Schema built from its parameters', async () => {
    const answer = await rpc('tools/list') as { result: { tools: unknown[] } }
    expect(answer.result.tools[0]).toEqual({
      name: 'lookup',
      description: 'Looks a call up.',
      inputSchema: {
        type: 'object',
        properties: {
          callid: { type: 'string', description: 'Call-ID.' },
          limit: { type: 'number', description: 'Rows.', default: 10 },
          kind: { type: 'string', description: 'Kind.', enum: ['a', 'b'] }
        },
        required: ['callid']
      }
    })
    expect(answer.result.tools[1]).toEqual({ name: 'explode', description: 'Always throws.', inputSchema: { type: 'object', properties: {} } })
  })

  it('wraps a plain handler result as JSON text and passes an MCP result through', async () => {
    expect(await rpc('tools/call', { name: 'lookup', arguments: { callid: 'c1' } })).toEqual({ jsonrpc: '2.0', id: 1, result: { content: [{ type: 'text', text: '{"found":"c1"}' }] } })
    expect(await rpc('tools/call', { name: 'typed' })).toEqual({ jsonrpc: '2.0', id: 1, result: { content: [{ type: 'text', text: 'hi' }], isError: true } })
  })

  it('answers an unknown tool with -32602', async () => {
    expect(await rpc('tools/call', { name: 'nope', arguments: {} })).toEqual({ jsonrpc: '2.0', id: 1, error: { code: -32602, message: 'Unknown tool: nope' } })
    expect(await rpc('tools/call', { arguments: {} })).toEqual({ jsonrpc: '2.0', id: 1, error: { code: -32602, message: 'tools/call: params.name must be a string' } })
  })

  it('reports missing and mistyped arguments as a tool error naming each parameter', async () => {
    expect(await rpc('tools/call', { name: 'lookup', arguments: { limit: 'ten', kind: 'c' } })).toEqual({
      jsonrpc: '2.0',
      id: 1,
      result: {
        content: [{ type: 'text', text: 'Missing required argument "callid" (string): Call-ID.\nArgument "limit" must be a number, got string\nArgument "kind" must be one of "a", "b", got "c"' }],
        isError: true
      }
    })
  })

  it('turns an exception in a handler into a tool error', async () => {
    expect(await rpc('tools/call', { name: 'explode', arguments: {} })).toEqual({ jsonrpc: '2.0', id: 1, result: { content: [{ type: 'text', text: 'Tool explode failed: boom' }], isError: true } })
  })

  it('validates registrations and removes tools', () => {
    expect(() => server.addTool('lookup', 'Again.', () => 1)).toThrow('addTool: a tool named lookup already exists')
    expect(() => server.addTool('x', '', () => 1)).toThrow('addTool(x): description must be a non-empty string')
    expect(() => server.addTool('y', 'Y.', () => 1).addParameter('p', 'date', 'P.')).toThrow('addParameter(p): type must be one of string, number, integer, boolean, array, object')
    expect(() => new McpServer('')).toThrow('McpServer: name must be a non-empty string')
    expect(server.removeTool('explode')).toBe(true)
    expect(server.removeTool('explode')).toBe(false)
    expect(server.tools.map(t => t.name)).toEqual(['lookup', 'typed', 'y'])
  })
})

describe('the platform behaviours nobody knows (setPlatformBehaviour)', () => {
  afterEach(() => {
    setPlatformBehaviour(undefined)
    delete (globalThis as { __cxHost?: unknown }).__cxHost
  })

  it('defaults to passing results through and checking arguments first', () => {
    expect(DEFAULT_PLATFORM_BEHAVIOUR).toEqual({ wrapsResults: false, validatesFirst: true })
    expect(platformBehaviour()).toEqual({ wrapsResults: false, validatesFirst: true })
  })

  it('wraps a returned tool result as JSON text, without its isError, when wrapsResults', async () => {
    expect(setPlatformBehaviour({ wrapsResults: true })).toEqual({ wrapsResults: true, validatesFirst: true })
    expect(await rpc('tools/call', { name: 'typed' })).toEqual({
      jsonrpc: '2.0', id: 1, result: { content: [{ type: 'text', text: '{"content":[{"type":"text","text":"hi"}],"isError":true}' }] }
    })
    expect(await rpc('tools/call', { name: 'lookup', arguments: { callid: 'c1' } })).toEqual({ jsonrpc: '2.0', id: 1, result: { content: [{ type: 'text', text: '{"found":"c1"}' }] } })
    expect(await rpc('tools/call', { name: 'explode', arguments: {} })).toEqual({ jsonrpc: '2.0', id: 1, result: { content: [{ type: 'text', text: 'Tool explode failed: boom' }], isError: true } })
  })

  it('hands unchecked arguments to the handler when not validatesFirst', async () => {
    setPlatformBehaviour({ validatesFirst: false })
    expect(await rpc('tools/call', { name: 'lookup', arguments: { callid: 5, limit: 'ten', kind: 'c' } })).toEqual({ jsonrpc: '2.0', id: 1, result: { content: [{ type: 'text', text: '{"found":5}' }] } })
    expect(await rpc('tools/call', { name: 'lookup', arguments: 'x' })).toEqual({ jsonrpc: '2.0', id: 1, error: { code: -32602, message: 'tools/call: params.arguments must be an object' } })
  })

  it('reads the host\'s setting from __cxHost.platform, and a setter wins over it', () => {
    (globalThis as { __cxHost?: unknown }).__cxHost = { platform: { validatesFirst: false } }
    expect(platformBehaviour()).toEqual({ wrapsResults: false, validatesFirst: false })
    setPlatformBehaviour({ validatesFirst: true, wrapsResults: true })
    expect(platformBehaviour()).toEqual({ wrapsResults: true, validatesFirst: true })
    setPlatformBehaviour(undefined)
    expect(platformBehaviour()).toEqual({ wrapsResults: false, validatesFirst: false })
  })
})

describe('resources', () => {
  it('lists and reads resources; an unknown URI is -32002', async () => {
    expect(await rpc('resources/list')).toEqual({ jsonrpc: '2.0', id: 1, result: { resources: [{ uri: 'cx://guide', name: 'Guide', description: 'How to.', mimeType: 'text/markdown' }] } })
    expect(await rpc('resources/read', { uri: 'cx://guide' })).toEqual({ jsonrpc: '2.0', id: 1, result: { contents: [{ uri: 'cx://guide', mimeType: 'text/markdown', text: '# Guide' }] } })
    expect(await rpc('resources/read', { uri: 'cx://none' })).toEqual({ jsonrpc: '2.0', id: 1, error: { code: -32002, message: 'Resource not found: cx://none', data: { uri: 'cx://none' } } })
    expect(server.removeResource('cx://guide')).toBe(true)
    expect(await rpc('resources/list')).toEqual({ jsonrpc: '2.0', id: 1, result: { resources: [] } })
  })
})
