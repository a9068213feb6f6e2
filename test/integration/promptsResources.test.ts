import { describe, expect, it } from 'vitest'
import { McpServer } from '../../platform/scriptforge/builtins/cxMcpServer'
import { docPage, docPages } from '../../platform/switch/docs'
import { REFERENCE_TABLES } from '../../src/analysis/referenceTables'
import { handleMessage } from '../../src/mcp'
import { PROMPTS } from '../../src/prompts'
import { bundleClient, installBridge, installFetch, testSwitch } from '../helpers/platform'

/** prompts/* and resources/* through main(data) of the bundle in QuickJS: the front answers what cxMcpServer cannot. */

const sw = testSwitch()
const client = bundleClient(sw.api)

/** Arguments for every prompt: each one it takes, so that each shows in the text. */
const ARGS: Record<string, Record<string, string>> = {
  'monthly-health-report': { month: '2026-10' },
  'customer-cdr-analysis': { customer: 'Cobalt Communications', period: '2026-11-01..2026-11-15' },
  'top-revenue-calls': { period: 'this_month' },
  'repeated-routing-failures': { period: '2026-11-23' },
  'debug-ai-agent-call': { callid: '4e1d9b72-3c0a-4f6e-a1d5-92c7e0b8f311' },
  'investigate-call': { call: '+44 7700 900123' },
  'onboard-me': {}
}

/** What each prompt's text must say with those arguments. */
const FILLED: Record<string, string[]> = {
  'monthly-health-report': ['October 2026', 'start_date: "2026-10-01", end_date: "2026-10-31"'],
  'customer-cdr-analysis': ['customer "Cobalt Communications" for 2026-11-01 to 2026-11-15', 'start_date: "2026-11-01", end_date: "2026-11-15"'],
  'top-revenue-calls': ['top revenue calls of this month so far'],
  'repeated-routing-failures': ['failures of 2026-11-23', 'start_date: "2026-11-23", end_date: "2026-11-23"'],
  'debug-ai-agent-call': ['callid: "4e1d9b72-3c0a-4f6e-a1d5-92c7e0b8f311"'],
  'investigate-call': ['to or from 447700900123', 'search: "447700900123"'],
  'onboard-me': ['searchDocumentation, getDocumentation']
}

describe('prompts', () => {
  it('declares the prompts capability in initialize', async () => {
    const init = await client.rpc('initialize', { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } })
    expect(init.result.capabilities).toEqual({ tools: { listChanged: false }, resources: { listChanged: false, subscribe: false }, prompts: { listChanged: false } })
  })

  it('lists the seven prompts with their arguments', async () => {
    const listed = (await client.rpc('prompts/list')).result.prompts
    expect(listed.map((p: { name: string }) => p.name)).toEqual(['monthly-health-report', 'customer-cdr-analysis', 'top-revenue-calls',
      'repeated-routing-failures', 'debug-ai-agent-call', 'investigate-call', 'onboard-me'])
    expect(listed).toEqual(PROMPTS.map(p => ({ name: p.name, title: p.title, description: p.description, arguments: p.arguments })))
  })

  it('returns each prompt with its arguments filled in, as one user message', async () => {
    for (const prompt of PROMPTS) {
      const got = await client.rpc('prompts/get', { name: prompt.name, arguments: ARGS[prompt.name] })
      expect(got.error, prompt.name).toBeUndefined()
      expect(got.result.description).toBe(prompt.description)
      expect(got.result.messages).toHaveLength(1)
      expect(got.result.messages[0].role).toBe('user')
      const text = got.result.messages[0].content.text as string
      for (const piece of FILLED[prompt.name]!) expect(text, prompt.name).toContain(piece)
    }
  })

  it('answers -32602 for an unknown prompt, a missing argument and a bad one', async () => {
    const cases: [unknown, string][] = [
      [{ name: 'nope' }, 'Unknown prompt: nope; the prompts are monthly-health-report, customer-cdr-analysis'],
      [{ name: 'top-revenue-calls', arguments: {} }, 'top-revenue-calls needs period: '],
      [{ name: 'top-revenue-calls', arguments: { period: 'last week' } }, 'period: "last week" is not a period'],
      [{ name: 'monthly-health-report', arguments: { month: '2026-13' } }, 'month: "2026-13" is not a month'],
      [{ name: 'onboard-me', arguments: { x: '1' } }, 'onboard-me has no argument x'],
      [{ name: 'investigate-call', arguments: { call: 42 } }, 'call must be a string'],
      [{}, 'prompts/get: params.name must be a string']
    ]
    for (const [params, message] of cases) {
      const got = await client.rpc('prompts/get', params)
      expect(got.error.code).toBe(-32602)
      expect(got.error.message.startsWith(message), got.error.message).toBe(true)
    }
    expect((await client.rpc('prompts/list', { cursor: 'x' })).error.code).toBe(-32602)
  })
})

describe('resources', () => {
  it('lists the documentation pages and the reference tables', async () => {
    const listed = (await client.rpc('resources/list')).result.resources as { uri: string, name: string, title: string, mimeType: string }[]
    expect(listed.map(r => r.uri)).toEqual([...docPages().map(p => `connexcs-docs://${p.path}`), ...REFERENCE_TABLES.map(t => t.uri)])
    expect(listed.find(r => r.uri === 'connexcs-docs://customer/did')).toEqual({
      uri: 'connexcs-docs://customer/did', name: 'customer/did', title: 'DIDs', description: 'ConnexCS documentation: DIDs.', mimeType: 'text/markdown'
    })
    expect(listed.every(r => r.mimeType === 'text/markdown')).toBe(true)
  })

  it('reads a page as the docs API has it, and a reference table', async () => {
    expect((await client.rpc('resources/read', { uri: 'connexcs-docs://guides/nat-traversal' })).result).toEqual({
      contents: [{ uri: 'connexcs-docs://guides/nat-traversal', mimeType: 'text/markdown', text: docPage('guides/nat-traversal') }]
    })
    const table = REFERENCE_TABLES.find(t => t.name === 'q850-causes')!
    expect((await client.rpc('resources/read', { uri: table.uri })).result).toEqual({ contents: [{ uri: table.uri, mimeType: 'text/markdown', text: table.render() }] })
  })

  it('reads any page through the template, and answers a missing page -32002 and a refused path -32602', async () => {
    const templates = (await client.rpc('resources/templates/list')).result.resourceTemplates
    expect(templates).toEqual([expect.objectContaining({ uriTemplate: 'connexcs-docs://{path}', mimeType: 'text/markdown' })])
    expect((await client.rpc('resources/read', { uri: 'connexcs-docs://no/such-page' })).error)
      .toEqual({ code: -32002, message: 'Resource not found: there is no documentation page no/such-page' })
    for (const uri of ['connexcs-docs://../setup/account', 'connexcs-docs://%2e%2e/x', 'connexcs-docs:///etc/passwd', 'connexcs-docs://http://x']) {
      expect((await client.rpc('resources/read', { uri })).error.code, uri).toBe(-32602)
    }
    expect((await client.rpc('resources/read', { uri: 'connexcs-reference://nope' })).error.code).toBe(-32002)
  })

  it('answers the list and reads itself on a platform without addResource', async () => {
    installBridge(sw.api)
    const restore = installFetch(sw.api)
    process.env.API_USERNAME = 'test@example.com'
    try {
      const bare = new McpServer('bare', '1')
      Object.defineProperty(bare, 'addResource', { value: undefined })
      const listed = await handleMessage(bare as never, { jsonrpc: '2.0', id: 1, method: 'resources/list' })
      expect((listed!.result as { resources: unknown[] }).resources).toHaveLength(docPages().length + REFERENCE_TABLES.length)
      const table = REFERENCE_TABLES[0]!
      expect(await handleMessage(bare as never, { jsonrpc: '2.0', id: 2, method: 'resources/read', params: { uri: table.uri } }))
        .toEqual({ jsonrpc: '2.0', id: 2, result: { contents: [{ uri: table.uri, mimeType: 'text/markdown', text: table.render() }] } })
      const page = await handleMessage(bare as never, { jsonrpc: '2.0', id: 3, method: 'resources/read', params: { uri: 'connexcs-docs://customer/did' } })
      expect((page!.result as { contents: { text: string }[] }).contents[0]!.text).toBe(docPage('customer/did'))
    } finally {
      restore()
      delete process.env.API_USERNAME
    }
  })
})
