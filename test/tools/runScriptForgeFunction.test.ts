import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ApiRequest } from '../../platform/backend'
import { ScriptForgeStore, withScriptForge } from '../../platform/scriptforge/api'
import { activeTools, createMcpServer, handleMessage } from '../../src/mcp'
import { runnableScripts, runScriptForgeFunction } from '../../src/tools/runScriptForgeFunction'
import { bundleClient, installBridge, installFetch, nodeContext, runInNode, testSwitch } from '../helpers/platform'

/**
 * runScriptForgeFunction on the local platform: the fake ScriptForge API runs the app's files in
 * QuickJS, and `fetch` with Accept: text/event-stream gets a run's console output, as `cx run` does.
 */

const HELLO = readFileSync(resolve(import.meta.dirname, '../fixtures/scripts/hello.js'), 'utf8')
const OTHER = 'export function main () { return { other: true } }\nexport function drop () { return { dropped: "everything" } }'

const sw = testSwitch()
const store = new ScriptForgeStore({ files: [{ app_id: 1, name: 'hello', code: HELLO }, { app_id: 1, name: 'other', code: OTHER }] })
let runs: ApiRequest[] = []
const backend = withScriptForge(async request => sw.api(request), { store })
const counting = (request: ApiRequest) => {
  if (request.path.startsWith('scriptforge/')) runs.push(request)
  return backend(request)
}
const ENV = { API_USERNAME: 'ops@example.com', APP_ID: '1', SCRIPTFORGE_NAME: 'mcp', MCP_RUNNABLE_SCRIPTS: 'hello, other:main, mcp, selfTest' }

describe('MCP_RUNNABLE_SCRIPTS', () => {
  it('lists scripts, or script:function pairs; never the server itself; malformed entries are set aside with why', () => {
    expect(runnableScripts({ MCP_RUNNABLE_SCRIPTS: ' reports,tools:add; tools:sub tools:add\nbilling.v2 ', SCRIPTFORGE_NAME: 'server' })).toEqual({
      scripts: [{ script: 'reports', functions: 'any' }, { script: 'tools', functions: ['add', 'sub'] }, { script: 'billing.v2', functions: 'any' }], ignored: []
    })
    expect(runnableScripts({ MCP_RUNNABLE_SCRIPTS: 'tools:add, tools', SCRIPTFORGE_NAME: 'server' }).scripts).toEqual([{ script: 'tools', functions: 'any' }])
    expect(runnableScripts({ MCP_RUNNABLE_SCRIPTS: 'mcp, selfTest:main, server, ../x, a:b:c, a:1x', SCRIPTFORGE_NAME: 'server' })).toEqual({
      scripts: [],
      ignored: ['mcp: this MCP server\'s own file, never runnable through it', 'selfTest: this MCP server\'s own file, never runnable through it',
        'server: this MCP server\'s own file, never runnable through it', '../x: not a script or script:function', 'a:b:c: not a script or script:function',
        'a:1x: not a script or script:function']
    })
    expect(runnableScripts({ MCP_RUNNABLE_SCRIPTS: 'mcpGetSipTrace mcpPrompts mcphelper', SCRIPTFORGE_NAME: 'server' })).toEqual({
      scripts: [{ script: 'mcphelper', functions: 'any' }],
      ignored: ['mcpGetSipTrace: this MCP server\'s own file, never runnable through it', 'mcpPrompts: this MCP server\'s own file, never runnable through it']
    })
    expect(runnableScripts({})).toEqual({ scripts: [], ignored: [] })
  })

  it('registers the tool only when it lists a script that may run', () => {
    const names = (env: Record<string, string>) => activeTools(env).map(t => t.name)
    expect(names({})).not.toContain('runScriptForgeFunction')
    expect(names({ MCP_RUNNABLE_SCRIPTS: '' })).not.toContain('runScriptForgeFunction')
    expect(names({ MCP_RUNNABLE_SCRIPTS: 'mcp selfTest' })).not.toContain('runScriptForgeFunction')
    expect(names({ MCP_RUNNABLE_SCRIPTS: 'hello' }).at(-1)).toBe('runScriptForgeFunction')
    expect(runScriptForgeFunction.readOnly).toBe(false)
    expect(runScriptForgeFunction.description).toMatch(/^Run a function of one of the account's ScriptForge scripts ON the ConnexCS platform: this executes code/)
  })
})

describe('runScriptForgeFunction through the bundle, on the local platform', () => {
  const client = bundleClient(counting, { env: ENV })

  it('is absent from tools/list without MCP_RUNNABLE_SCRIPTS, and a call to it is an unknown tool', async () => {
    const plain = bundleClient(counting)
    const listed = (await plain.rpc('tools/list')).result.tools.map((t: { name: string }) => t.name)
    expect(listed).not.toContain('runScriptForgeFunction')
    expect((await plain.rpc('tools/call', { name: 'runScriptForgeFunction', arguments: { script: 'hello' } })).error.code).toBe(-32602)
    const on = (await client.rpc('tools/list')).result.tools.find((t: { name: string }) => t.name === 'runScriptForgeFunction')
    expect(on.annotations).toEqual({ title: on.title, readOnlyHint: false, destructiveHint: true, openWorldHint: false })
  })

  it('says in initialize which tool is not read-only, only when it is registered', async () => {
    const instructions = async (c: ReturnType<typeof bundleClient>): Promise<string> =>
      (await c.rpc('initialize', { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'test', version: '1' } })).result.instructions
    const plain = await instructions(bundleClient(counting))
    const on = await instructions(client)
    expect(plain.split('\n')[0]).toBe('ConnexCS switch tools (read-only). Start with:')
    expect(on.split('\n')[0]).toBe('ConnexCS switch tools (read-only, except runScriptForgeFunction, which can change the account: ask the user before each call). Start with:')
    expect(on.split('\n').slice(1)).toEqual(plain.split('\n').slice(1))
    expect(on.length).toBeLessThan(2048)
  })

  it('lists what may run when no script is given, running nothing', async () => {
    runs = []
    const { result } = await client.callTool('runScriptForgeFunction', {})
    expect(result.runnable).toEqual([{ script: 'hello', functions: 'any' }, { script: 'other', functions: ['main'] }])
    expect(result.summary).toBe('This server may run 2 ScriptForge scripts of app 1: hello (any function), other (main). Give script (and function, body) to run one.')
    expect(runs).toEqual([])
  })

  it('runs an allowed function with its JSON argument and gives its result and console output', async () => {
    runs = []
    const { result, isError } = await client.callTool('runScriptForgeFunction', { script: 'hello', function: 'add', body: '{"a": 2, "b": 40}' })
    expect(isError).toBe(false)
    expect(result).toMatchObject({
      summary: 'Ran hello.add on the platform (app 1): it returned an object (2 keys); 2 console lines.',
      ok: true, result: { sum: 42, app: '1' },
      console: [{ level: 'info', text: 'adding 2 and 40' }, { level: 'warn', text: 'numbers only' }]
    })
    expect(runs).toEqual([{ user: 'ops@example.com', method: 'POST', path: 'scriptforge/1/hello/add', body: { a: 2, b: 40 }, accept: 'text/event-stream' }])
    const main = await client.callTool('runScriptForgeFunction', { script: 'other' })
    expect(main.result).toMatchObject({ ok: true, function: 'main', result: { other: true }, console: [] })
  })

  it('reports a function that throws, with what it logged', async () => {
    const { result, isError } = await client.callTool('runScriptForgeFunction', { script: 'hello', function: 'fail' })
    expect([isError, result.ok, result.error, result.console]).toEqual([false, false, 'out of range', [{ level: 'error', text: 'about to fail' }]])
  })

  it('refuses any other script or function, and the server\'s own files, with the list, before any run', async () => {
    runs = []
    const cases: [Record<string, string>, string, string][] = [
      [{ script: 'billing' }, 'script', 'script "billing" is not runnable here. MCP_RUNNABLE_SCRIPTS allows: hello (any function), other (main)'],
      [{ script: 'other', function: 'drop' }, 'function', 'other.drop is not runnable here; of other, MCP_RUNNABLE_SCRIPTS allows main. Runnable: hello (any function), other (main)'],
      [{ script: 'mcp' }, 'script', 'script "mcp" is not runnable here. mcp is this MCP server\'s own file, which never runs through this tool. ' +
      'MCP_RUNNABLE_SCRIPTS allows: hello (any function), other (main)'],
      [{ script: 'selfTest', function: 'main' }, 'script', 'script "selfTest" is not runnable here. selfTest is this MCP server\'s own file, which never runs ' +
      'through this tool. MCP_RUNNABLE_SCRIPTS allows: hello (any function), other (main)'],
      [{ script: 'hello', body: '{not json' }, 'body', 'body must be JSON text, e.g. {"customer_id": 42}; it does not parse: ']
    ]
    for (const [args, parameter, message] of cases) {
      const { result, isError } = await client.callTool('runScriptForgeFunction', args)
      expect([isError, result.error.type, result.error.parameter]).toEqual([true, 'invalid_argument', parameter])
      expect(result.error.message.startsWith(message)).toBe(true)
    }
    expect(runs).toEqual([])
  })
})

describe('runScriptForgeFunction in Node', () => {
  beforeAll(() => installBridge(counting))
  let restore: () => void = () => {}
  afterAll(() => restore())

  it('runs through cxRest where the sandbox has no fetch, and says why there is no console output', async () => {
    restore = installFetch(undefined)
    runs = []
    const { result } = await runInNode(runScriptForgeFunction, { script: 'hello', body: '{"name": "Ada"}' }, nodeContext(undefined, undefined, ENV))
    expect(result).toMatchObject({ ok: true, result: { hello: 'Ada' } })
    expect(result.console).toBeUndefined()
    expect(result.console_note).toBe('Console output is not available: the platform streams it only to clients that ask for server-sent events (as `cx run` does), ' +
      'and cxRest reads JSON answers only. Asking for them needs fetch: this sandbox has no global fetch (ScriptForge has one; an older local host did not).')
    expect(runs).toEqual([{ user: 'test@example.com', method: 'POST', path: 'scriptforge/1/hello/main', body: { name: 'Ada' } }])
    restore()
  })

  it('falls back on cxRest, running once, when the API refuses fetch (401)', async () => {
    restore = installFetch(async request => request.accept === 'text/event-stream' ? { status: 401, statusText: 'Unauthorized', body: '{"error":"no token"}' } : counting(request))
    runs = []
    const { result } = await runInNode(runScriptForgeFunction, { script: 'hello' }, nodeContext(undefined, undefined, ENV))
    expect(result).toMatchObject({ ok: true, result: { hello: 'world' } })
    expect(result.console_note).toContain('Asking for them with fetch was refused (HTTP 401): the sandbox\'s fetch carries no ConnexCS credentials of its own.')
    expect(runs).toHaveLength(1)
    restore()
  })

  it('needs the app id, and a list that allows something', async () => {
    const noApp = await runInNode(runScriptForgeFunction, { script: 'hello' }, nodeContext(undefined, undefined, { MCP_RUNNABLE_SCRIPTS: 'hello' }))
    expect([noApp.isError, noApp.result.error.type]).toEqual([true, 'configuration'])
    const none = await runInNode(runScriptForgeFunction, {}, nodeContext())
    expect([none.isError, none.result.error.type]).toEqual([true, 'configuration'])
  })

  it('is registered by createMcpServer from the env it is given', async () => {
    const server = createMcpServer(() => nodeContext(), { MCP_RUNNABLE_SCRIPTS: 'hello' })
    const listed = await handleMessage(server, { jsonrpc: '2.0', id: 1, method: 'tools/list' })
    expect((listed!.result as { tools: { name: string }[] }).tools.map(t => t.name)).toContain('runScriptForgeFunction')
    const plain = await handleMessage(createMcpServer(() => nodeContext(), {}), { jsonrpc: '2.0', id: 1, method: 'tools/list' })
    expect((plain!.result as { tools: { name: string }[] }).tools.map(t => t.name)).not.toContain('runScriptForgeFunction')
  })
})
