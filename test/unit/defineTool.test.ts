import { describe, expect, it } from 'vitest'
import { McpServer } from '../../platform/scriptforge/builtins/cxMcpServer'
import { defineTool, registerTools, runTool } from '../../src/lib/defineTool'
import type { ToolContext } from '../../src/lib/context'
import { invalidArgument, ToolError } from '../../src/lib/errors'
import { nextStep } from '../../src/lib/result'

const echo = defineTool({
  name: 'echoCall',
  title: 'Echo',
  description: 'Echoes its arguments.',
  example: 'Echo this.',
  readOnly: true,
  selfTest: { args: () => ({ callid: 'x' }), expect: { args: 'object' } },
  params: {
    callid: { type: 'string', description: 'Call-ID.', required: true },
    limit: { type: 'number', description: 'Rows.', default: 5, min: 1, max: 10 },
    mode: { type: 'string', description: 'Mode.', enum: ['short', 'long'], default: 'short' },
    raw: { type: 'boolean', description: 'Raw.' }
  },
  async handler (args, ctx) {
    if (args.callid === 'now') return { summary: `It is ${new Date(ctx.nowMs).toISOString()}.` }
    if (args.callid === 'boom') throw new Error('kaboom')
    if (args.callid === 'missing') throw new ToolError('not_found', 'No call missing.')
    if (args.callid === 'bad') throw invalidArgument('callid', 'callid bad is not a Call-ID.')
    return { summary: `Echo ${args.callid}.`, args, next_steps: [nextStep('echoCall', { callid: args.callid, raw: undefined }, 'Again.')] }
  }
})

const ctx: ToolContext = {
  nowMs: Date.UTC(2026, 0, 2, 3, 4, 5),
  get api (): never {
    throw new ToolError('configuration', 'API_USERNAME environment variable is required but not set.')
  }
}

async function call (args: unknown) {
  const response = await runTool(echo, args, ctx)
  expect(response.content).toHaveLength(1)
  expect(response.content[0]!.type).toBe('text')
  return { isError: response.isError === true, result: JSON.parse(response.content[0]!.text) }
}

describe('runTool', () => {
  it('passes validated arguments with defaults to the handler and returns its result as JSON text', async () => {
    expect(await call({ callid: ' abc ' })).toEqual({
      isError: false,
      result: { summary: 'Echo abc.', args: { callid: 'abc', limit: 5, mode: 'short' }, next_steps: [{ tool: 'echoCall', args: { callid: 'abc' }, why: 'Again.' }] }
    })
  })

  it('hands the handler its context: the clock it was given, and the API client as a failure when it cannot be made', async () => {
    expect(await call({ callid: 'now' })).toEqual({ isError: false, result: { summary: 'It is 2026-01-02T03:04:05.000Z.' } })
    const usesApi = defineTool({
      ...echo,
      name: 'usesApi',
      async handler (_args, c) {
        return { summary: String(c.api) }
      }
    })
    const response = await runTool(usesApi, { callid: 'x' }, ctx)
    expect([response.isError, JSON.parse(response.content[0]!.text).error]).toEqual([true, {
      type: 'configuration', message: 'API_USERNAME environment variable is required but not set.'
    }])
  })

  it('turns bad arguments into an invalid_argument error result naming the parameter', async () => {
    expect(await call({ callid: 'x', limit: 11 })).toEqual({
      isError: true,
      result: { summary: 'Invalid argument: limit', error: { type: 'invalid_argument', message: 'limit must be between 1 and 10; got 11.', parameter: 'limit' } }
    })
  })

  it('reports a ToolError with its type, and lets no exception escape', async () => {
    expect(await call({ callid: 'missing' })).toEqual({ isError: true, result: { summary: 'Not found', error: { type: 'not_found', message: 'No call missing.' } } })
    expect(await call({ callid: 'bad' })).toEqual({
      isError: true,
      result: { summary: 'Invalid argument: callid', error: { type: 'invalid_argument', message: 'callid bad is not a Call-ID.', parameter: 'callid' } }
    })
    expect(await call({ callid: 'boom' })).toEqual({
      isError: true,
      result: { summary: 'Internal error', error: { type: 'internal', message: 'kaboom (this is a bug in the tool; please report it)' } }
    })
  })
})

describe('registerTools', () => {
  it('declares the tool and each parameter on the platform server, as addTool(...).addParameter(...)', async () => {
    const server = new McpServer('Test', '1.2.3')
    registerTools(server, [echo], () => ctx)
    const listed = await server.handle({ jsonrpc: '2.0', id: 1, method: 'tools/list' })
    expect(listed).toEqual({
      jsonrpc: '2.0',
      id: 1,
      result: {
        tools: [{
          name: 'echoCall',
          description: 'Echoes its arguments.',
          inputSchema: {
            type: 'object',
            properties: {
              callid: { type: 'string', description: 'Call-ID.' },
              limit: { type: 'number', description: 'Rows.', default: 5 },
              mode: { type: 'string', description: 'Mode.', enum: ['short', 'long'], default: 'short' },
              raw: { type: 'boolean', description: 'Raw.' }
            },
            required: ['callid']
          }
        }]
      }
    })
    const called = await server.handle({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'echoCall', arguments: { callid: 'z' } } }) as { result: { content: { text: string }[] } }
    expect(JSON.parse(called.result.content[0]!.text).summary).toBe('Echo z.')
  })
})
